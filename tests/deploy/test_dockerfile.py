"""The image's recipe, checked as text (Docker does not run here): two stages, a wheel
install, build-time static files and translations, a non-root user, a health check on
/healthz, and nothing secret inside."""

import re

from tests.deploy.stack import ROOT, services

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(stage: str | None = None) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined; of one stage if named."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    parsed, current = [], None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            current = rest.split(" AS ")[-1].strip() if " AS " in rest else rest
        if stage is None or current == stage:
            parsed.append((word.upper(), rest.strip()))
    return parsed


def test_it_builds_in_one_stage_and_runs_from_another():
    stages = [args for word, args in instructions() if word == "FROM"]
    assert stages == ["python:3.11-slim-trixie AS build", "python:3.11-slim-trixie AS runtime"]
    copies = [args for word, args in instructions("runtime") if word == "COPY"]
    assert "--from=build /opt/venv /opt/venv" in copies
    # Build tools (gettext, the source tree) stay in the build stage.
    runtime_runs = " ".join(args for word, args in instructions("runtime") if word == "RUN")
    assert "gettext" not in runtime_runs


def test_it_installs_the_built_wheel_never_in_editable_mode():
    build = " ".join(args for word, args in instructions("build") if word == "RUN")
    assert "sh deploy/build-wheel.sh /wheels" in build
    assert "pip install /wheels/*.whl" in build
    assert " -e " not in DOCKERFILE and "--editable" not in DOCKERFILE
    runtime_copies = [args for word, args in instructions("runtime") if word == "COPY"]
    assert runtime_copies == ["--from=build /opt/venv /opt/venv", "manage.py ./"]


def test_static_files_and_translations_are_prepared_at_build_time():
    build = " ".join(args for word, args in instructions("build") if word == "RUN")
    runtime = " ".join(args for word, args in instructions("runtime") if word == "RUN")
    assert "manage.py compilemessages" in build
    assert "manage.py collectstatic --noinput" in runtime
    env = " ".join(args for word, args in instructions("runtime") if word == "ENV")
    assert "READINESS_STATIC_ROOT=/app/staticfiles" in env  # in the image, not the volume
    # Settings set umask 077: collected as root, the files must be opened up for "app".
    assert "chmod -R a+rX /app/staticfiles" in runtime


def test_it_runs_as_a_non_root_user():
    users = [args for word, args in instructions("runtime") if word == "USER"]
    assert users and users[-1] not in {"root", "0"}
    last_user_at = max(i for i, (word, _) in enumerate(instructions("runtime"))
                       if word == "USER")
    assert all(word != "RUN" for word, _ in instructions("runtime")[last_user_at:])


def test_its_health_check_asks_healthz():
    checks = [args for word, args in instructions("runtime") if word == "HEALTHCHECK"]
    assert len(checks) == 1
    assert checks[0].endswith('CMD ["python", "-m", "readiness.healthcheck"]')


def test_its_default_command_is_the_one_compose_runs_for_web():
    command = [args for word, args in instructions("runtime") if word == "CMD"][-1]
    assert command == '["' + '", "'.join(services()["web"]["command"]) + '"]'


def test_no_secret_is_baked_in():
    env_and_args = " ".join(args for word, args in instructions()
                            if word in {"ENV", "ARG", "LABEL"})
    for name in ("SECRET_KEY", "READINESS_ENCRYPTION_KEY", "PASSWORD", "DATABASE_URL"):
        assert name not in env_and_args
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", "var"} <= set(ignored)
    # A key generated while collecting static files is thrown away in the same layer.
    assert "READINESS_DATA_DIR=/tmp/build-data python manage.py collectstatic" in DOCKERFILE
    assert "rm -rf /tmp/build-data" in DOCKERFILE
