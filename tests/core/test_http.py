from __future__ import annotations

import certifi
import pytest
import requests

from readiness.core.http import m365_session
from tests.tenancy.oidc_standin import Provider, serve


@pytest.fixture
def server(tmp_path):
    provider = Provider(client_id="c", client_secret="s", tid="t")
    server, ca = serve(provider, tmp_path)
    yield provider.base, str(ca)
    server.shutdown()


def test_the_configured_ca_wins_over_requests_ca_bundle_in_the_environment(server, settings,
                                                                            monkeypatch):
    base, ca = server
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())  # a bundle without our CA
    url = f"{base}/organizations/v2.0/.well-known/openid-configuration"
    with pytest.raises(requests.exceptions.SSLError):
        requests.Session().get(url, timeout=5)
    settings.M365_CA_BUNDLE = ca
    assert m365_session().get(url).status_code == 200
