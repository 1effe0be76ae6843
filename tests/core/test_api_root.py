"""/api/v1/ lists the endpoints; /api/docs/ is Swagger UI from local files; the schema
stays at /api/schema/."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_every_v1_endpoint(client_for, alice):
    response = client_for(alice).get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["endpoints"]["api-senders"].endswith("/api/v1/tenants/{slug}/senders/")
    assert body["endpoints"]["api-my-tickets"].endswith("/api/v1/tickets/")
    assert body["schema"].endswith("/api/schema/") and body["docs"].endswith("/api/docs/")


def test_the_api_root_needs_a_sign_in(client):
    assert client.get("/api/v1/").status_code in (401, 403)


def test_the_docs_are_swagger_ui_from_our_own_static_files(client_for, alice):
    client = client_for(alice)
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html
    # The page's script is served by us (CSP script-src 'self'), not inline.
    assert "<script>" not in html.replace(" ", "")
    assert client.get("/api/schema/").status_code == 200
