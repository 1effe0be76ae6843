"""Transient faults end in the clean run's data: every client (token, Graph, Exchange)
retries them against the real emulator, and the run says what it retried."""

from __future__ import annotations

import io
import json
import ssl
import urllib.request
from collections import Counter

import pytest
from django.core.management import call_command

from readiness.connectors.models import TenantConnection
from readiness.connectors.tokens import token_acquire
from readiness.demo.emulator.faults import faults_parse
from readiness.demo.emulator.server import route
from readiness.demo.emulator.wire import Request
from readiness.ingestion.models import IngestRun, IngestSchedule
from readiness.inventory.models import Mailbox
from readiness.senders.models import Sender
from readiness.usage.models import DailyUsage, SignInEvent

ALL_TRANSIENT = ("token-503-once,429-once,429-no-retry-after-once,503-once,reset-once,"
                 "slow-once=1.5,expire-once,truncate-once")
CLIENT_NAME = {"token-503-once": "token endpoint 503", "429-once": "HTTP 429",
               "429-no-retry-after-once": "HTTP 429 without Retry-After",
               "503-once": "HTTP 503", "reset-once": "connection reset mid-response",
               "slow-once": "timeout", "expire-once": "token expired",
               "truncate-once": "truncated Exchange result"}


@pytest.fixture
def quick(settings):
    """Backoff without real waiting, and a read timeout below the emulator's slowness."""
    settings.M365_RETRY_BASE_SECONDS = 0
    settings.M365_READ_TIMEOUT_SECONDS = 1


def _figures(tenant) -> dict:
    """What a clean run leaves behind: mailboxes, effective states, daily usage, sign-in
    ids and senders."""
    return {
        "mailboxes": sorted(Mailbox.objects.filter(tenant=tenant).values_list(
            "address", "effective_state")),
        "usage": sorted(DailyUsage.objects.filter(tenant=tenant).values_list(
            "day", "sender__address", "source", "auth_method", "messages")),
        "signins": sorted(SignInEvent.objects.filter(tenant=tenant).values_list(
            "record_id", flat=True)),
        "senders": sorted(Sender.objects.filter(tenant=tenant).values_list("address",
                                                                            flat=True)),
    }


def _ingest(slug: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", "--tenant", slug, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _emulator_counts(m365) -> dict:
    context = ssl.create_default_context(cafile=str(m365.ca))
    with urllib.request.urlopen(f"{m365.base_url}/_emulator/faults", context=context) as r:
        return json.load(r)["counts"]


def test_the_token_endpoint_503_is_retried_with_a_fresh_app(demo, m365, quick):
    _, tenant = demo("kovar-tisk")
    m365.state.faults = faults_parse("token-503-once")
    out, err = _ingest("kovar-tisk")
    assert "signins: ok" in out and "exchange: ok" in out, err
    assert "token endpoint 503 (1)" in out
    assert _emulator_counts(m365) == {"token-503-once": 1}
    run = IngestRun.objects.get(tenant=tenant, source="signins")
    assert run.counts["retries"] == 1 and run.counts["faults"] == {"token endpoint 503": 1}


def test_429_without_retry_after_is_retried_with_backoff(demo, m365, quick):
    _, tenant = demo("northwind")
    m365.state.faults = faults_parse("429-no-retry-after-once")
    out, err = _ingest("northwind")
    assert "signins: ok" in out and "exchange: ok" in out, err
    fired = _emulator_counts(m365)["429-no-retry-after-once"]
    runs = IngestRun.objects.filter(tenant=tenant)
    retried = sum(r.counts["faults"]["HTTP 429 without Retry-After"] for r in runs)
    assert fired == retried > 0


def test_every_transient_fault_at_once_ends_in_the_clean_runs_figures(demo, m365, quick):
    _, tenant = demo("kovar-tisk")
    out, err = _ingest("kovar-tisk")
    assert err == "", err
    clean = _figures(tenant)
    assert clean["mailboxes"] and clean["usage"] and clean["signins"]
    # Forget everything the clean run read, then read it again through every fault.
    for model in (DailyUsage, SignInEvent, Mailbox):
        model.objects.filter(tenant=tenant).delete()
    IngestSchedule.objects.filter(tenant=tenant).update(watermark=None)
    TenantConnection.objects.filter(tenant=tenant).update(last_error="")
    m365.state.faults = faults_parse(ALL_TRANSIENT)
    out, err = _ingest("kovar-tisk")  # raises CommandError (exit 1) on any failure
    assert "signins: ok" in out and "exchange: ok" in out, err
    assert "Traceback" not in out + err
    assert _figures(tenant) == clean
    counts = _emulator_counts(m365)
    assert set(counts) == {name.split("=")[0] for name in ALL_TRANSIENT.split(",")}
    retried = Counter()
    for run in IngestRun.objects.filter(tenant=tenant):
        retried.update(run.counts.get("faults", {}))
    # Each fault the emulator injected was retried by the client, under the client's name
    # for it (one truncated re-read covers every truncated page of that cmdlet).
    assert {name: retried[CLIENT_NAME[name]] for name in counts if name != "truncate-once"} \
        == {name: n for name, n in counts.items() if name != "truncate-once"}, retried
    assert 0 < retried["truncated Exchange result"] <= counts["truncate-once"]
    assert "retried:" in out


def test_a_truncation_is_never_spent_on_an_answer_the_client_gave_up_on(demo, m365):
    """slow-once answers after the client's timeout: a truncation warning on that answer
    was counted by the emulator but never seen (found from the command line with every
    fault on: 6 truncations fired, 0 retried). The answer nobody reads carries none; the
    retry's does. Called in-process, so no race with the client's retry decides it."""
    _, tenant = demo("kovar-tisk")
    connection = TenantConnection.objects.get(tenant=tenant)
    token = token_acquire(connection=connection, resource="exchange")
    m365.state.faults = faults_parse("slow-once=0.01,truncate-once")
    path = f"/exchange/adminapi/beta/{connection.directory_id}/InvokeCommand"
    body = json.dumps({"CmdletInput": {"CmdletName": "Get-Mailbox", "Parameters": {}}})

    def warnings() -> list:
        request = Request(method="POST", path=path, query={}, raw_query="",
                          headers={"authorization": f"Bearer {token}"}, body=body.encode(),
                          base_url=m365.base_url)
        response = route(m365.state, request)
        assert response.status == 200
        return json.loads(response.body)["@adminapi.warnings"]

    assert warnings() == []  # the slow answer the client no longer waits for
    assert m365.state.faults.counts.get("truncate-once", 0) == 0
    assert warnings() and m365.state.faults.counts["truncate-once"] == 1


def test_a_permanent_fault_is_not_retried(demo, m365, quick):
    # No Entra ID P1 is a fact, not an outage (issue 12): recorded once with its reason,
    # the command exits 0, and the transient 503 before it is still retried.
    demo("contoso-retail")
    m365.state.faults = faults_parse("token-503-once")
    out, _ = _ingest("contoso-retail")
    runs = IngestRun.objects.filter(tenant__slug="contoso-retail", source="signins")
    assert runs.count() == 1
    run = runs.get()
    assert run.status == "unlicensed" and "P1" in run.error
    assert "sign-in logs need Entra ID P1" in out
