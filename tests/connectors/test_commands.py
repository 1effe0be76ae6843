from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from readiness.connectors.models import TenantConnection
from readiness.tenancy.models import Tenant

GUID_T = "7f3e2d1c-0000-4000-8000-00000000c0de"
GUID_C = "6d0b6f4a-0000-4000-8000-000000000001"


def _run(*args, stdin=None) -> str:
    out = io.StringIO()
    extra = {"stdin": stdin} if stdin is not None else {}
    call_command(*args, stdout=out, stderr=io.StringIO(), **extra)
    return out.getvalue()


@pytest.mark.django_db
def test_tenants_add_reads_the_secret_from_stdin():
    _run("tenants", "add", "--slug", "contoso", "--name", "Contoso", "--tenant-id", GUID_T,
         "--client-id", GUID_C, "--domain", "contoso.cz", "--client-secret-stdin",
         stdin=io.StringIO("the-secret\n"))
    connection = TenantConnection.objects.get(tenant__slug="contoso")
    assert connection.credential_kind == "secret" and connection.directory_id == GUID_T
    assert "the-secret" not in connection.client_secret_encrypted


@pytest.mark.django_db
def test_tenants_add_has_no_option_that_takes_a_secret():
    with pytest.raises(CommandError):
        _run("tenants", "add", "--slug", "x", "--name", "X", "--tenant-id", GUID_T,
             "--client-id", GUID_C, "--client-secret", "oops")


@pytest.mark.django_db
def test_tenants_add_rejects_a_tenant_id_that_is_not_a_guid():
    with pytest.raises(CommandError, match="must be a GUID"):
        _run("tenants", "add", "--slug", "x", "--name", "X", "--tenant-id", "nope",
             "--client-id", GUID_C, "--client-secret-stdin", stdin=io.StringIO("s"))


@pytest.mark.django_db
def test_tenants_list_prints_json_without_credentials():
    _run("tenants", "add", "--slug", "contoso", "--name", "Contoso", "--tenant-id", GUID_T,
         "--client-id", GUID_C, "--client-secret-stdin", stdin=io.StringIO("hidden"))
    output = _run("tenants", "list", "--format", "json")
    rows = json.loads(output)
    assert rows[0]["slug"] == "contoso" and rows[0]["credential"] == "secret"
    assert "hidden" not in output
    assert "contoso" in _run("tenants", "list")


@pytest.mark.django_db
def test_tenants_import_is_all_or_nothing(tmp_path):
    good = f"a,Alpha,{GUID_T},{GUID_C},,global,s1\n"
    bad = f"b,Beta,not-a-guid,{GUID_C},,global,s2\n"
    csv_file = tmp_path / "tenants.csv"
    header = "slug,name,tenant_id,client_id,domain,cloud,client_secret\n"
    csv_file.write_text(header + good + bad)
    with pytest.raises(CommandError, match="line 3"):
        _run("tenants", "import", str(csv_file))
    assert not Tenant.objects.exists()
    csv_file.write_text(header + good)
    assert "Imported 1" in _run("tenants", "import", str(csv_file))


def test_ingest_runs_both_sources_against_the_emulator(demo, capsys):
    _, tenant = demo("kovar-tisk")
    output = _run("ingest", "--tenant", tenant.slug, "--source", "all")
    assert "signins: ok" in output and "exchange: ok" in output


def test_ingest_without_p1_exits_zero_and_says_why(demo):
    """A missing licence is a fact about the tenant: a nightly `ingest --all` must not
    fail forever for every small customer (docs/operations.md, "ingest exit codes")."""
    _, tenant = demo("contoso-retail")
    output = _run("ingest", "--tenant", tenant.slug, "--source", "all")
    assert "sign-in logs need Entra ID P1" in output
    assert "exchange: ok" in output


def test_ingest_exits_non_zero_on_wrong_credentials(demo, m365):
    universe, tenant = demo("kovar-tisk")
    m365.state.apps[universe.client_id].secret = "rotated-by-someone-else"
    try:
        with pytest.raises(CommandError, match="signins") as caught:
            _run("ingest", "--tenant", tenant.slug, "--source", "signins")
    finally:
        m365.state.apps[universe.client_id].secret = universe.client_secret
    assert caught.value.returncode == 1


def test_ingest_exits_non_zero_without_the_exchange_role(demo):
    _, tenant = demo("adatum")  # the app has no Exchange directory role there
    with pytest.raises(CommandError, match="exchange") as caught:
        _run("ingest", "--tenant", tenant.slug, "--source", "exchange")
    assert caught.value.returncode == 1


def test_ingest_exits_non_zero_on_an_outage(demo, m365, monkeypatch):
    from readiness.connectors.services import signins_ingest
    from readiness.connectors.transport import RetryPolicy
    from readiness.demo.emulator.faults import Faults

    _, tenant = demo("kovar-tisk")
    monkeypatch.setitem(signins_ingest.__kwdefaults__, "retry",
                        RetryPolicy(max_attempts=2, sleep=lambda seconds: None))
    m365.state.faults = Faults(rates={"503": 1.0}, seed=1)
    with pytest.raises(CommandError) as caught:
        _run("ingest", "--tenant", tenant.slug, "--source", "signins")
    assert caught.value.returncode == 1


