from datetime import UTC, date, datetime

from readiness.demo.generator import build_universe

TODAY = date(2026, 11, 29)


def test_it_is_deterministic_for_a_seed():
    first = build_universe(seed=7, tenants=3, today=TODAY)
    second = build_universe(seed=7, tenants=3, today=TODAY)
    assert [t.tenant_id for t in first] == [t.tenant_id for t in second]
    assert first[0].usage() == second[0].usage()


def test_a_different_seed_gives_different_data():
    assert build_universe(seed=1, today=TODAY)[0].usage() != build_universe(
        seed=2, today=TODAY)[0].usage()


def test_mailboxes_carry_the_tri_state_mix():
    boxes = [m for t in build_universe(tenants=3, mailboxes=80, today=TODAY)
             for m in t.mailboxes]
    assert {m.smtp_auth_disabled for m in boxes} == {True, False, None}


def test_basic_declines_while_oauth_grows_in_a_migrating_tenant():
    tenant = next(t for t in build_universe(tenants=3, today=TODAY) if t.slug == "northwind")
    usage = tenant.usage()
    half = tenant.start + (TODAY - tenant.start) / 2

    def total(method, early):
        return sum(u.messages for u in usage
                   if u.auth_method == method and (u.day < half) == early)

    assert total("basic", early=False) < total("basic", early=True)
    assert total("oauth", early=False) > total("oauth", early=True)


def test_signins_are_newest_first_and_inside_the_window():
    tenant = build_universe(tenants=1, days=10, today=TODAY)[0]
    start, end = datetime(2026, 11, 25, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC)
    events = tenant.signins(start, end)
    assert events
    assert all(start <= e.created <= end for e in events)
    assert [e.created for e in events] == sorted((e.created for e in events), reverse=True)
