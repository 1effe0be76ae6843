"""One archive holds everything needed to bring an instance back: the database and the
data directory, the encryption key included (without it every stored secret is lost).

The database is dumped with the engine's own tool, because only that restores it
faithfully (types, sequences, constraints, millions of usage rows): `pg_dump` custom
format on PostgreSQL, SQLite's online backup API on SQLite. An archive is restored
into the same engine it was taken from.

Archive layout (a dated .tar.gz):
    manifest.json       format, engine, creation time, applied migrations, row counts
    database.pgdump     or database.sqlite3
    encryption_key      the Fernet key(s) this instance uses, whatever their source
    data/...            the data directory, minus what is rebuilt or lives elsewhere
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from readiness.core import crypto

FORMAT = 1
# Rebuilt on start or by the image, transient, or the database itself (dumped apart).
DATA_DIR_SKIP = {"broker", "cache", "staticfiles", "backups", "tmp"}
COUNTED_MODELS = ["tenancy.Tenant", "inventory.Mailbox", "senders.Sender",
                  "usage.DailyUsage", "connectors.TenantConnection"]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    secrets_checked: int


# --- backup -------------------------------------------------------------------------


def backup_create(*, output_dir: Path, now: datetime | None = None) -> Path:
    """Write one dated archive into output_dir and return its path."""
    stamp = (now or datetime.now(tz=UTC)).strftime("%Y%m%dT%H%M%SZ")
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / f"readiness-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="readiness-backup-") as tmp:
        work = Path(tmp)
        dump_name = _dump_database(work)
        (work / "encryption_key").write_text(",".join(crypto.configured_keys()))
        manifest = _manifest(dump_name)
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = target.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as archive:
            for name in ("manifest.json", dump_name, "encryption_key"):
                archive.add(work / name, arcname=name)
            _add_data_dir(archive)
        os.chmod(partial, 0o600)  # it holds the key and every secret
        partial.rename(target)  # a half-written archive never looks complete
    return target


def _dump_database(work: Path) -> str:
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(work / "database.pgdump")], "pg_dump")
        return "database.pgdump"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(work / "database.sqlite3")
        with target:
            connection.connection.backup(target)  # a consistent snapshot, WAL included
        target.close()
        return "database.sqlite3"
    raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")


def _manifest(dump_name: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = [list(row) for row in cursor.fetchall()]
    return {
        "format": FORMAT,
        "created_at": datetime.now(tz=UTC).isoformat(),
        "engine": connection.vendor,
        "database": dump_name,
        "key_source": "environment" if settings.READINESS_ENCRYPTION_KEY else "data_dir",
        "migrations": migrations,
        "counts": database_counts(),
    }


def database_counts() -> dict[str, int]:
    """A few row counts, printed after backup and restore so an operator can compare."""
    counts = {}
    for label in COUNTED_MODELS:
        try:
            counts[label] = apps.get_model(label).objects.count()
        except LookupError:  # a model moved or renamed by a later release
            continue
    return counts


def _data_dir_files(data_dir: Path):
    skip = {Path(settings.DATABASES["default"]["NAME"]).name} if connection.vendor == "sqlite" \
        else set()
    for path in sorted(data_dir.iterdir()):
        if path.name in DATA_DIR_SKIP or path.name in skip or _is_sqlite_file(path):
            continue
        yield path


def _is_sqlite_file(path: Path) -> bool:
    return path.is_file() and ".sqlite3" in path.name


def _add_data_dir(archive: tarfile.TarFile) -> None:
    data_dir = Path(settings.DATA_DIR)
    for path in _data_dir_files(data_dir):
        archive.add(path, arcname=f"data/{path.name}")


# --- restore ------------------------------------------------------------------------


def backup_restore(*, archive_path: Path, force: bool = False) -> RestoreResult:
    """Restore an archive into this instance's database and data directory.

    Refuses, before changing anything, an archive from another engine or a newer release,
    keys that could not read the archive's secrets, and (without force) a database that
    already holds users or tenants. The database is replaced in one transaction.
    """
    with tempfile.TemporaryDirectory(prefix="readiness-restore-") as tmp:
        work = Path(tmp)
        manifest = _unpack(archive_path, work)
        _check_compatible(manifest)
        archive_keys = (work / "encryption_key").read_text().strip()
        _check_keys(manifest, archive_keys)
        if not force and database_has_data():
            raise BackupError("the database already holds users or tenants; restore into "
                              "a fresh stack, or pass --force to replace everything in it")
        _restore_database(work / manifest["database"], manifest["engine"])
        _restore_data_dir(work / "data", manifest, archive_keys)
    return RestoreResult(manifest=manifest, secrets_checked=secrets_verify())


def _unpack(archive_path: Path, work: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            # "data" filter: no absolute paths, no links or devices leaving the folder.
            archive.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
    except (OSError, tarfile.TarError, EOFError, ValueError) as exc:
        raise BackupError(f"{archive_path} is not a readable backup archive: {exc}") from exc
    if manifest.get("format") != FORMAT or not (work / manifest.get("database", "-")).is_file():
        raise BackupError(f"{archive_path} is not a backup of this product (format "
                          f"{manifest.get('format')!r})")
    return manifest


def _check_compatible(manifest: dict) -> None:
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"the archive holds a {manifest['engine']} database and this "
                          f"instance uses {connection.vendor}; restore into the same engine")
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"]
               if (app, name) not in known and apps.is_installed_label(app)]
    if unknown:
        raise BackupError("the archive comes from a newer release (migrations this code does "
                          f"not know: {', '.join(unknown[:5])}); restore it with that release")


def _check_keys(manifest: dict, archive_keys: str) -> None:
    """With the key in the environment, it must be able to read the archive's secrets."""
    configured = settings.READINESS_ENCRYPTION_KEY
    if not configured:
        return  # the archive's key file is restored into the data directory
    primary = archive_keys.split(",")[0].strip()  # the key that encrypted the secrets
    have = {key.strip() for key in configured.split(",") if key.strip()}
    if primary not in have:
        raise BackupError("READINESS_ENCRYPTION_KEY cannot read this archive's secrets: set it "
                          "to the key stored in the archive (tar -xzOf ARCHIVE "
                          "encryption_key) and run restore again")


