"""The image's commands, run directly (Docker does not run here), against the application
installed from the wheel the Dockerfile builds, not the source tree: gunicorn answers
/healthz and serves pages and static files, a worker answers `inspect ping`, and beat's
tick reaches /healthz. Each command line is read from docker-compose.yml."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.deploy.stack import ROOT, interpolate, services

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
REDIS_DB_URL = "redis://127.0.0.1:6379/15"  # this work's own Redis database
# What the Dockerfile's build stage gets (.dockerignore); "reports" only while it exists.
SOURCES = ("readiness", "reports", "templates", "static", "locale", "deploy", "pyproject.toml",
           "README.md", "manage.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """deploy/build-wheel.sh on a copy of the tree, installed as the image installs it."""
    base = tmp_path_factory.mktemp("image")
    src, site, app = base / "src", base / "site", base / "app"
    for name in SOURCES:
        source = ROOT / name
        if not source.exists():
            continue
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(source, src / name)
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    subprocess.run(["sh", "deploy/build-wheel.sh", str(base / "wheels")], cwd=src, env=env,
                   check=True, capture_output=True, timeout=300)
    wheel = next((base / "wheels").glob("smtp_auth_readiness-*.whl"))
    subprocess.run([str(BIN / "pip"), "install", "--quiet", "--no-deps", "--target", str(site),
                    str(wheel)], check=True, timeout=300)
    app.mkdir()
    shutil.copy2(ROOT / "manage.py", app / "manage.py")  # the runtime stage's only source file
    return site, app


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def runtime_env(installed, tmp_path_factory):
    """The image's environment (Dockerfile ENV) with what compose adds, SQLite for PostgreSQL."""
    if not redis_available():
        pytest.skip("needs the local Redis (the stack's broker)")
    site, _app = installed
    data = tmp_path_factory.mktemp("data")
    subprocess.run(["redis-cli", "-n", "15", "flushdb"], check=True, capture_output=True)
    return {
        "PATH": f"{BIN}:{os.environ['PATH']}", "PYTHONPATH": str(site),
        "PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": "readiness.settings",
        "READINESS_DATA_DIR": str(data), "READINESS_STATIC_ROOT": str(data / "static"),
        "DATABASE_URL": f"sqlite:///{data / 'readiness.sqlite3'}", "REDIS_URL": REDIS_DB_URL,
        "SECRET_KEY": secrets.token_urlsafe(64), "DEBUG": "false",
        "ALLOWED_HOSTS": "readiness.example.com", "BEHIND_PROXY": "true",
        "TRUSTED_PROXY_COUNT": "1", "READINESS_WEB_PORT": str(free_port()),
        "READINESS_WEB_WORKERS": "2", "HOSTNAME": socket.gethostname(),
    }


def manage(env, app, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=app, env=env,
                          capture_output=True, text=True, timeout=300, check=True)


@pytest.fixture(scope="module")
def migrated(installed, runtime_env):
    _site, app = installed
    manage(runtime_env, app, "migrate", "--noinput", "-v0")
    manage(runtime_env, app, "collectstatic", "--noinput", "-v0")  # as the image build does
    return app


def start(command: list[str], env, app) -> subprocess.Popen:
    argv = [interpolate(part, {"WORKER_CONCURRENCY": "1"}) for part in command]
    return subprocess.Popen(argv, cwd=app, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, _ = proc.communicate()
    return out


def healthcheck(service: str, env, app) -> subprocess.CompletedProcess:
    """The service's compose health check, run as Docker runs CMD / CMD-SHELL."""
    test = services()[service]["healthcheck"]["test"]
    test = [interpolate(part, {}).replace("web:8000", f"127.0.0.1:{env['READINESS_WEB_PORT']}")
            for part in test]
    argv = ["sh", "-c", test[1]] if test[0] == "CMD-SHELL" else test[1:]
    argv = [sys.executable if part == "python" else part for part in argv]
    return subprocess.run(argv, cwd=app, env=env, capture_output=True, text=True, timeout=60)


def wait_until(predicate, proc, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        if predicate():
            return
        time.sleep(1)
    raise AssertionError("timed out")


def get(env, path, **headers):
    request = urllib.request.Request(
        f"http://127.0.0.1:{env['READINESS_WEB_PORT']}{path}",
        headers={"Host": "readiness.example.com", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def web(migrated, runtime_env):
    proc = start(services()["web"]["command"], runtime_env, migrated)
    wait_until(lambda: healthcheck("web", runtime_env, migrated).returncode == 0, proc)
    yield proc
    stop(proc)


def test_the_commands_run_the_installed_wheel_not_the_source_tree(installed, runtime_env):
    site, app = installed
    out = subprocess.run([sys.executable, "-c", "import readiness.settings as s; "
                          "print(s.SITE_DIR)"], cwd=app, env=runtime_env, text=True,
                         capture_output=True, check=True).stdout.strip()
    assert out == str(site / "readiness" / "_site")


def test_gunicorn_answers_healthz_with_the_compose_command(web, runtime_env):
    status, body = get(runtime_env, "/healthz")
    assert status == 200 and b'"database": {"ok": true' in body


def test_pages_and_static_files_come_from_the_wheel(web, runtime_env):
    status, body = get(runtime_env, "/accounts/login/", **{"X-Forwarded-Proto": "https"})
    assert status == 200 and b"<form" in body
    status, body = get(runtime_env, "/static/css/app.css", **{"X-Forwarded-Proto": "https"})
    assert status == 200 and body


def test_the_wheel_carries_the_czech_catalogue(web, runtime_env):
    """The compiled catalogue travels in the wheel (readiness/_site/locale): a Czech
    browser gets the Czech sign-in page from the installed application."""
    status, body = get(runtime_env, "/accounts/login/", **{"X-Forwarded-Proto": "https",
                                                           "Accept-Language": "cs"})
    assert status == 200 and '<html lang="cs">' in body.decode()
    assert "Přihlásit se" in body.decode()


def test_the_web_health_check_fails_when_nothing_answers(migrated, runtime_env):
    env = {**runtime_env, "READINESS_WEB_PORT": str(free_port())}
    result = healthcheck("web", env, migrated)
    assert result.returncode == 1 and "Connection refused" in result.stdout


def test_a_worker_starts_and_answers_its_health_check(migrated, runtime_env):
    worker = start(services()["worker"]["command"], runtime_env, migrated)
    try:
        wait_until(lambda: healthcheck("worker", runtime_env, migrated).returncode == 0,
                   worker)
    finally:
        log = stop(worker)
    assert "celery@" in log and "ready." in log


def test_beat_ticks_and_its_health_check_sees_it_through_healthz(web, migrated, runtime_env):
    assert healthcheck("beat", runtime_env, migrated).returncode == 1  # no tick yet
    # The dispatcher ran an hour ago, so beat sends it at once instead of in a minute.
    manage(runtime_env, migrated, "shell", "-c",
           "from datetime import timedelta; from django.utils import timezone; "
           "from django_celery_beat.models import PeriodicTask; "
           "PeriodicTask.objects.filter(task='ingestion.dispatch').update("
           "last_run_at=timezone.now() - timedelta(hours=1))")
    worker = start(services()["worker"]["command"], runtime_env, migrated)
    beat = start(services()["beat"]["command"], runtime_env, migrated)
    try:
        wait_until(lambda: healthcheck("beat", runtime_env, migrated).returncode == 0, beat)
    finally:
        beat_log, worker_log = stop(beat), stop(worker)
    assert "Sending due task" in beat_log and "ingestion.dispatch" in worker_log
