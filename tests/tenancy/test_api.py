from __future__ import annotations

import pytest
from django.test import Client

from readiness.tenancy.tokens import api_token_create
from tests.factories import SenderFactory

URL = "/api/tenants/{}/senders/"


@pytest.fixture(autouse=True)
def api_urls(settings):
    settings.ROOT_URLCONF = "tests.tenancy.api_urls"


@pytest.fixture
def senders(tenant_a, tenant_b):
    SenderFactory(tenant=tenant_a, address="a@a.example")
    SenderFactory(tenant=tenant_b, address="b@b.example")


def test_it_lists_only_the_tenants_rows(senders, victor, client_for, tenant_a):
    response = client_for(victor).get(URL.format(tenant_a.slug))
    assert response.status_code == 200
    assert [row["address"] for row in response.json()["results"]] == ["a@a.example"]


@pytest.mark.parametrize(("persona", "method", "status"), [
    ("anonymous", "get", {401, 403}), ("charlie", "get", {404}), ("bob", "get", {404}),
    ("victor", "post", {403}), ("hana", "post", {201}), ("msp_admin", "post", {201}),
])
def test_each_persona_gets_what_its_role_allows(persona, method, status, request, tenant_a):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert getattr(client, method)(URL.format(tenant_a.slug)).status_code in status


def test_session_writes_need_csrf_but_token_writes_do_not(hana, tenant_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hana, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(URL.format(tenant_a.slug)).status_code == 403
    _row, token = api_token_create(user=hana)
    scripted = Client(enforce_csrf_checks=True)
    response = scripted.post(URL.format(tenant_a.slug), headers={
        "Authorization": f"Token {token}"})
    assert response.status_code == 201
