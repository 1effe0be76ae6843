"""The one HTTP session every outbound call to Microsoft uses (connectors and the Entra
sign-in alike): the configured CA bundle and timeouts always apply."""

from __future__ import annotations

import requests
from django.conf import settings

CONNECT_TIMEOUT = 10


def timeout() -> tuple[float, float]:
    """(connect, read) seconds; a slower answer raises Timeout, which the clients retry."""
    return CONNECT_TIMEOUT, getattr(settings, "M365_READ_TIMEOUT_SECONDS", 60)


def ca_bundle() -> str | bool:
    """What `requests`/msal should trust: the configured CA bundle, else the system's."""
    return getattr(settings, "M365_CA_BUNDLE", None) or True


class PinnedSession(requests.Session):
    """A session whose `verify` and timeout really apply: plain requests lets the
    REQUESTS_CA_BUNDLE environment variable override `session.verify` (psf/requests
    #3829), which would make settings.M365_CA_BUNDLE silently lose."""

    def request(self, method, url, **kwargs):
        kwargs.setdefault("verify", self.verify)
        kwargs.setdefault("timeout", timeout())
        return super().request(method, url, **kwargs)


def session_new() -> requests.Session:
    session = PinnedSession()
    session.verify = ca_bundle()
    session.headers["User-Agent"] = "smtp-auth-readiness/1"
    return session
