"""Small, strict parsers for configuration read from the environment.

Every parser raises ImproperlyConfigured naming the variable, so a typo stops
start-up instead of silently falling back to a default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_float(name: str, default: float, *, minimum: float = 0) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None
    if not value >= minimum:  # also refuses nan
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but empty")
    return items


def env_url(name: str, default: str, *, schemes: tuple[str, ...] = ("https",)) -> str:
    """A base URL without a trailing slash; msal insists on https authorities."""
    raw = env_str(name, default)
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not parsed.netloc:
        allowed = " or ".join(schemes)
        raise ImproperlyConfigured(f"{name} must be an {allowed} URL, got {raw!r}")
    return raw.rstrip("/")


PRIVATE_UMASK = 0o077


def data_dir(base_dir: Path) -> Path:
    """READINESS_DATA_DIR holds everything this instance writes locally: the SQLite
    database, keys, uploads, temporary uploads, cache. All of it is private to the
    service user: the process umask becomes 077 here (settings are the first thing
    every web, worker and manage.py process loads), so every file it creates is 0600
    and every directory 0700, SQLite's included; what an older version left readable
    is made private."""
    os.umask(PRIVATE_UMASK)
    raw = env_str("READINESS_DATA_DIR")
    path = Path(raw).expanduser() if raw else base_dir / "var"
    if not path.is_absolute():
        path = (base_dir / path).resolve()
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        private_tree(path)
    except OSError as exc:
        message = f"READINESS_DATA_DIR {str(path)!r} is not writable: {exc}"
        raise ImproperlyConfigured(message) from exc
    return path


def private_tree(root: Path) -> None:
    """Take group and other permissions off root and everything in it that we own."""
    uid = os.getuid()
    for folder, _dirs, files in os.walk(root):
        for name in [".", *files]:  # each folder is "." of its own visit
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if info.st_uid == uid and info.st_mode & 0o077 and not os.path.islink(path):
                os.chmod(path, info.st_mode & 0o700)


def temp_dir(data: Path) -> Path:
    """Uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE spool here, not in the system
    /tmp: private, on the data volume, and swept (readiness.imports.storage)."""
    path = data / "tmp"
    path.mkdir(exist_ok=True, mode=0o700)
    return path


def database_config(data: Path) -> dict:
    """DATABASE_URL selects PostgreSQL or a SQLite file; default is SQLite in the data dir."""
    raw = env_str("DATABASE_URL")
    if not raw:
        return _sqlite(data / "readiness.sqlite3")
    parsed = urlparse(raw)
    if parsed.scheme == "sqlite":
        # sqlite:///relative or sqlite:////absolute, as dj-database-url reads them.
        path = parsed.path[1:] if parsed.path.startswith("/") else parsed.path
        if not path:
            raise ImproperlyConfigured(f"DATABASE_URL has no SQLite path: {raw!r}")
        return _sqlite(Path(path) if Path(path).is_absolute() else data.parent / path)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        if not parsed.path.strip("/"):
            raise ImproperlyConfigured(f"DATABASE_URL names no database: {raw!r}")
        import dj_database_url

        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
        return config
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with postgres:// or sqlite:///, got scheme {parsed.scheme!r}"
    )


def _sqlite(path: Path) -> dict:
    # WAL lets the web server read while a worker writes; the timeout rides out the
    # short write locks instead of failing with "database is locked".
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # A file, not :memory:, so a real worker process can share the test database.
        "TEST": {"NAME": str(path.with_name(f"test_{path.name}"))},
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def redis_url() -> str:
    raw = env_str("REDIS_URL")
    if raw and urlparse(raw).scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(f"REDIS_URL must start with redis:// or rediss://, got {raw!r}")
    return raw


def secret_key(data: Path) -> str:
    """SECRET_KEY from the environment, else a per-instance key generated once."""
    raw = env_str("SECRET_KEY")
    if raw:
        if len(raw) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long")
        return raw
    return read_or_create_key(data / "secret_key", lambda: secrets.token_urlsafe(50))


def read_or_create_key(path: Path, make) -> str:
    if path.exists():
        return path.read_text().strip()
    value = make()
    # O_EXCL: two processes starting together must not write different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value
