"""Encryption at rest for tenant credentials (Fernet: AES-128-CBC + HMAC-SHA256).

The key comes from READINESS_ENCRYPTION_KEY; in development one is generated into
the data dir on first use. A comma-separated list is accepted during rotation: the
first key encrypts, all keys decrypt (see `rotate_encryption_key`).
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from readiness.config import read_or_create_key


class SecretUnreadable(Exception):
    """The stored ciphertext cannot be decrypted with any configured key."""


def _keys() -> list[str]:
    raw = settings.READINESS_ENCRYPTION_KEY
    if not raw:
        raw = read_or_create_key(
            settings.DATA_DIR / "encryption_key", lambda: Fernet.generate_key().decode()
        )
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
