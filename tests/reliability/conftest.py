"""Private upload directories for the reliability tests that import files."""

from __future__ import annotations

import pytest


@pytest.fixture
def report_dirs(settings, tmp_path):
    settings.REPORT_UPLOAD_DIR = tmp_path / "uploads"
    settings.REPORT_INBOX_DIR = tmp_path / "inbox"
    return settings
