import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from readiness.tenancy.tokens import api_token_create

pytestmark = pytest.mark.django_db


def api(user=None, token=False):
    client = APIClient()
    if user is not None and token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)[1]}")
    elif user is not None:
        client.force_authenticate(user)
    return client


def _url(name, tenant):
    return reverse(name, kwargs={"slug": tenant.slug})


def test_the_tenant_list_holds_only_visible_tenants(alice, data_a, data_b):
    body = api(alice, token=True).get(reverse("api-tenants")).json()
    assert [t["slug"] for t in body["results"]] == ["tenant-a"]
    assert body["results"][0]["score"] is not None


def test_anonymous_callers_are_refused(tenant_a):
    assert api().get(reverse("api-tenants")).status_code in (401, 403)
    assert api().get(_url("api-senders", tenant_a)).status_code in (401, 403)


@pytest.mark.parametrize("name", ["api-senders", "api-mailboxes", "api-usage",
                                  "api-tenant-summary"])
def test_another_tenants_slug_is_a_404(bob, tenant_a, data_a, name):
    assert api(bob).get(_url(name, tenant_a)).status_code == 404


def test_usage_returns_daily_rows_for_the_range(victor, tenant_a, data_a):
    response = api(victor).get(_url("api-usage", tenant_a))
    assert response.status_code == 200
    days = response.json()["days"]
    assert len(days) == 20 and days[0]["sources"] == ["detailed_report"]


@pytest.mark.parametrize(("params", "field"), [({"from": "yesterday"}, "from"),
                                               ({"to": "2026-13-01"}, "to"),
                                               ({"from": "2026-11-02", "to": "2026-11-01"},
                                                "from"),
                                               ({"from": "2020-01-01", "to": "2026-01-01"},
                                                "from"),
                                               # year 1: OverflowError (HTTP 500) before
                                               ({"to": "0001-01-01"}, "to")])
def test_bad_dates_are_a_400_with_a_clear_message(victor, tenant_a, params, field):
    response = api(victor).get(_url("api-usage", tenant_a), params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_summary_answers_with_the_readiness_report_figures(victor, tenant_a, data_a):
    response = api(victor).get(_url("api-tenant-summary", tenant_a))
    assert response.status_code == 200
    report = io.StringIO()
    call_command("readiness_report", tenant=tenant_a.slug, format="json", stdout=report)
    expected = json.loads(report.getvalue())
    body = response.json()
    for key in ("tenant", "org", "sources", "mailboxes", "usage", "senders", "mailbox_rows",
                "sender_rows"):
        assert body[key] == expected[key], key


def test_the_summary_and_the_report_take_the_same_period(victor, tenant_a, data_a):
    period = {"from": "2026-10-01", "to": "2026-10-31"}
    body = api(victor).get(_url("api-tenant-summary", tenant_a), period).json()
    report = io.StringIO()
    call_command("readiness_report", "--tenant", tenant_a.slug, "--format", "json",
                 "--from", "2026-10-01", "--to", "2026-10-31", stdout=report)
    expected = json.loads(report.getvalue())
    assert body["period"] == expected["period"] == period
    for key in ("usage", "mailbox_rows", "sender_rows"):
        assert body[key] == expected[key], key


@pytest.mark.parametrize("params", [{"from": "2026-13-01"}, {"from": "2026-11-02",
                                                               "to": "2026-11-01"}])
def test_a_bad_summary_period_is_a_400_naming_the_parameter(victor, tenant_a, params):
    response = api(victor).get(_url("api-tenant-summary", tenant_a), params)
    assert response.status_code == 400 and "from" in response.json()


def test_the_schema_is_served(victor):
    assert api(victor).get(reverse("api-schema")).status_code == 200
