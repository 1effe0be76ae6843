"""`manage.py backup` and `restore`, run as an operator runs them, between two separate
instances (own data directory, own database): the restored one shows the same tenants
and figures, and its stored secrets still decrypt. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.deploy.stack import ROOT

pytestmark = pytest.mark.slow
PG = "postgres://postgres@127.0.0.1:5432"
# What an operator compares, in one process: every tenant with its connection, its
# readiness figures (minus the time they were printed) and its decrypted secret.
FIGURES = """
import io, json
from django.core.management import call_command
from readiness.connectors.models import TenantConnection
from readiness.core import crypto

def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())

tenants = run("tenants", "list", "--format", "json")
reports = {t["slug"]: run("readiness_report", "--tenant", t["slug"], "--format", "json")
           for t in tenants}
for report in reports.values():
    report.pop("as_of")
secrets = sorted([c.tenant.slug, crypto.decrypt(c.client_secret_encrypted)]
                 for c in TenantConnection.objects.select_related("tenant"))
print(json.dumps({"tenants": tenants, "reports": reports, "secrets": secrets}))
"""


def instance(data_dir: Path, database_url: str | None = None, key: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "READINESS_ENCRYPTION_KEY"}}
    env["READINESS_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    if key:
        env["READINESS_ENCRYPTION_KEY"] = key
    return env


def manage(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def figures(env: dict) -> dict:
    # The last line: anything a command logs to stdout comes before it.
    return json.loads(manage(env, "shell", "-c", FIGURES).stdout.splitlines()[-1])


def seeded_backup(env: dict, output: Path) -> Path:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--tenants", "2", "--days", "10")
    out = manage(env, "backup", "--output-dir", str(output)).stdout
    return Path(re.search(r"Backup written: (\S+)", out).group(1))


def postgres_database(name: str) -> str:
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql],
                       check=True, capture_output=True, timeout=60)
    return f"{PG}/{name}"


def postgres_available() -> bool:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "select 1"],
                          capture_output=True, timeout=20).returncode == 0


# --- SQLite: the key lives in the data directory, as in development ------------------


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory):
    base = tmp_path_factory.mktemp("sqlite")
    env = instance(base / "src")
    archive = seeded_backup(env, base / "backups")
    return env, archive, figures(env)


def test_the_archive_is_dated_private_and_holds_database_data_dir_and_key(sqlite_source):
    env, archive, _ = sqlite_source
    assert re.fullmatch(r"readiness-backup-\d{8}T\d{6}Z\.tar\.gz", archive.name)
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
        key = tar.extractfile("encryption_key").read().decode()
    assert {"manifest.json", "database.sqlite3", "encryption_key", "data/encryption_key",
            "data/secret_key"} <= names
    assert any(name.startswith("data/uploads/") for name in names)  # the imported reports
    assert not any(name.endswith(".sqlite3") for name in names - {"database.sqlite3"})
    assert key == (Path(env["READINESS_DATA_DIR"]) / "encryption_key").read_text()
    assert manifest["engine"] == "sqlite" and manifest["counts"]["tenancy.Tenant"] == 2


def test_sqlite_round_trip_into_a_fresh_instance(sqlite_source, tmp_path):
    _env, archive, before = sqlite_source
    fresh = instance(tmp_path / "dst")
    result = manage(fresh, "restore", str(archive))
    assert "3 stored secrets decrypt" in result.stdout  # two tenants + the MSP app
    manage(fresh, "migrate", "--noinput", "-v0")  # what the compose stack runs next
    after = figures(fresh)
    assert after == before
    assert before["reports"]["kovar-tisk"]["usage"]["basic_messages"] > 0
    assert [slug for slug, _secret in after["secrets"]] == ["kovar-tisk", "northwind"]


def test_restore_refuses_a_database_that_holds_data_unless_forced(sqlite_source, tmp_path):
    _env, archive, before = sqlite_source
    fresh = instance(tmp_path / "dst")
    manage(fresh, "restore", str(archive))
    manage(fresh, "shell", "-c", "from readiness.tenancy.models import Tenant; "
           "Tenant.objects.create(slug='added-later', name='Added later')")
    refused = manage(fresh, "restore", str(archive), check=False)
    assert refused.returncode == 1
    assert "already holds users or tenants" in refused.stderr
    assert "added-later" in manage(fresh, "tenants", "list").stdout  # nothing was touched
    manage(fresh, "restore", str(archive), "--force")
    assert figures(fresh) == before


def test_restore_refuses_a_key_that_cannot_read_the_archive_before_touching_anything(
        sqlite_source, tmp_path):
    _env, archive, _ = sqlite_source
    fresh = instance(tmp_path / "dst", key=Fernet.generate_key().decode())
    refused = manage(fresh, "restore", str(archive), check=False)
    assert refused.returncode == 1
    assert "READINESS_ENCRYPTION_KEY cannot read this archive" in refused.stderr
    assert not (tmp_path / "dst" / "readiness.sqlite3").exists() or "added" not in \
        manage(fresh, "tenants", "list", check=False).stdout


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    bogus = tmp_path / "readiness-backup-bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")
    refused = manage(instance(tmp_path / "dst"), "restore", str(bogus), check=False)
    assert refused.returncode == 1 and "is not a readable backup archive" in refused.stderr


# --- PostgreSQL: the key in the environment, as in the compose stack ----------------


@pytest.fixture(scope="module")
def postgres_source(tmp_path_factory):
    if not postgres_available():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    base = tmp_path_factory.mktemp("postgres")
    key = Fernet.generate_key().decode()
    env = instance(base / "src", postgres_database("wt_deploy_src"), key=key)
    archive = seeded_backup(env, base / "backups")
    return env, archive, figures(env), key


def test_postgres_round_trip_into_a_freshly_migrated_stack(postgres_source, tmp_path):
    _env, archive, before, key = postgres_source
    fresh = instance(tmp_path / "dst", postgres_database("wt_deploy_dst"), key=key)
    manage(fresh, "migrate", "--noinput", "-v0")  # the fresh stack's migrate ran first
    result = manage(fresh, "restore", str(archive))
    assert "3 stored secrets decrypt" in result.stdout  # two tenants + the MSP app
    manage(fresh, "migrate", "--noinput", "-v0")
    assert figures(fresh) == before
    # Sequences came back too: new rows do not collide with restored ones.
    manage(fresh, "shell", "-c", "from readiness.tenancy.models import Tenant; "
           "Tenant.objects.create(slug='after-restore', name='After restore')")


def test_postgres_restore_is_all_or_nothing(postgres_source, tmp_path):
    _env, archive, before, key = postgres_source
    fresh = instance(tmp_path / "dst", postgres_database("wt_deploy_dst"), key=key)
    manage(fresh, "restore", str(archive))
    broken = tmp_path / "readiness-backup-broken.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(broken, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if member.name == "database.pgdump":
                content = data.read()
                data = __import__("io").BytesIO(content[: len(content) // 2])
                member.size = len(content) // 2
            target.addfile(member, data)
    failed = manage(fresh, "restore", str(broken), "--force", check=False)
    assert failed.returncode == 1 and "rolled back" in failed.stderr
    assert figures(fresh) == before  # the forced restore changed nothing


def test_an_archive_restores_only_into_the_engine_it_came_from(postgres_source, tmp_path):
    _env, archive, _, key = postgres_source
    refused = manage(instance(tmp_path / "dst", key=key), "restore", str(archive), check=False)
    assert refused.returncode == 1
    assert "holds a postgresql database and this instance uses sqlite" in refused.stderr
