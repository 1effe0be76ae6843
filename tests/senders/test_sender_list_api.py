"""The one sender list API: the same FilterSet as the sender table."""

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


def test_the_sender_api_filters_like_the_table(victor, tenant_a, data_a):
    body = api(victor).get(_url("api-senders", tenant_a), {"effective_state": "oauth_only"}).json()
    assert [s["address"] for s in body["results"]] == ["s1@tenant-a.example"]
    assert body["results"][0]["client_ips"] == ["203.0.113.1"]
    assert api(victor).get(_url("api-senders", tenant_a), {"uses_basic": "no"}).json()[
        "count"] == 0
