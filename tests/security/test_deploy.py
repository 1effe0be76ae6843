"""`manage.py check --deploy` is clean with the documented production environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "READINESS_DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "readiness.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://readiness.example.com",
        "READINESS_SSL_REDIRECT": "true",
        "READINESS_SECURE_COOKIES": "true",
        "READINESS_HSTS_SECONDS": "31536000",
        "READINESS_BEHIND_PROXY": "true",
    }


def check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = check_deploy(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_check_deploy_complains_without_the_production_switches(tmp_path):
    env = production_env(tmp_path)
    del env["READINESS_HSTS_SECONDS"], env["READINESS_SECURE_COOKIES"]
    result = check_deploy(env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W012" in result.stderr