def database_has_data() -> bool:
    tables = set(connection.introspection.table_names())
    user_table = apps.get_model("auth.User")._meta.db_table
    tenant_table = apps.get_model("tenancy.Tenant")._meta.db_table
    return any(table in tables and apps.get_model(label).objects.exists()
               for table, label in ((user_table, "auth.User"), (tenant_table, "tenancy.Tenant")))


def _restore_database(dump: Path, engine: str) -> None:
    if engine == "postgresql":
        _pg_restore(dump)
    else:
        _sqlite_restore(dump)


def _pg_restore(dump: Path) -> None:
    """Drop our tables and load the dump in ONE transaction that psql commits only once
    pg_restore has produced the whole dump: a truncated or unreadable dump changes nothing."""
    tables = connection.introspection.table_names()
    connection.close()  # psql needs the tables without our session's locks
    drops = "".join(f'DROP TABLE IF EXISTS "{name}" CASCADE;\n' for name in tables)
    env = _pg_env()
    # Error output goes to files: a full pipe nobody reads would stall both tools.
    with tempfile.TemporaryFile() as psql_err, tempfile.TemporaryFile() as source_err:
        psql = subprocess.Popen(["psql", "--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1",
                                 "--file", "-"], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=psql_err, env=env)
        source = subprocess.Popen(["pg_restore", "--no-owner", "--no-privileges", "--file",
                                   "-", str(dump)], stdout=subprocess.PIPE, stderr=source_err,
                                  env=env)
        _pipe(f"BEGIN;\n{drops}".encode(), source, psql)
        if source.returncode or psql.wait():
            detail = b"".join(_read(f) for f in (source_err, psql_err))
            raise BackupError("the database restore failed and was rolled back: "
                              f"{detail.decode(errors='replace').strip()[-800:]}")


def _pipe(prefix: bytes, source: subprocess.Popen, sink: subprocess.Popen) -> None:
    """Feed prefix + source's output to sink; COMMIT only if source ended cleanly.
    Without the COMMIT, psql reaches the end of its input inside the transaction and the
    server rolls it back when psql disconnects."""
    try:
        sink.stdin.write(prefix)
        shutil.copyfileobj(source.stdout, sink.stdin)
        if source.wait() == 0:
            sink.stdin.write(b"COMMIT;\n")
    except BrokenPipeError:
        source.kill()  # psql stopped on an error: its message is reported by the caller
        source.wait()
    finally:
        source.stdout.close()
        with suppress(BrokenPipeError):
            sink.stdin.close()


def _read(handle) -> bytes:
    handle.seek(0)
    return handle.read()


def _sqlite_restore(dump: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)  # replaces the whole database at once
    finally:
        source.close()


def _restore_data_dir(source: Path, manifest: dict, archive_keys: str) -> None:
    data_dir = Path(settings.DATA_DIR)
    if source.is_dir():
        shutil.copytree(source, data_dir, dirs_exist_ok=True)
    if manifest["key_source"] == "environment" and not settings.READINESS_ENCRYPTION_KEY:
        # The old instance kept its key in the environment; this one reads the key file.
        crypto.key_file().write_text(archive_keys)
        os.chmod(crypto.key_file(), 0o600)


def secrets_verify() -> int:
    """Decrypt every stored secret with the configured keys; raise if any cannot be read."""
    checked = 0
    for label, fields in crypto.ENCRYPTED_FIELDS:
        model = apps.get_model(label)
        for row in model.objects.values_list(*fields):
            for value in filter(None, row):
                try:
                    crypto.decrypt(value)
                except crypto.SecretUnreadable as exc:
                    raise BackupError("the database is back but its secrets cannot be read "
                                      "with the configured encryption key") from exc
                checked += 1
    return checked


# --- helpers ------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    """libpq variables, so the password never appears on a command line."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db.get("USER") or "",
           "PGHOST": db.get("HOST") or "", "PGPORT": str(db.get("PORT") or "")}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {key: value for key, value in env.items() if value != ""}


def _run(argv: list[str], tool: str) -> None:
    try:
        result = subprocess.run(argv, env=_pg_env(), capture_output=True, text=True,
                                check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{tool} is not installed (PostgreSQL client tools)") from exc
    if result.returncode:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-800:]}")
