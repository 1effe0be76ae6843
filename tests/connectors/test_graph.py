from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from readiness.connectors import ratelimit
from readiness.connectors.errors import MissingPermission, NoPremiumLicense, TransientError
from readiness.connectors.graph import GraphClient, signins_filter
from readiness.connectors.transport import RetryPolicy
from readiness.demo.emulator.faults import Faults

NOW = datetime.now(tz=UTC)


def _client(tenant, retry, limiter):
    return GraphClient(connection=tenant.connection, retry=retry, limiter=limiter)


def test_it_filters_on_time_and_one_client_app():
    text = signins_filter(start=datetime(2026, 11, 1, tzinfo=UTC),
                          end=datetime(2026, 11, 2, 3, 4, 5, tzinfo=UTC),
                          client_app="Authenticated SMTP")
    assert text == ("createdDateTime ge 2026-11-01T00:00:00Z and createdDateTime le "
                    "2026-11-02T03:04:05Z and clientAppUsed eq 'Authenticated SMTP'")


def test_it_follows_next_links(demo, m365, fast_retry, limiter):
    universe, tenant = demo("kovar-tisk")
    m365.state.graph_page_size = 100
    pages = list(_client(tenant, fast_retry, limiter).signin_pages(
        start=NOW - timedelta(days=30), end=NOW))
    expected = [e for e in universe.signins(NOW - timedelta(days=30), NOW)]
    assert len(pages) > 3
    assert sorted(r["id"] for p in pages for r in p) == sorted(e.id for e in expected)


def test_it_keeps_to_five_requests_per_ten_seconds_per_tenant(demo, m365, clock, fast_retry,
                                                               limiter):
    _, tenant = demo("kovar-tisk")
    m365.state.graph_page_size = 100
    list(_client(tenant, fast_retry, limiter).signin_pages(start=NOW - timedelta(days=30),
                                                           end=NOW))
    assert clock.slept and clock.now - 1000 >= 10


def test_it_honours_retry_after_on_429(demo, m365, clock, fast_retry, limiter):
    _, tenant = demo("kovar-tisk")
    m365.state.faults = Faults(rates={"429": 0.5}, seed=3)
    pages = list(_client(tenant, fast_retry, limiter).signin_pages(
        start=NOW - timedelta(days=2), end=NOW))
    assert pages and 1.0 in clock.slept


def test_it_backs_off_with_jitter_when_429_has_no_retry_after(demo, m365, clock, limiter):
    _, tenant = demo("kovar-tisk")
    m365.state.faults = Faults(rates={"429-no-retry-after": 1.0})
    retry = RetryPolicy(max_attempts=4, base=2, max_sleep=30, sleep=clock.sleep,
                        jitter=lambda low, high: high)  # the ceiling shows the doubling
    with pytest.raises(TransientError, match="HTTP 429"):
        list(_client(tenant, retry, limiter).signin_pages(start=NOW - timedelta(days=1),
                                                          end=NOW))
    assert clock.slept == [2, 4, 8]


def test_it_retries_a_503_and_then_succeeds(demo, m365, clock, fast_retry, limiter):
    _, tenant = demo("kovar-tisk")
    m365.state.faults = Faults(rates={"503": 0.5}, seed=1)
    assert list(_client(tenant, fast_retry, limiter).signin_pages(
        start=NOW - timedelta(days=1), end=NOW))
    assert clock.slept


def test_it_gives_up_when_retry_after_is_longer_than_it_may_sleep(demo, m365, clock, limiter):
    _, tenant = demo("kovar-tisk")
    m365.state.faults = Faults(rates={"429": 1.0})
    retry = RetryPolicy(max_sleep=0.5, sleep=clock.sleep)
    with pytest.raises(TransientError):
        list(_client(tenant, retry, limiter).signin_pages(start=NOW - timedelta(days=1),
                                                          end=NOW))
    assert clock.slept == []


def test_it_reports_a_tenant_without_entra_p1(demo, fast_retry, limiter):
    _, tenant = demo("contoso-retail")
    with pytest.raises(NoPremiumLicense, match="Sign-in logs need Entra ID P1"):
        list(_client(tenant, fast_retry, limiter).signin_pages(start=NOW - timedelta(days=1),
                                                               end=NOW))


def test_it_names_the_missing_permission(demo, m365, fast_retry, limiter):
    universe, tenant = demo("kovar-tisk")
    m365.state.apps[universe.client_id].roles.discard("AuditLog.Read.All")
    with pytest.raises(MissingPermission, match=r"AuditLog\.Read\.All"):
        list(_client(tenant, fast_retry, limiter).signin_pages(start=NOW - timedelta(days=1),
                                                               end=NOW))


def test_it_reads_security_defaults_and_conditional_access(demo, fast_retry, limiter):
    _, tenant = demo("adatum")
    client = _client(tenant, fast_retry, limiter)
    assert client.security_defaults_enabled() is True
    assert client.conditional_access_policies()[0]["displayName"] == (
        "Block legacy authentication")


def test_it_treats_unreadable_policies_as_unknown_never_off(demo, m365, fast_retry, limiter):
    universe, tenant = demo("kovar-tisk")
    m365.state.apps[universe.client_id].roles.discard("Policy.Read.All")
    client = _client(tenant, fast_retry, limiter)
    assert client.security_defaults_enabled() is None
    assert client.conditional_access_policies() is None


def test_the_local_limiter_admits_five_per_window_then_asks_to_wait(clock):
    limiter = ratelimit.LocalLimiter(clock=clock.time)
    rules = ratelimit.graph_report_rules(directory_id="T")
    assert [limiter.try_acquire(rules) for _ in range(5)] == [0] * 5
    assert limiter.try_acquire(rules) == pytest.approx(10.0)
    clock.sleep(10)
    assert limiter.try_acquire(rules) == 0


def test_the_global_window_covers_every_tenant(clock):
    limiter = ratelimit.LocalLimiter(clock=clock.time)
    for n in range(122):
        assert limiter.try_acquire(ratelimit.graph_report_rules(directory_id=f"t{n}")) == 0
    assert limiter.try_acquire(ratelimit.graph_report_rules(directory_id="another")) > 0


def test_the_redis_limiter_shares_the_window_between_workers():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test:{datetime.now(tz=UTC).timestamp()}:"
    worker_a = ratelimit.RedisLimiter(client, prefix=prefix)
    worker_b = ratelimit.RedisLimiter(client, prefix=prefix)
    rules = ratelimit.graph_report_rules(directory_id="T")
    admitted = [w.try_acquire(rules) for w in (worker_a, worker_b) * 3]
    assert admitted[:5] == [0] * 5 and 0 < admitted[5] <= 10
    client.delete(*client.keys(prefix + "*"))
