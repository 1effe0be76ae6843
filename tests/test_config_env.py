"""Invalid configuration stops start-up with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "ALLOWED_HOSTS"}}
    clean.update({"READINESS_DATA_DIR": str(tmp_path), **env})
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("name", "value"), [
    ("DEBUG", "maybe"),
    ("DATABASE_URL", "mysql://root@localhost/x"),
    ("DATABASE_URL", "postgres://localhost"),
    ("REDIS_URL", "http://localhost:6379"),
    ("M365_LOGIN_URL", "not a url"),
    ("M365_GRAPH_URL", "http://graph.microsoft.com"),
    ("SECRET_KEY", "short"),
    ("READINESS_INGEST_INTERVAL_MINUTES", "soon"),
])
def test_a_malformed_value_stops_start_up_naming_the_variable(tmp_path, name, value):
    result = run_check(tmp_path, **{name: value})
    assert result.returncode != 0
    assert name in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_defaults_need_nothing_but_python(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists()
    assert (tmp_path / "broker" / "out").is_dir()


def test_a_sqlite_url_selects_that_file(tmp_path):
    target = tmp_path / "elsewhere.sqlite3"
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(READINESS_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{target}",
               DJANGO_SETTINGS_MODULE="readiness.settings")
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == str(target), result.stderr
