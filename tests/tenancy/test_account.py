"""/account/: the user's settings page hosts "Sign out everywhere" (and the language)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_sign_out_everywhere_lives_on_the_settings_page_not_the_navbar(client_for, alice,
                                                                       tenant_a):
    client = client_for(alice)
    page = client.get(f"/tenants/{tenant_a.slug}/").content.decode()
    assert "Sign out everywhere" not in page and 'href="/account/"' in page
    account = client.get("/account/").content.decode()
    assert 'id="language"' in account
    assert 'action="/accounts/sessions/end-all/"' in account
    response = client.post("/accounts/sessions/end-all/")
    assert response.status_code == 302
    assert client.get("/account/").status_code == 302  # signed out


def test_the_settings_page_needs_a_sign_in(client):
    assert client.get("/account/").status_code == 302
