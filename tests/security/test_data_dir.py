"""Finding 9: uploads spool under the data directory and leftovers are swept; every
file and directory under the data directory is private to the service user."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django_celery_beat.models import PeriodicTask

from readiness.imports.models import ReportImport
from readiness.imports.storage import upload_root
from readiness.imports.tasks import sweep_orphans

ROOT = Path(__file__).resolve().parents[2]


def test_a_large_upload_spools_under_the_data_directory():
    spooled = TemporaryUploadedFile("report.csv", "text/csv", 10 << 20, "utf-8")
    try:
        path = Path(spooled.temporary_file_path()).resolve()
        assert Path(settings.DATA_DIR).resolve() in path.parents
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        spooled.close()


def _aged(path: Path, hours: float, content: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path


@pytest.mark.django_db
def test_the_sweep_deletes_old_orphans_only(tenant_a):
    age = settings.UPLOAD_ORPHAN_MAX_AGE / timedelta(hours=1)
    temp = Path(settings.FILE_UPLOAD_TEMP_DIR)
    killed = _aged(temp / "tmpkilled.upload.csv", age + 1, b"x" * 4096)
    in_flight = _aged(temp / "tmpinflight.upload.csv", 0.1)
    folder = upload_root() / tenant_a.slug
    orphan = _aged(folder / "orphan-sweep-test.csv", age + 1)
    fresh_orphan = _aged(folder / "fresh-sweep-test.csv", 0.1)
    kept = _aged(folder / "kept-sweep-test.csv", age + 100)
    ReportImport.objects.create(tenant=tenant_a, file_name="r.csv", sha256="a" * 64,
                                stored_path=f"{tenant_a.slug}/kept-sweep-test.csv")
    try:
        assert sweep_orphans() >= 2
        assert not killed.exists() and not orphan.exists()
        assert in_flight.exists() and fresh_orphan.exists() and kept.exists()
    finally:
        for path in (in_flight, fresh_orphan, kept):
            path.unlink(missing_ok=True)


@pytest.mark.django_db
def test_the_sweep_is_scheduled():
    task = PeriodicTask.objects.get(task="imports.sweep_orphans")
    assert task.enabled and task.interval.every == 60


def test_everything_under_the_data_directory_is_private(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    old_db = data / "readiness.sqlite3"  # as an older version left it
    old_db.write_bytes(b"")
    os.chmod(old_db, 0o644)
    (data / "uploads" / "t").mkdir(parents=True)
    os.chmod(data / "uploads", 0o755)
    (data / "uploads" / "t" / "r.csv").write_text("x")
    os.chmod(data / "uploads" / "t" / "r.csv", 0o644)
    script = (
        "import django; django.setup()\n"
        "from django.db import connection; connection.ensure_connection()\n"
        "connection.cursor().execute('create table t (x int)')\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "default_storage.save('media-test/f.txt', ContentFile(b'x'))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(READINESS_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="readiness.settings")
    old_umask = os.umask(0o022)  # a typical service manager's umask
    try:
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                       timeout=120)
    finally:
        os.umask(old_umask)
    assert old_db.exists()
    modes = {str(p.relative_to(data)): stat.S_IMODE(p.stat().st_mode)
             for p in [data, *data.rglob("*")]}
    assert {"readiness.sqlite3", "secret_key", "tmp", "uploads/t/r.csv",
            "media/media-test/f.txt"} <= set(modes)
    leaks = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert leaks == {}
    assert modes["."] == 0o700 and modes["readiness.sqlite3"] == 0o600
