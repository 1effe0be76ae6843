"""The production settings pass `check --deploy` with exactly the environment the compose
stack gives web (behind Caddy), and they trust the proxy's X-Forwarded-Proto."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tests.deploy.stack import ROOT, env_example_active, service_environment

# The secure production defaults (DEBUG off -> Secure cookies, HTTPS redirect, HSTS) and
# BEHIND_PROXY + TRUSTED_PROXY_COUNT come from the security work (docs/security.md).
pytestmark = pytest.mark.slow


def compose_web_env(tmp_path) -> dict[str, str]:
    dotenv = {**env_example_active(), "SECRET_KEY": secrets.token_urlsafe(64),
              "READINESS_ENCRYPTION_KEY": Fernet.generate_key().decode(),
              "POSTGRES_PASSWORD": secrets.token_hex(16)}
    env = service_environment("web", dotenv)
    env["READINESS_DATA_DIR"] = str(tmp_path)  # /data inside the container
    return {**env, "PATH": "/usr/bin:/bin"}


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_compose_environment(tmp_path):
    result = manage(compose_web_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_behind_the_proxy_the_forwarded_scheme_is_trusted(tmp_path):
    result = manage(compose_web_env(tmp_path), "shell", "-c",
                    "from django.conf import settings; "
                    "print(settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_SSL_REDIRECT, "
                    "settings.SESSION_COOKIE_SECURE)")
    # The last line: Django's shell may first say how many objects it imported.
    last_line = result.stdout.splitlines()[-1]
    assert last_line == "('HTTP_X_FORWARDED_PROTO', 'https') True True"


def test_the_lab_opt_out_is_what_check_deploy_complains_about(tmp_path):
    env = {**compose_web_env(tmp_path), "INSECURE_HTTP": "true"}
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # no HTTPS redirect
