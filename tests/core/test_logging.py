from __future__ import annotations

import logging

import pytest

from readiness.core.logging import RedactSecretsFilter, redact


@pytest.mark.parametrize("line", [
    "client_secret=abc123XYZ&grant_type=client_credentials",
    '{"client_secret": "abc123XYZ"}',
    "{'password': 'abc123XYZ'}",
    "Authorization: Bearer abc123XYZ",
    "refresh_token=abc123XYZ",
    "stored gAAAAABabc123XYZabc123XYZabc123XYZ==",
    "id token eyJhbGciOiJub25lIn0.eyJzdWIiOiJhYmMxMjNYWVoifQ.c2ln",
    "curl -H 'X: sar_abc123XYZabc123XYZabc123XYZ' failed",
])
def test_it_redacts_secret_looking_values(line):
    assert "abc123XYZ" not in redact(line)
    assert "eyJzdWIi" not in redact(line)


def test_it_keeps_ordinary_messages():
    line = "synced 12 senders for tenant-a in 1.2s"
    assert redact(line) == line


def test_the_filter_redacts_arguments_and_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed: client_secret=%s",
                               ("abc123XYZ",), None)
    try:
        raise ValueError("body was password=abc123XYZ")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactSecretsFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "abc123XYZ" not in text and "ValueError" in text


def test_the_filter_makes_controls_visible():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "synced %s",
                               ("invoice\u202efdp.exe \x1b[31m",), None)
    assert RedactSecretsFilter().filter(record)
    assert record.getMessage() == "synced invoice[U+202E]fdp.exe [U+001B][31m"
