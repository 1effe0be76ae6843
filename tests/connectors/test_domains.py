"""The tenant's verified domains come from Graph /v1.0/domains at every Exchange ingest
(through msal, over HTTPS, from the emulator); hand-added domains survive it."""

from __future__ import annotations

from readiness.connectors.services import exchange_ingest
from readiness.tenancy.models import TenantDomain


def _domains(tenant):
    return sorted(TenantDomain.objects.filter(tenant=tenant).values_list(
        "name", "source", "is_default"))


def test_the_ingest_reads_the_verified_domains_and_skips_unverified_ones(demo, m365, fast_retry):
    _, tenant = demo("northwind")
    counts = exchange_ingest(tenant=tenant, retry=fast_retry)
    assert counts["domains"] == 2
    assert _domains(tenant) == [("northwind.example", "graph", True),
                                ("northwind.onmicrosoft.com", "graph", False)]
    assert any(path.endswith("/v1.0/domains") for _, path in m365.state.requests)


def test_a_hand_added_domain_survives_the_ingest_and_a_vanished_verified_one_goes(
        demo, fast_retry):
    _, tenant = demo("fabrikam")
    TenantDomain.objects.create(tenant=tenant, name="fabrikam-legacy.example", source="manual")
    TenantDomain.objects.create(tenant=tenant, name="gone.example", source="graph")
    exchange_ingest(tenant=tenant, retry=fast_retry)
    names = [name for name, _, _ in _domains(tenant)]
    assert "fabrikam-legacy.example" in names and "gone.example" not in names
    exchange_ingest(tenant=tenant, retry=fast_retry)  # idempotent
    assert [name for name, _, _ in _domains(tenant)] == names
