from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

from readiness.demo.emulator.faults import faults_parse
from readiness.demo.emulator.graph import FilterError, filter_parse
from readiness.demo.emulator.state import SIGNIN_CLIENT_ID, SIGNIN_CLIENT_SECRET


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _authorize(m365, tenant_id, challenge, hint=""):
    response = requests.get(
        f"{m365.base_url}/{tenant_id}/oauth2/v2.0/authorize",
        params={"client_id": SIGNIN_CLIENT_ID, "redirect_uri": "https://app.test/callback",
                "response_type": "code", "scope": "openid profile", "state": "s1",
                "nonce": "n1", "code_challenge": challenge, "code_challenge_method": "S256",
                "login_hint": hint},
        verify=str(m365.ca), allow_redirects=False, timeout=10)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def _redeem(m365, tenant_id, code, verifier):
    return requests.post(f"{m365.base_url}/{tenant_id}/oauth2/v2.0/token", data={
        "grant_type": "authorization_code", "client_id": SIGNIN_CLIENT_ID,
        "client_secret": SIGNIN_CLIENT_SECRET, "code": code, "code_verifier": verifier,
        "redirect_uri": "https://app.test/callback"}, verify=str(m365.ca), timeout=10)


def test_the_authorization_code_flow_issues_an_id_token(m365):
    tenant = next(t for t in m365.state.tenants.values() if t.slug == "kovar-tisk")
    user = next(m for m in tenant.mailboxes if m.recipient_type == "UserMailbox")
    verifier, challenge = _pkce()
    code = _authorize(m365, tenant.tenant_id, challenge, hint=user.address)
    response = _redeem(m365, tenant.tenant_id, code, verifier)
    assert response.status_code == 200
    jwks = requests.get(f"{m365.base_url}/{tenant.tenant_id}/discovery/v2.0/keys",
                        verify=str(m365.ca), timeout=10).json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(response.json()["id_token"], key, algorithms=["RS256"],
                        audience=SIGNIN_CLIENT_ID)
    assert (claims["oid"], claims["preferred_username"], claims["nonce"]) == (
        user.object_id, user.address, "n1")


def test_the_code_verifier_must_match_and_a_code_works_once(m365):
    tenant_id = next(iter(m365.state.tenants))
    verifier, challenge = _pkce()
    code = _authorize(m365, tenant_id, challenge)
    wrong = _redeem(m365, tenant_id, code, "not-the-verifier")
    assert "AADSTS501481" in wrong.json()["error_description"]
    assert "AADSTS70008" in _redeem(m365, tenant_id, code, verifier).json()[
        "error_description"]


def test_the_filter_parser_accepts_what_we_send_and_rejects_the_rest():
    keep = filter_parse("createdDateTime ge 2026-11-01T00:00:00Z and (clientAppUsed eq "
                        "'Authenticated SMTP' or clientAppUsed eq 'SMTP')")
    assert callable(keep)
    with pytest.raises(FilterError):
        filter_parse("userPrincipalName eq 'x'")
    with pytest.raises(FilterError):
        filter_parse("clientAppUsed ne 'SMTP'")


def test_faults_are_parsed_and_validated():
    faults = faults_parse("429=0.2,429-no-retry-after=0.1,503=0.1,latency=200ms")
    assert faults.rates == {"429": 0.2, "429-no-retry-after": 0.1, "503": 0.1}
    assert faults.latency_ms == 200
    with pytest.raises(ValueError, match="Unknown fault"):
        faults_parse("500=1")
    with pytest.raises(ValueError, match="probability"):
        faults_parse("429=2")
