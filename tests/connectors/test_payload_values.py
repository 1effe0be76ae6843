"""Issue 10, findings 6 and 7 in the connectors: Graph and Exchange payloads obey the
same address rule and value bounds as the importer."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from readiness.connectors.services import (
    exchange_ingest,
    mailbox_records,
    signin_parse,
    signins_ingest,
)
from readiness.demo.generator import DemoSignIn
from readiness.ingestion.models import IngestSchedule
from readiness.inventory.models import Mailbox, TenantSettings
from readiness.usage.models import SignInEvent

NOW = datetime.now(tz=UTC)


def _record(**fields) -> dict:
    record = {"id": "r1", "createdDateTime": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
              "userPrincipalName": "scan_01@dept_a.example", "clientAppUsed": "Authenticated SMTP",
              "status": {"errorCode": 0}}
    return {**record, **fields}


@pytest.mark.parametrize("fields", [
    {"createdDateTime": "0001-01-01T00:00:00Z"},
    {"createdDateTime": "2014-12-31T23:59:59Z"},
    {"createdDateTime": "2099-01-01T00:00:00Z"},
    {"createdDateTime": "not a date"},
    {"status": {"errorCode": 99999999999999999999999}},
    {"userPrincipalName": "evil\u202egnp.exe@contoso.example"},
    {"userPrincipalName": "<script>@contoso.example"},
])
def test_a_sign_in_with_an_impossible_value_is_skipped(fields):
    assert signin_parse(_record(**fields)) is None


@pytest.mark.parametrize("upn", ["scan_01@dept_a.example", "Účetní@Fabrikam.example"])
def test_sign_ins_keep_addresses_exchange_allows(upn):
    assert signin_parse(_record(userPrincipalName=upn))["user_principal_name"] == upn.lower()


def test_mailboxes_outside_the_address_rule_are_left_out_and_counted():
    cas = [{"PrimarySmtpAddress": a, "ExternalDirectoryObjectId": str(n)} for n, a in enumerate(
        ["účetní@fabrikam.example", "scan_01@dept_a.example", "a\u200bb@x.example", "x y@z.cz"])]
    skipped: list = []
    records = mailbox_records(cas, [], [], skipped=skipped)
    assert [r.address for r in records] == ["účetní@fabrikam.example", "scan_01@dept_a.example"]
    assert skipped == ["a\u200bb@x.example", "x y@z.cz"]


def test_exchange_ingest_skips_a_hostile_mailbox_and_says_so(demo, m365, fast_retry):
    universe, tenant = demo("northwind")
    original = list(universe.mailboxes)
    hostile = dataclasses.replace(original[0], address="\u202eexe.cod@northwind.example",
                                  object_id="00000000-0000-4000-8000-0000000000ee")
    idn = dataclasses.replace(original[0], address="účetní@northwind.example",
                              object_id="00000000-0000-4000-8000-0000000000ef")
    universe.mailboxes[:] = [*original, hostile, idn]
    try:
        counts = exchange_ingest(tenant=tenant, retry=fast_retry)
    finally:
        universe.mailboxes[:] = original
    addresses = set(Mailbox.objects.for_tenant(tenant).values_list("address", flat=True))
    assert "účetní@northwind.example" in addresses
    assert not any("\u202e" in a for a in addresses)
    assert counts["mailboxes_skipped"] == 1
    assert not TenantSettings.objects.get(tenant=tenant).is_stale


def test_sign_in_ingest_skips_a_hostile_user_principal_name(demo, m365, fast_retry, limiter):
    universe, tenant = demo("kovar-tisk")
    events = m365.state.signins(universe)
    good = events[0]
    hostile = dataclasses.replace(good, id="hostile-1",
                                  user_principal_name="skener\u202e@kovartisk.cz",
                                  created=NOW - timedelta(hours=1))
    events.insert(0, hostile)
    try:
        counts = signins_ingest(tenant=tenant, schedule=IngestSchedule.objects.get(
            tenant=tenant, source="signins"), retry=fast_retry, limiter=limiter, now=NOW)
    finally:
        events.remove(hostile)
    assert counts["signins_skipped"] == 1
    assert not SignInEvent.objects.filter(record_id="hostile-1").exists()
    assert isinstance(good, DemoSignIn)
