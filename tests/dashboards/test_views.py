"""Every page and export: who sees it, what it shows, how many queries it costs."""

import pytest
from django.urls import reverse

from tests.dashboards.helpers import populate
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

TENANT_PAGES = ["dashboards:tenant", "dashboards:senders", "dashboards:mailboxes"]


def _url(name, tenant, **kwargs):
    return reverse(name, kwargs={"slug": tenant.slug, **kwargs})


@pytest.mark.parametrize("name", TENANT_PAGES)
def test_members_see_tenant_pages(client_for, victor, tenant_a, data_a, name):
    response = client_for(victor).get(_url(name, tenant_a))
    assert response.status_code == 200
    marker = {"dashboards:tenant": "Senders on Basic", "dashboards:senders": "s0@tenant-a",
              "dashboards:mailboxes": "box0@tenant-a"}[name]
    assert marker in response.content.decode()


@pytest.mark.parametrize("name", TENANT_PAGES)
def test_an_outsider_gets_404(client_for, charlie, bob, tenant_a, data_a, name):
    assert client_for(charlie).get(_url(name, tenant_a)).status_code == 404
    assert client_for(bob).get(_url(name, tenant_a)).status_code == 404


@pytest.mark.parametrize("name", [*TENANT_PAGES, "dashboards:portfolio"])
def test_anonymous_is_sent_to_login(client_for, tenant_a, name):
    url = reverse(name) if name == "dashboards:portfolio" else _url(name, tenant_a)
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_portfolio_lists_only_visible_tenants_with_a_summary(client_for, alice, data_a,
                                                                  data_b):
    body = client_for(alice).get(reverse("dashboards:portfolio")).content.decode()
    assert "Tenant A" in body and "Tenant B" not in body
    assert "portfolio-summary" in body
    assert "<svg class=\"sparkline\"" in body


def test_the_msp_admin_sees_every_tenant_and_can_filter_by_state(client_for, msp_admin,
                                                                  data_a, data_b):
    TenantFactory(slug="fresh", name="Fresh Tenant")
    client = client_for(msp_admin)
    body = client.get(reverse("dashboards:portfolio")).content.decode()
    assert "Tenant A" in body and "Tenant B" in body and "Fresh Tenant" in body
    filtered = client.get(reverse("dashboards:portfolio"), {"state": "not_connected"})
    assert "Fresh Tenant" in filtered.content.decode()
    assert "Tenant A</a>" not in filtered.content.decode()


def test_the_portfolio_empty_state_says_so(client_for, charlie):
    body = client_for(charlie).get(reverse("dashboards:portfolio")).content.decode()
    assert "No tenants to show yet" in body


