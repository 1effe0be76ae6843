"""The emulator runs for real (HTTPS on a free port, with its generated CA) and the
connectors reach it through msal and requests exactly as they reach Microsoft."""

from __future__ import annotations

import pytest

from readiness.connectors import ratelimit
from readiness.connectors.transport import RetryPolicy


class FakeClock:
    """Time that passes only when someone sleeps: backoff and rate limits run instantly."""

    def __init__(self):
        self.now, self.slept = 1000.0, []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def fast_retry(clock):
    return RetryPolicy(max_attempts=6, base=0.5, max_sleep=30, sleep=clock.sleep)


@pytest.fixture
def limiter(clock):
    return ratelimit.LocalLimiter(clock=clock.time)
