"""The one HTTP session for Microsoft endpoints (connectors, msal, Entra sign-in)."""

from __future__ import annotations

import certifi
import pytest
import requests

from readiness.connectors.transport import session_new


def test_the_configured_ca_wins_over_requests_ca_bundle_in_the_environment(emulator, settings,
                                                                            monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())  # a bundle without our CA
    url = f"{emulator.base_url}/organizations/v2.0/.well-known/openid-configuration"
    with pytest.raises(requests.exceptions.SSLError):
        requests.Session().get(url, timeout=5)
    settings.M365_CA_BUNDLE = str(emulator.ca)
    assert session_new().get(url).status_code == 200

