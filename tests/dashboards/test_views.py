"""Every page and export: who sees it, what it shows, how many queries it costs."""

import pytest
from django.urls import reverse

from tests.dashboards.helpers import populate
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

TENANT_PAGES = ["dashboards:tenant", "senders:senders", "inventory:mailboxes"]


def _url(name, tenant, **kwargs):
    return reverse(name, kwargs={"slug": tenant.slug, **kwargs})


@pytest.mark.parametrize("name", TENANT_PAGES)
def test_members_see_tenant_pages(client_for, victor, tenant_a, data_a, name):
    response = client_for(victor).get(_url(name, tenant_a))
    assert response.status_code == 200
    marker = {"dashboards:tenant": "Senders on Basic", "senders:senders": "s0@tenant-a",
              "inventory:mailboxes": "box0@tenant-a"}[name]
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


# Constant, whatever the data: 12 for the pages themselves, plus up to 7 for the
# evidence of the rows shown (sign-ins per user, failure codes, report messages, failures
# after a block, and the unlinked senders' own sign-ins and messages).
QUERY_CEILING = 19
PAGES = [("dashboards:portfolio", {}), ("dashboards:tenant", {}), ("senders:senders", {}),
         ("senders:senders", {"sort": "-basic_30d"}), ("inventory:mailboxes", {})]


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_query_counts_do_not_grow_with_the_data(client_for, msp_admin, tenant_a, data_a,
                                                django_assert_max_num_queries, name, params):
    url = reverse(name) if name == "dashboards:portfolio" else _url(name, tenant_a)
    client = client_for(msp_admin)
    with django_assert_max_num_queries(QUERY_CEILING):
        assert client.get(url, params).status_code == 200
    # Ten times the senders, and more tenants: the same ceiling must hold.
    for n in range(3):
        populate(TenantFactory(slug=f"more-{n}"), senders=4, days=3)
    populate(tenant_a, senders=30, days=3, prefix="big")
    with django_assert_max_num_queries(QUERY_CEILING):
        assert client.get(url, params).status_code == 200


def test_the_overview_lists_twenty_conflicts_and_counts_them_all(client_for, msp_admin,
                                                                 tenant_a):
    # The list is bounded (the whole tenant's evidence is the rollup task's work); the
    # count in the heading is the rollup's.
    from django.utils import timezone

    from readiness.usage.rollups import usage_rollups_refresh
    from tests.factories import DailyUsageFactory, MailboxFactory, SenderFactory

    today = timezone.now().date()
    for n in range(25):
        box = MailboxFactory(tenant=tenant_a, address=f"c{n:02d}@tenant-a.example",
                             effective_state="oauth_only")
        sender = SenderFactory(tenant=tenant_a, address=box.address, mailbox=box)
        DailyUsageFactory(sender=sender, day=today, messages=2, source="detailed")
    usage_rollups_refresh(tenant=tenant_a, days=3)
    body = client_for(msp_admin).get(_url("dashboards:tenant", tenant_a)).content.decode()
    assert "25 conflicts: verify." in body
    assert "c19@tenant-a.example" in body and "c20@tenant-a.example" not in body
    assert "<li>…</li>" in body
