"""A logging filter that redacts secret-looking values before any handler sees them.

Belt and braces: no code should log a secret, but an exception message from a library
(msal, requests) may echo a request body or header. Attached to every handler in
settings.LOGGING.
"""

from __future__ import annotations

import logging
import re

from readiness.core.text import reveal_controls

REDACTED = "[redacted]"
SECRET_KEYS = (
    "client_secret", "client_assertion", "password", "passwd", "secret", "access_token",
    "refresh_token", "id_token", "code_verifier", "private_key", "api_key", "apikey",
    "authorization", "token", "encryption_key",
)
_KEYS = "|".join(re.escape(key) for key in SECRET_KEYS)
PATTERNS = [
    # key=value, key: value, "key": "value", 'key': 'value' (form bodies, JSON, reprs)
    re.compile(
        rf"""(?P<key>["']?(?:\w*(?:{_KEYS})\w*)["']?\s*[:=]\s*)"""
        rf"""(?P<value>"[^"]*"|'[^']*'|(?:Bearer|Basic)\s+\S+|[^\s&,;}}]+)""",
        re.IGNORECASE,
    ),
    # Our API tokens (readiness.tenancy.tokens.TOKEN_PREFIX), wherever they appear.
    re.compile(r"(?P<value>sar_[\w\-]{20,})"),
    # Fernet tokens (our ciphertexts) and JWTs, wherever they appear.
    re.compile(r"(?P<value>gAAAAA[\w\-=]{20,})"),
    re.compile(r"(?P<value>eyJ[\w\-]{8,}\.[\w\-]{8,}\.[\w\-]*)"),
    re.compile(
        r"(?P<value>-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----)"
    ),
]


def redact(text: str) -> str:
    for pattern in PATTERNS:
        text = pattern.sub(_replace, text)
    return text


def _replace(match: re.Match) -> str:
    key = match.groupdict().get("key") or ""
    return f"{key}{REDACTED}"


class RedactSecretsFilter(logging.Filter):
    """Renders the message once, redacts it, and drops the args."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        # Controls made visible too: a bidi override or an escape sequence in a tenant
        # name must not reorder or recolour what an operator reads in a terminal.
        record.msg, record.args = reveal_controls(redact(message)), None
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now, redacted, so handlers do not re-render it raw.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
