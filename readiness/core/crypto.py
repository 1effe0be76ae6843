"""Encryption at rest for tenant credentials (Fernet: AES-128-CBC + HMAC-SHA256).

The key comes from READINESS_ENCRYPTION_KEY; in development one is generated into
the data dir on first use. A comma-separated list is accepted during rotation: the
first key encrypts, all keys decrypt (see `rotate_encryption_key`).

Every encrypted column is listed in `ENCRYPTED_FIELDS`, so that key rotation can
re-encrypt all of them and the admin, exports and logs can keep them out. An app
that adds one registers it in its AppConfig.ready()::

    crypto.register_encrypted_fields("notifications.Webhook", ["secret_encrypted"])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from readiness.config import read_or_create_key

# (model label, [field names]). Appended to by register_encrypted_fields().
ENCRYPTED_FIELDS: list[tuple[str, list[str]]] = [
    ("connectors.TenantConnection", ["client_secret_encrypted", "certificate_key_encrypted"]),
    ("connectors.MspApp", ["client_secret_encrypted", "certificate_key_encrypted"]),
]


class SecretUnreadable(Exception):
    """The stored ciphertext cannot be decrypted with any configured key."""


def register_encrypted_fields(model_label: str, fields: list[str]) -> None:
    """Add a model's encrypted columns to the registry (idempotent)."""
    for label, names in ENCRYPTED_FIELDS:
        if label == model_label:
            names.extend(name for name in fields if name not in names)
            return
    ENCRYPTED_FIELDS.append((model_label, list(fields)))


def encrypted_fields_for(model) -> list[str]:
    """The encrypted column names of a model class (empty when it has none)."""
    label = model._meta.label
    return [name for registered, names in ENCRYPTED_FIELDS if registered == label
            for name in names]


def key_file():
    return settings.DATA_DIR / "encryption_key"


def configured_keys() -> list[str]:
    """The keys in use (first encrypts, all decrypt): what a backup must carry."""
    return _keys()


def _keys() -> list[str]:
    raw = settings.READINESS_ENCRYPTION_KEY
    if not raw:
        raw = read_or_create_key(key_file(), lambda: Fernet.generate_key().decode())
    return [key.strip() for key in raw.split(",") if key.strip()]


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "READINESS_ENCRYPTION_KEY must be a url-safe base64 32-byte Fernet key"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(_keys()))


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("stored secret cannot be decrypted with the configured key") from exc


@dataclass(frozen=True)
class RotationResult:
    new_key: str
    keys_after: list[str]
    counts: dict[str, int]


def validate_key(key: str) -> str:
    key = key.strip()
    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "the new key must be a url-safe base64 32-byte Fernet key "
            "(make one with: rotate_encryption_key --generate)"
        ) from None
    return key


def rotate_encryption_key(*, new_key: str) -> RotationResult:
    """Re-encrypt every registered field with `new_key`, all in one transaction.

    Values are decrypted with the currently configured key(s); one value that none
    of them can read aborts the whole rotation with SecretUnreadable, so nothing is
    left half-rotated. The caller must then configure `keys_after` (new key first,
    old keys still accepted) before any process writes with the old key again.
    """
    new_key = validate_key(new_key)
    old_keys = [key for key in _keys() if key != new_key]
    rotator = MultiFernet([Fernet(k.encode()) for k in [new_key, *old_keys]])
    counts: dict[str, int] = {}
    with transaction.atomic():
        for label, fields in ENCRYPTED_FIELDS:
            counts[label] = _rotate_model(apps.get_model(label), fields, rotator)
    return RotationResult(new_key=new_key, keys_after=[new_key, *old_keys], counts=counts)


def _rotate_model(model, fields: list[str], rotator: MultiFernet) -> int:
    changed = []
    for obj in model._default_manager.select_for_update().only("pk", *fields).order_by("pk"):
        for name in fields:
            token = getattr(obj, name)
            if not token:
                continue
            try:
                setattr(obj, name, rotator.rotate(token.encode()).decode())
            except InvalidToken:
                raise SecretUnreadable(
                    f"{model._meta.label} pk={obj.pk} field {name} cannot be decrypted "
                    "with the configured key(s); nothing was changed"
                ) from None
        changed.append(obj)
    model._default_manager.bulk_update(changed, fields, batch_size=500)
    return len(changed)


def store_dev_keys(keys: list[str]) -> None:
    """Development only (no READINESS_ENCRYPTION_KEY): keep the key list in the data dir."""
    path = key_file()
    path.write_text(",".join(keys))
    path.chmod(0o600)
