"""HTTP with bounded retries, the one retry style of every Microsoft client: Retry-After
when the service sends it, otherwise exponential backoff with full jitter. What urllib3's
Retry does, plus what it cannot: the shared rate limiter before every attempt, and the
fault log (faultlog.py) that names each fault retried. The sleep is injectable so tests
run fast.

Transient: 429 (with or without Retry-After), 500/502/503/504, a connection refused or
reset (also mid-body), a read timeout. Anything else is the service's answer."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from django.conf import settings

from readiness.connectors import ratelimit
from readiness.connectors.errors import ConnectorError, TransientError
from readiness.connectors.faultlog import fault_record
from readiness.core.http import session_new  # noqa: F401  (graph and exchange use transport.session_new)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout,
                  requests.exceptions.ChunkedEncodingError)


def _base_default() -> float:
    return float(getattr(settings, "M365_RETRY_BASE_SECONDS", 1))


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base: float | None = None  # first backoff ceiling, doubled per attempt (None: settings)
    max_sleep: float = 60.0  # one wait never exceeds this; a longer Retry-After gives up
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    jitter: Callable[[float, float], float] = field(default=random.uniform, compare=False)

    def backoff(self, attempt: int) -> float:
        base = _base_default() if self.base is None else self.base
        return self.jitter(0, min(self.max_sleep, base * 2 ** attempt))


DEFAULT_RETRY = RetryPolicy()


def retry_after_seconds(response: requests.Response) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    raw = (response.headers.get("Retry-After") or "").strip()
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(tz=UTC)).total_seconds())


def network_fault_name(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return "timeout"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection reset mid-response"
    return "connection reset"


def status_fault_name(response: requests.Response) -> str:
    if response.status_code == 429 and response.headers.get("Retry-After") is None:
        return "HTTP 429 without Retry-After"
    return f"HTTP {response.status_code}"


def send(session: requests.Session, method: str, url: str, *, retry: RetryPolicy,
         limiter=None, rules: Sequence[ratelimit.Rule] = (), **kwargs) -> requests.Response:
    """One logical request; returns the first response that is not worth retrying."""
    problem = ""
    for attempt in range(retry.max_attempts):
        if limiter is not None and rules:
            ratelimit.acquire(limiter, rules, sleep=retry.sleep)
        try:
            response = session.request(method, url, **kwargs)
        except NETWORK_ERRORS as exc:
            wait, problem = retry.backoff(attempt), network_fault_name(exc)
        else:
            if response.status_code not in RETRY_STATUSES:
                return response
            hinted = retry_after_seconds(response)
            wait = retry.backoff(attempt) if hinted is None else hinted
            problem = status_fault_name(response)
        if attempt == retry.max_attempts - 1 or wait > retry.max_sleep:
            break
        fault_record(problem)
        retry.sleep(wait)
    raise TransientError(f"Gave up after {attempt + 1} attempts: {problem} from "
                         f"{url.split('?')[0]}")


def next_link(body: dict, *, origin: str) -> str:
    """The page's `@odata.nextLink`, only when it points at the service we asked (same
    scheme and host as `origin`): the bearer token travels with the next request, so a
    link to anywhere else would hand a tenant's token to a stranger."""
    link = str(body.get("@odata.nextLink") or "")
    if link and _origin(link) != _origin(origin):
        raise ConnectorError(f"The service sent a next-page link to another host "
                             f"({_origin(link)[1] or '?'}); not followed.")
    return link


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.netloc or "").lower()
