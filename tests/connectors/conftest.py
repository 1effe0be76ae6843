"""The emulator runs for real (HTTPS on a free port, with its generated CA) and the
connectors reach it through msal and requests exactly as they reach Microsoft."""

from __future__ import annotations

import pytest

from readiness.connectors import ratelimit, tokens
from readiness.connectors.emulator.faults import Faults
from readiness.connectors.emulator.state import ALL_ROLES
from readiness.connectors.services import tenant_onboard
from readiness.connectors.transport import RetryPolicy


@pytest.fixture
def m365(emulator, settings, monkeypatch):
    """Point the product at the emulator and give every test a clean emulator."""
    base = emulator.base_url
    settings.M365_LOGIN_URL, settings.M365_GRAPH_URL = base, f"{base}/graph"
    settings.M365_EXCHANGE_URL, settings.M365_CA_BUNDLE = f"{base}/exchange", str(emulator.ca)
    settings.REDIS_URL = ""
    state = emulator.state
    state.faults, state.graph_page_size, state.exchange_page_size = Faults(), 1000, 1000
    for app in state.apps.values():
        app.roles, app.consented, app.certificates = set(ALL_ROLES), True, []
    state.requests.clear()
    state.token_tid.clear()
    monkeypatch.setattr(ratelimit, "_local", ratelimit.LocalLimiter())
    tokens.apps_forget()
    yield emulator
    tokens.apps_forget()


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


@pytest.fixture
def demo(m365, db):
    """demo(slug) -> (universe tenant, onboarded Tenant) for one of the emulator's tenants."""
    by_slug = {t.slug: t for t in m365.state.tenants.values()}

    def onboard(slug: str, **overrides):
        universe = by_slug[slug]
        fields = {"slug": slug, "name": universe.name, "directory_id": universe.tenant_id,
                  "client_id": universe.client_id, "domain": universe.domain,
                  "client_secret": universe.client_secret, **overrides}
        return universe, tenant_onboard(**fields)

    return onboard
