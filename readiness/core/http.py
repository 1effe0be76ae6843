"""HTTP sessions for Microsoft 365 endpoints (login, Graph, Exchange, the emulator).

requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE in the environment override a
Session's `verify`; only a per-request argument wins. So the CA bundle configured in
settings.M365_CA_BUNDLE (and a timeout) is bound to every request of the session.
Pass the session to msal as `http_client=`.
"""

from __future__ import annotations

import functools

import requests
from django.conf import settings


def m365_session(*, timeout: float = 30) -> requests.Session:
    session = requests.Session()
    session.request = functools.partial(session.request, verify=settings.M365_CA_BUNDLE or True,
                                        timeout=timeout)
    return session
