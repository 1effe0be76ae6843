"""Fixtures for the importer tests: private upload/inbox dirs, report file builders,
and a snapshot of everything an import may write (to prove a rejection wrote nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness.celery import app as celery_app


@pytest.fixture(autouse=True)
def report_dirs(settings, tmp_path):
    settings.REPORT_UPLOAD_DIR = tmp_path / "uploads"
    settings.REPORT_INBOX_DIR = tmp_path / "inbox"
    return settings


@pytest.fixture
def eager_celery():
    """Run tasks in-process (the real task code, no broker) for view tests."""
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = True, True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


@pytest.fixture
def write_file(tmp_path):
    """write_file(bytes, name=...) -> Path of a file in a scratch folder."""
    folder = tmp_path / "files"
    folder.mkdir()

    def write(data: bytes, name: str = "SmtpCSReport_test.csv") -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return write


