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


def test_ingest_exits_non_zero_when_a_run_failed(demo):
    _, tenant = demo("contoso-retail")
    with pytest.raises(CommandError, match="signins") as caught:
        _run("ingest", "--tenant", tenant.slug, "--source", "signins")
    assert caught.value.returncode == 1


