"""The emulator's MSP support: one multi-tenant client id across its tenants, discovery
by domain, the admin-consent redirect (granted, cancelled, denied) and the control page
that assigns the directory role consent cannot grant."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

from readiness.demo.emulator.state import MSP_CLIENT_ID, MSP_CLIENT_SECRET

REDIRECT = "https://msp.test/onboarding/consent/callback/"


@pytest.fixture
def tenants(m365):
    return {t.slug: t for t in m365.state.tenants.values()}


def _get(m365, path, **kwargs):
    return requests.get(f"{m365.base_url}{path}", verify=str(m365.ca), timeout=10, **kwargs)


def _post(m365, path, **kwargs):
    return requests.post(f"{m365.base_url}{path}", verify=str(m365.ca), timeout=10,
                         allow_redirects=False, **kwargs)


def _token(m365, directory, resource="graph"):
    return _post(m365, f"/{directory}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "client_id": MSP_CLIENT_ID,
        "client_secret": MSP_CLIENT_SECRET, "scope": f"{m365.base_url}/{resource}/.default"})


def _consent(m365, directory, decision="accept", state="s-1"):
    return _post(m365, f"/{directory}/adminconsent", data={
        "client_id": MSP_CLIENT_ID, "redirect_uri": REDIRECT, "state": state,
        "decision": decision})


def test_discovery_by_domain_names_the_directory(m365, tenants):
    northwind = tenants["northwind"]
    config = _get(m365, f"/{northwind.domain}/v2.0/.well-known/openid-configuration").json()
    assert config["issuer"].endswith(f"/{northwind.tenant_id}/v2.0")
    prospect = _get(m365, "/customer042.example/v2.0/.well-known/openid-configuration")
    assert prospect.status_code == 200
    unknown = _get(m365, "/nobody-here.example/v2.0/.well-known/openid-configuration")
    assert unknown.status_code == 400 and "AADSTS90002" in unknown.text


def test_one_client_id_works_in_each_tenant_only_after_its_consent(m365, tenants):
    north, fab = tenants["northwind"].tenant_id, tenants["fabrikam"].tenant_id
    assert "AADSTS700016" in _token(m365, north).text
    assert _consent(m365, north).status_code == 302
    for directory, expected in ((north, 200), (fab, 400)):
        assert _token(m365, directory).status_code == expected
    assert _consent(m365, fab).status_code == 302
    claims = [jwt.decode(_token(m365, d).json()["access_token"],
                         options={"verify_signature": False}) for d in (north, fab)]
    assert [c["tid"] for c in claims] == [north, fab]
    assert {c["appid"] for c in claims} == {MSP_CLIENT_ID}


@pytest.mark.parametrize(("decision", "expected"), [
    ("accept", {"admin_consent": ["True"]}),
    ("cancel", {"error": ["access_denied"]}),
    ("not-admin", {"error": ["access_denied"]}),
])
def test_admin_consent_redirects_back_with_state_and_tenant(m365, tenants, decision,
                                                            expected):
    directory = tenants["adatum"].tenant_id
    page = _get(m365, f"/{directory}/adminconsent", params={
        "client_id": MSP_CLIENT_ID, "redirect_uri": REDIRECT, "state": "s-1"})
    assert page.status_code == 200 and "Adatum" in page.text
    response = _consent(m365, directory, decision)
    location = urlsplit(response.headers["Location"])
    assert f"https://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["s-1"] and query["tenant"] == [directory]
    assert {k: query[k] for k in expected} == expected
    granted = (MSP_CLIENT_ID, directory.lower()) in m365.state.grants
    assert granted == (decision == "accept")


def test_consent_without_role_then_the_role_fixed_on_the_control_page(m365, tenants):
    directory = tenants["kovar-tisk"].tenant_id
    _consent(m365, directory)
    token = _token(m365, directory, "exchange").json()["access_token"]
    invoke = f"/exchange/adminapi/beta/{directory}/InvokeCommand"
    body = {"CmdletInput": {"CmdletName": "Get-OrganizationConfig", "Parameters": {}}}
    headers = {"Authorization": f"Bearer {token}"}
    missing = _post(m365, invoke, json=body, headers=headers)
    assert missing.status_code == 403 and missing.content.strip(b"\x00") == b""
    assert "Global Reader: missing" in _get(m365, f"/_emulator/tenants/{directory}").text
    fixed = _post(m365, f"/_emulator/tenants/{directory}/directory-role")
    assert fixed.status_code == 200 and "Global Reader: assigned" in fixed.text
    assert _post(m365, invoke, json=body, headers=headers).status_code == 200


def test_control_page_refuses_a_role_without_consent(m365, tenants):
    directory = tenants["fabrikam"].tenant_id
    assert _post(m365, f"/_emulator/tenants/{directory}/directory-role").status_code == 409
    assert _get(m365, "/_emulator/tenants/nobody.example").status_code == 404
