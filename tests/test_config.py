from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from readiness import config


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("Yes", True), ("off", False),
                                            ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("X_FLAG", raw)
    assert config.env_bool("X_FLAG") is value


def test_env_bool_refuses_anything_else_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        config.env_bool("X_FLAG")


def test_env_int_enforces_its_minimum(monkeypatch):
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        config.env_int("X_NUM", 5, minimum=1)
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        config.env_int("X_NUM", 5)


def test_env_float_takes_fractions_and_refuses_the_rest(monkeypatch):
    monkeypatch.setenv("X_SECONDS", "0.25")
    assert config.env_float("X_SECONDS", 1.0) == 0.25
    for raw, words in (("soon", "a number"), ("-1", "at least 0"), ("nan", "at least 0")):
        monkeypatch.setenv("X_SECONDS", raw)
        with pytest.raises(ImproperlyConfigured, match=words):
            config.env_float("X_SECONDS", 1.0)


def test_env_list_refuses_an_empty_list(monkeypatch):
    monkeypatch.setenv("X_LIST", " , ")
    with pytest.raises(ImproperlyConfigured, match="empty"):
        config.env_list("X_LIST", [])
    monkeypatch.setenv("X_LIST", "a, b")
    assert config.env_list("X_LIST", []) == ["a", "b"]


def test_env_url_insists_on_https(monkeypatch):
    monkeypatch.setenv("X_URL", "http://login.example")
    with pytest.raises(ImproperlyConfigured, match="https"):
        config.env_url("X_URL", "https://default.example")
    monkeypatch.setenv("X_URL", "https://login.example/")
    assert config.env_url("X_URL", "https://default.example") == "https://login.example"


def test_a_short_secret_key_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="32 characters"):
        config.secret_key(tmp_path)


def test_a_generated_secret_key_is_kept_private_and_stable(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path)
    assert config.secret_key(tmp_path) == first and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_an_unknown_database_scheme_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "mysql://db/x")
    with pytest.raises(ImproperlyConfigured, match="postgres"):
        config.database_config(tmp_path)
