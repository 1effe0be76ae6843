"""The mailbox page: filters and exports."""

import pytest
from django.urls import reverse

from tests.dashboards.helpers import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_a(tenant_a):
    return populate(tenant_a)


def _url(name, tenant, **kwargs):
    return reverse(name, kwargs={"slug": tenant.slug, **kwargs})


def test_the_mailbox_list_filters_by_state_and_exports(client_for, alice, tenant_a, data_a):
    url = _url("inventory:mailboxes", tenant_a)
    client = client_for(alice)
    body = client.get(url, {"effective_state": "basic_possible"}).content.decode()
    assert "box0@" in body and "box1@" not in body
    assert "box1@" in client.get(url, {"_export": "csv"}).content.decode()
