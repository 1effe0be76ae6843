from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from readiness.connectors import tokens
from readiness.connectors.errors import ConnectorError, MissingPermission
from readiness.connectors.exchange import ExchangeClient, error_text, strip_annotations
from readiness.demo.emulator.faults import Faults

SAMPLES = Path("/work/shared/samples")


def test_it_follows_next_links_by_reposting_the_same_body(demo, m365, fast_retry):
    universe, tenant = demo("kovar-tisk")
    m365.state.exchange_page_size = 7
    result = ExchangeClient(connection=tenant.connection, retry=fast_retry).invoke(
        "Get-CASMailbox", {"ResultSize": "Unlimited"})
    assert len(result.rows) == len(universe.mailboxes) == 40
    posts = [p for m, p in m365.state.requests if m == "POST" and p.endswith("InvokeCommand")]
    assert len(posts) == 6


def test_it_drops_every_annotation_key(demo, fast_retry):
    _, tenant = demo("kovar-tisk")
    rows = ExchangeClient(connection=tenant.connection, retry=fast_retry).invoke(
        "Get-CASMailbox", {"ResultSize": "Unlimited"}).rows
    assert rows and not any("@" in key for row in rows for key in row)
    assert {"Guid", "PrimarySmtpAddress", "SmtpClientAuthenticationDisabled"} <= set(rows[0])


def test_it_strips_annotations_from_the_sample_payload():
    sample = json.loads((SAMPLES / "exo-get-casmailbox.json").read_text())
    row = strip_annotations(sample["value"][0])
    assert "Guid@odata.type" not in row and row["Guid"]


def test_it_records_adminapi_warnings_as_possible_truncation(demo, m365, fast_retry):
    _, tenant = demo("kovar-tisk")
    m365.state.faults = Faults(rates={"truncate": 1.0})
    result = ExchangeClient(connection=tenant.connection, retry=fast_retry).invoke(
        "Get-TransportConfig")
    assert result.warnings and "truncated" in result.warnings[0]


def test_it_says_to_assign_global_reader_on_a_nul_byte_403(demo, fast_retry):
    _, tenant = demo("adatum")
    with pytest.raises(MissingPermission, match="assign the Global Reader role"):
        ExchangeClient(connection=tenant.connection, retry=fast_retry).invoke(
            "Get-OrganizationConfig")


def test_it_says_exchange_manage_as_app_is_missing_on_401(demo, m365, fast_retry):
    universe, tenant = demo("kovar-tisk")
    m365.state.apps[universe.client_id].roles.discard("Exchange.ManageAsApp")
    with pytest.raises(MissingPermission, match=r"Exchange\.ManageAsApp"):
        ExchangeClient(connection=tenant.connection, retry=fast_retry).invoke(
            "Get-OrganizationConfig")


def test_it_shows_the_inner_exception_of_an_error(demo, fast_retry):
    _, tenant = demo("kovar-tisk")
    with pytest.raises(ConnectorError, match="matches parameter name 'Foo'"):
        ExchangeClient(connection=tenant.connection, retry=fast_retry).invoke(
            "Get-TransportConfig", {"Foo": 1})


def test_it_reads_error_text_in_the_documented_order():
    sample = json.loads((SAMPLES / "exo-error-400.json").read_text())
    assert error_text(sample) == "A parameter cannot be found that matches parameter name 'Foo'."
    del sample["error"]["innererror"]
    assert error_text(sample) == "A parameter cannot be found that matches parameter name 'Foo'."
    del sample["error"]["details"]
    assert error_text(sample) == "Invalid Operation"


def test_the_emulator_rejects_a_graph_token_at_exchange(demo, m365):
    universe, tenant = demo("kovar-tisk")
    graph_token = tokens.token_acquire(connection=tenant.connection, resource="graph")
    response = requests.post(
        f"{m365.base_url}/exchange/adminapi/beta/{universe.tenant_id}/InvokeCommand",
        json={"CmdletInput": {"CmdletName": "Get-TransportConfig", "Parameters": {}}},
        headers={"Authorization": f"Bearer {graph_token}"}, verify=str(m365.ca), timeout=10)
    assert response.status_code == 401


def test_the_emulator_refuses_null_parameters(demo, m365):
    universe, tenant = demo("kovar-tisk")
    token = tokens.token_acquire(connection=tenant.connection, resource="exchange")
    response = requests.post(
        f"{m365.base_url}/exchange/adminapi/beta/{universe.tenant_id}/InvokeCommand",
        json={"CmdletInput": {"CmdletName": "Get-TransportConfig", "Parameters": None}},
        headers={"Authorization": f"Bearer {token}"}, verify=str(m365.ca), timeout=10)
    assert response.status_code == 400
