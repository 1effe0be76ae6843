"""The mailbox list API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.dashboards.helpers import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_a(tenant_a):
    return populate(tenant_a)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(name, tenant):
    return reverse(name, kwargs={"slug": tenant.slug})


def test_the_mailbox_api_lists_states(victor, tenant_a, data_a):
    body = api(victor).get(_url("api-mailboxes", tenant_a),
                           {"effective_state": "basic_possible"}).json()
    assert {m["address"] for m in body["results"]} == {"box0@tenant-a.example",
                                                        "box2@tenant-a.example"}
