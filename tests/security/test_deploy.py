"""`manage.py check --deploy` is clean with the documented production environment."""

from __future__ import annotations

import ast
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path) -> dict[str, str]:
    """Exactly what docker-compose.yml passes: nothing else but PATH and the data dir."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "READINESS_DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "readiness.example.com",
    }


def check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def settings_of(env, *names):
    code = ("from django.conf import settings; "
            f"print(repr([getattr(settings, n, None) for n in {list(names)!r}]))")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_check_deploy_is_clean_with_only_debug_secret_key_and_allowed_hosts(tmp_path):
    result = check_deploy(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_production_defaults_and_the_proxy_switch(tmp_path):
    env = production_env(tmp_path)
    assert settings_of(env, "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                       "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                       "SECURE_PROXY_SSL_HEADER") == [True, True, True, 31536000, None]
    env["BEHIND_PROXY"] = "1"
    assert settings_of(env, "SECURE_PROXY_SSL_HEADER") == [("HTTP_X_FORWARDED_PROTO", "https")]


@pytest.mark.slow
def test_the_plain_http_lab_opt_out_is_explicit_and_check_deploy_says_so(tmp_path):
    env = {**production_env(tmp_path), "INSECURE_HTTP": "1"}
    assert settings_of(env, "SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
                       "SECURE_HSTS_SECONDS") == [False, False, 0]
    result = check_deploy(env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W012" in result.stderr


@pytest.mark.django_db
def test_healthz_answers_over_plain_http_while_everything_else_redirects(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    assert client.get("/healthz").status_code in (200, 503)