def test_the_portfolio_exports_csv_and_xlsx(client_for, alice, data_a):
    client = client_for(alice)
    csv = client.get(reverse("dashboards:portfolio"), {"_export": "csv"})
    assert csv.status_code == 200 and "Tenant A" in csv.content.decode()
    xlsx = client.get(reverse("dashboards:portfolio"), {"_export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_overview_shows_kpis_charts_tables_and_data_as_of(client_for, alice, tenant_a,
                                                               data_a):
    body = client_for(alice).get(_url("dashboards:tenant", tenant_a)).content.decode()
    for marker in ("timeline-data", "burndown-data", "exposure-data", "tls-data",
                   "coverage-data", "View as table", "Data as of", "Failed Basic sign-ins",
                   "Our tenant-a target"):
        assert marker in body
    assert "?effective_state=basic_possible" in body


def test_the_overview_of_a_tenant_without_data_says_so(client_for, msp_admin):
    tenant = TenantFactory(slug="empty")
    body = client_for(msp_admin).get(_url("dashboards:tenant", tenant)).content.decode()
    assert "No usage figures for this tenant yet" in body
    assert "No data for this period." in body


def test_a_hostile_display_name_is_escaped_on_the_sender_pages(client_for, alice, tenant_a,
                                                               data_a):
    sender = data_a[0]
    sender.display_name = "<img src=x onerror=alert(1)>"
    sender.save()
    client = client_for(alice)
    for url in (_url("dashboards:senders", tenant_a),
                _url("dashboards:sender", tenant_a, pk=sender.pk)):
        body = client.get(url).content.decode()
        assert "<img src=x" not in body and "&lt;img src=x" in body


def test_the_sender_table_filters_and_exports_exactly_the_filtered_rows(client_for, alice,
                                                                        tenant_a, data_a):
    client = client_for(alice)
    url = _url("dashboards:senders", tenant_a)
    body = client.get(url, {"effective_state": "oauth_only"}).content.decode()
    assert "s1@tenant-a.example" in body and "s0@tenant-a.example" not in body
    csv = client.get(url, {"q": "s2@", "_export": "csv"}).content.decode()
    assert csv.count("tenant-a.example") == 1 and "s2@tenant-a.example" in csv
    assert client.get(url, {"_export": "xlsx"}).content[:2] == b"PK"


def test_the_sender_table_has_bulk_checkboxes_and_a_column_chooser(client_for, alice, tenant_a,
                                                                   data_a):
    url = _url("dashboards:senders", tenant_a)
    body = client_for(alice).get(url, {"columns": ["status"]}).content.decode()
    assert 'form="bulk-form"' in body and 'name="sender_ids"' in body
    assert "Client IPs</a>" not in body and "Status</a>" in body


@pytest.mark.parametrize("column", ["address", "display_name", "mailbox_state", "last_basic_day",
                                    "basic_30d", "oauth_30d", "signins_30d", "client_ips",
                                    "owner", "status", "device_type", "ticket"])
def test_every_sender_column_sorts(client_for, alice, tenant_a, data_a, column):
    url = _url("dashboards:senders", tenant_a)
    for sort in (column, f"-{column}"):
        assert client_for(alice).get(url, {"sort": sort}).status_code == 200


def test_the_uses_basic_filter_and_owner_filter(client_for, alice, tenant_a, data_a):
    data_a[1].owner_name = "Jana Print"
    data_a[1].save()
    url = _url("dashboards:senders", tenant_a)
    client = client_for(alice)
    assert "s1@" in client.get(url, {"owner": "jana"}).content.decode()
    assert "s0@" not in client.get(url, {"owner": "jana"}).content.decode()
    assert "No sender matches" in client.get(url, {"uses_basic": "no"}).content.decode()


def test_the_sender_table_shows_the_ticket_due_date(client_for, alice, tenant_a, data_a):
    body = client_for(alice).get(_url("dashboards:senders", tenant_a)).content.decode()
    assert "Fix tenant-a" in body and "days left" in body


def test_the_mailbox_list_filters_by_state_and_exports(client_for, alice, tenant_a, data_a):
    url = _url("dashboards:mailboxes", tenant_a)
    client = client_for(alice)
    body = client.get(url, {"effective_state": "basic_possible"}).content.decode()
    assert "box0@" in body and "box1@" not in body
    assert "box1@" in client.get(url, {"_export": "csv"}).content.decode()


def test_the_sender_detail_shows_history_ips_and_state(client_for, victor, tenant_a, data_a):
    sender = data_a[0]
    body = client_for(victor).get(_url("dashboards:sender", tenant_a,
                                       pk=sender.pk)).content.decode()
    assert "usage-data" in body and "203.0.113.0" in body and "TLS1_0" in body
    assert "Basic possible" in body


def test_a_sender_of_another_tenant_is_a_404(client_for, alice, tenant_a, data_a, data_b):
    foreign = data_b[0]
    url = _url("dashboards:sender", tenant_a, pk=foreign.pk)
    assert client_for(alice).get(url).status_code == 404


PAGES = [("dashboards:portfolio", {}), ("dashboards:tenant", {}), ("dashboards:senders", {}),
         ("dashboards:senders", {"sort": "-basic_30d"}), ("dashboards:mailboxes", {})]


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_query_counts_do_not_grow_with_the_data(client_for, msp_admin, tenant_a, data_a,
                                                django_assert_max_num_queries, name, params):
    url = reverse(name) if name == "dashboards:portfolio" else _url(name, tenant_a)
    client = client_for(msp_admin)
    with django_assert_max_num_queries(12):
        assert client.get(url, params).status_code == 200
    # Ten times the senders, and more tenants: the same ceiling must hold.
    for n in range(3):
        populate(TenantFactory(slug=f"more-{n}"), senders=4, days=3)
    populate(tenant_a, senders=30, days=3, prefix="big")
    with django_assert_max_num_queries(12):
        assert client.get(url, params).status_code == 200


def test_sorting_by_volume_keeps_every_sender(client_for, alice, tenant_a, data_a):
    from tests.factories import SenderFactory

    SenderFactory(tenant=tenant_a, address="handmade@tenant-a.example")
    from readiness.usage.rollups import tenant_rollup_refresh

    tenant_rollup_refresh(tenant=tenant_a)
    url = _url("dashboards:senders", tenant_a)
    for sort in ("-basic_30d", "basic_30d", "-oauth_30d", "signins_30d"):
        body = client_for(alice).get(url, {"sort": sort}).content.decode()
        assert "handmade@tenant-a.example" in body and "4 senders match" in body
