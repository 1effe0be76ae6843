"""HTTP with bounded retries: Retry-After when the service sends it, otherwise
exponential backoff with full jitter. The sleep is injectable so tests run fast."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

from readiness.connectors import ratelimit
from readiness.connectors.errors import TransientError
from readiness.core.http import session_new  # noqa: F401  (graph and exchange use transport.session_new)

RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base: float = 1.0  # first backoff ceiling, doubled per attempt
    max_sleep: float = 60.0  # one wait never exceeds this; a longer Retry-After gives up
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    jitter: Callable[[float, float], float] = field(default=random.uniform, compare=False)

    def backoff(self, attempt: int) -> float:
        return self.jitter(0, min(self.max_sleep, self.base * 2 ** attempt))


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


def send(session: requests.Session, method: str, url: str, *, retry: RetryPolicy,
         limiter=None, rules: Sequence[ratelimit.Rule] = (), **kwargs) -> requests.Response:
    """One logical request; returns the first response that is not worth retrying."""
    problem = ""
    for attempt in range(retry.max_attempts):
        if limiter is not None and rules:
            ratelimit.acquire(limiter, rules, sleep=retry.sleep)
        try:
            response = session.request(method, url, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            wait, problem = retry.backoff(attempt), f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code not in RETRY_STATUSES:
                return response
            hinted = retry_after_seconds(response)
            wait = retry.backoff(attempt) if hinted is None else hinted
            problem = f"HTTP {response.status_code} from {url.split('?')[0]}"
        if attempt == retry.max_attempts - 1 or wait > retry.max_sleep:
            break
        retry.sleep(wait)
    raise TransientError(f"Gave up after retries: {problem}")
