"""Docker does not run here, so the compose file is checked structurally."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_defines_the_full_stack():
    services = load()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= services.keys()


def test_web_worker_and_beat_share_one_app_definition():
    services = load()["services"]
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    assert images == {"smtp-auth-readiness:latest"}
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")


def test_each_service_runs_the_right_command():
    services = load()["services"]
    assert services["web"]["command"][0] == "gunicorn"
    assert services["web"]["command"][1] == "readiness.wsgi:application"
    assert services["worker"]["command"][:4] == ["celery", "-A", "readiness", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "readiness", "beat"]


def test_the_commands_point_at_modules_that_exist():
    assert (ROOT / "readiness" / "wsgi.py").exists()
    assert (ROOT / "readiness" / "celery.py").exists()
    assert (ROOT / "Dockerfile").exists()
