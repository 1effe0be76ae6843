""".env.example documents every variable the code reads, so an operator never has to read
settings.py; a new env_*() call without a line here fails this test."""

import re

from tests.deploy.stack import (
    ROOT,
    compose_variables,
    env_example,
    env_example_active,
    required_compose_variables,
    variables_read_by_code,
)

# Read by the code, but never the operator's business in a deployment.
NOT_FOR_OPERATORS = {"DJANGO_SETTINGS_MODULE"}


def test_the_scan_finds_the_variables_settings_is_known_to_read():
    found = variables_read_by_code()
    assert {"SECRET_KEY", "DATABASE_URL", "READINESS_DATA_DIR", "DEBUG", "ALLOWED_HOSTS",
            "READINESS_ENCRYPTION_KEY", "REDIS_URL", "EMAIL_HOST"} <= found.keys()


def test_every_variable_the_code_reads_is_listed():
    missing = {name: where for name, where in variables_read_by_code().items()
               if name not in env_example() and name not in NOT_FOR_OPERATORS}
    assert missing == {}, f"add these to .env.example: {missing}"


def test_every_variable_compose_interpolates_is_listed():
    assert compose_variables() - env_example().keys() == set()


def test_every_listed_variable_is_read_by_someone():
    known = set(variables_read_by_code()) | compose_variables() | {
        "COMPOSE_PROFILES",  # read by docker compose itself (deploy/demo.env sets it)
    }
    assert set(env_example()) - known == set()


def test_required_variables_are_marked_and_left_blank_for_the_operator():
    text = (ROOT / ".env.example").read_text()
    active = env_example_active()
    for name in required_compose_variables():
        assert active.get(name) == "", name  # a line to fill in, never a shipped secret
        comment = text[:text.index(f"\n{name}=")].rsplit("\n\n", 1)[-1]
        assert re.search(r"^# REQUIRED\.", comment, re.M), name
    assert {"SECRET_KEY", "READINESS_ENCRYPTION_KEY", "POSTGRES_PASSWORD"} <= \
        required_compose_variables()
