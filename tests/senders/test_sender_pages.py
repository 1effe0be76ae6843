"""The sender table and the one sender page: what they show, filter, sort and export."""

import pytest
from django.urls import reverse

from tests.dashboards.helpers import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_a(tenant_a):
    return populate(tenant_a)


@pytest.fixture
def data_b(tenant_b):
    return populate(tenant_b)


def _url(name, tenant, **kwargs):
    return reverse(name, kwargs={"slug": tenant.slug, **kwargs})


def test_a_hostile_display_name_is_escaped_on_the_sender_pages(client_for, alice, tenant_a,
                                                               data_a):
    sender = data_a[0]
    sender.display_name = "<img src=x onerror=alert(1)>"
    sender.save()
    client = client_for(alice)
    for url in (_url("senders:senders", tenant_a),
                _url("senders:sender", tenant_a, pk=sender.pk)):
        body = client.get(url).content.decode()
        assert "<img src=x" not in body and "&lt;img src=x" in body


def test_the_sender_table_filters_and_exports_exactly_the_filtered_rows(client_for, alice,
                                                                        tenant_a, data_a):
    client = client_for(alice)
    url = _url("senders:senders", tenant_a)
    body = client.get(url, {"effective_state": "oauth_only"}).content.decode()
    assert "s1@tenant-a.example" in body and "s0@tenant-a.example" not in body
    csv = client.get(url, {"q": "s2@", "_export": "csv"}).content.decode()
    assert csv.count("tenant-a.example") == 1 and "s2@tenant-a.example" in csv
    assert client.get(url, {"_export": "xlsx"}).content[:2] == b"PK"


def test_the_sender_table_has_bulk_checkboxes_and_a_column_chooser(client_for, alice, tenant_a,
                                                                   data_a):
    url = _url("senders:senders", tenant_a)
    body = client_for(alice).get(url, {"columns": ["status"]}).content.decode()
    assert 'form="bulk-form"' in body and 'name="sender_ids"' in body
    assert "Client IPs</a>" not in body and "Status</a>" in body


@pytest.mark.parametrize("column", ["address", "display_name", "mailbox_state", "last_basic_day",
                                    "basic_30d", "oauth_30d", "signins_30d", "client_ips",
                                    "owner", "status", "migration_path", "device_type",
                                    "ticket", "ticket_due"])
def test_every_sender_column_sorts(client_for, alice, tenant_a, data_a, column):
    url = _url("senders:senders", tenant_a)
    for sort in (column, f"-{column}"):
        assert client_for(alice).get(url, {"sort": sort}).status_code == 200


def test_the_uses_basic_filter_and_owner_filter(client_for, alice, tenant_a, data_a):
    data_a[1].owner_name = "Jana Print"
    data_a[1].save()
    url = _url("senders:senders", tenant_a)
    client = client_for(alice)
    assert "s1@" in client.get(url, {"owner": "jana"}).content.decode()
    assert "s0@" not in client.get(url, {"owner": "jana"}).content.decode()
    assert "No sender matches" in client.get(url, {"uses_basic": "no"}).content.decode()


def test_the_sender_table_shows_the_ticket_due_date(client_for, alice, tenant_a, data_a):
    body = client_for(alice).get(_url("senders:senders", tenant_a)).content.decode()
    assert "Fix tenant-a" in body and "days left" in body


def test_the_sender_detail_shows_history_ips_and_state(client_for, victor, tenant_a, data_a):
    sender = data_a[0]
    body = client_for(victor).get(_url("senders:sender", tenant_a,
                                       pk=sender.pk)).content.decode()
    assert "usage-data" in body and "203.0.113.0" in body and "TLS 1.0" in body
    assert "TLS1_0" not in body
    assert "Basic possible" in body


def test_a_sender_of_another_tenant_is_a_404(client_for, alice, tenant_a, data_a, data_b):
    foreign = data_b[0]
    url = _url("senders:sender", tenant_a, pk=foreign.pk)
    assert client_for(alice).get(url).status_code == 404


def test_sorting_by_volume_keeps_every_sender(client_for, alice, tenant_a, data_a):
    from tests.factories import SenderFactory

    SenderFactory(tenant=tenant_a, address="handmade@tenant-a.example")
    from readiness.usage.rollups import tenant_rollup_refresh

    tenant_rollup_refresh(tenant=tenant_a)
    url = _url("senders:senders", tenant_a)
    for sort in ("-basic_30d", "basic_30d", "-oauth_30d", "signins_30d"):
        body = client_for(alice).get(url, {"sort": sort}).content.decode()
        assert "handmade@tenant-a.example" in body and "4 senders match" in body


def _order_of(body, addresses):
    return sorted(addresses, key=lambda a: body.index(f">{a}<"))


def test_the_ticket_and_ip_columns_show_the_page_rows_and_sort(client_for, alice, tenant_a,
                                                             data_a):
    # The columns are filled after pagination (prefetch), and a sort on them adds the
    # subquery back: both must agree on "the earliest open ticket".
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import TicketFactory

    s0, s1, s2 = data_a
    today = timezone.now().date()
    closed = TicketFactory(tenant=tenant_a, title="Closed early", status="done",
                           due_date=today + timedelta(days=1))
    closed.senders.add(s0, s1)
    soon = TicketFactory(tenant=tenant_a, title="Soon due", due_date=today + timedelta(days=5))
    soon.senders.add(s1)
    undated = TicketFactory(tenant=tenant_a, title="Undated one")
    undated.senders.add(s1)
    url = _url("senders:senders", tenant_a)
    client = client_for(alice)
    names = [s.address for s in data_a]

    body = client.get(url, {"sort": "ticket_due"}).content.decode()
    assert "Fix tenant-a s" in body and "Soon due" in body
    assert "Closed early" not in body and "Undated one" not in body
    assert _order_of(body, names) == [s1.address, s0.address, s2.address]
    body = client.get(url, {"sort": "-ticket_due"}).content.decode()
    assert _order_of(body, names) == [s0.address, s1.address, s2.address]  # none stays last
    body = client.get(url, {"sort": "ticket"}).content.decode()  # "Fix…" < "Soon…"
    assert _order_of(body, names) == [s0.address, s1.address, s2.address]
    body = client.get(url, {"sort": "-client_ips"}).content.decode()
    assert _order_of(body, names) == [s2.address, s1.address, s0.address]
    assert "203.0.113.2" in body

    csv = client.get(url, {"_export": "csv"}).content.decode()
    assert "Soon due" in csv and "Closed early" not in csv


def test_the_sender_api_names_the_earliest_open_ticket(victor, tenant_a, data_a):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(victor)
    body = api.get(reverse("api-senders", kwargs={"slug": tenant_a.slug})).json()
    by_address = {s["address"]: s for s in body["results"]}
    assert by_address["s0@tenant-a.example"]["ticket_title"] == "Fix tenant-a s"
    assert by_address["s0@tenant-a.example"]["ticket_due"] is not None
    assert by_address["s1@tenant-a.example"]["ticket_title"] is None


def test_the_sender_export_has_one_value_per_column_and_opens_in_excel(client_for, alice,
                                                                        tenant_a, data_a):
    import csv
    import io

    data_a[0].migration_path = "hve"
    data_a[0].owner_name = "Jana Kovářová"
    data_a[0].save()
    raw = client_for(alice).get(_url("senders:senders", tenant_a),
                                {"_export": "csv", "_sep": "semicolon"}).content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert {"Owner", "Migration path", "Ticket", "Ticket due"} <= set(rows[0])
    row = next(r for r in rows if r["Address"] == data_a[0].address)
    assert row["Migration path"] == "High Volume Email" and row["Owner"] == "Jana Kovářová"
    ticketed = [r for r in rows if r["Ticket"]]
    assert ticketed and all(r["Ticket due"][:4].isdigit() for r in ticketed)  # ISO date alone


SORTS = ["address", "display_name", "mailbox_state", "last_basic_day", "basic_30d",
         "oauth_30d", "signins_30d", "client_ips", "owner", "status", "migration_path",
         "device_type", "ticket", "ticket_due"]


@pytest.mark.parametrize("column", SORTS)
def test_paging_by_keys_shows_every_sender_once_in_the_plain_order(tenant_a, column):
    # Many equal sort values (status, device type, …): the primary key breaks the ties,
    # so small pages cover every sender exactly once, in the order of the whole list.
    from readiness.core.tables import PagedByKeys
    from readiness.senders.selectors import sender_queryset
    from readiness.senders.tables import SenderTable

    populate(tenant_a, senders=7, days=3)
    for sort in (column, f"-{column}"):
        whole = SenderTable(sender_queryset(tenant=tenant_a), tenant=tenant_a, order_by=sort)
        expected = [row.record.pk for row in whole.rows]
        shown = []
        for number in (1, 2, 3):
            table = SenderTable(PagedByKeys(sender_queryset(tenant=tenant_a)), tenant=tenant_a,
                                order_by=sort)
            table.paginate(per_page=3, page=number)
            shown += [row.record.pk for row in table.page.object_list]
        assert sorted(shown) == sorted(expected) and len(shown) == 7
        if column in ("basic_30d", "oauth_30d", "signins_30d", "address"):
            assert shown == expected  # unique orderings: the same sequence


def test_a_sender_page_sorts_only_the_keys(client_for, alice, tenant_a, data_a):
    # The page's rows come from `id IN (SELECT id … LIMIT n OFFSET m)`: the joined
    # columns are read for the page only, in one statement (no extra query per page).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(alice)
    url = _url("senders:senders", tenant_a)
    with CaptureQueriesContext(connection) as first:
        client.get(url, {"sort": "-basic_30d"})
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url, {"sort": "-basic_30d", "page": 1}).content.decode()
    assert "3 senders match" in body and len(queries) == len(first)
    page_sql = [q["sql"] for q in queries
                if q["sql"].startswith('SELECT "senders_sender"') and " LIMIT " in q["sql"]]
    assert len(page_sql) == 1 and " IN (SELECT " in page_sql[0], page_sql


def test_the_page_count_reads_what_the_filters_selected(client_for, alice, tenant_a, data_a):
    # Sorting on a 30-day figure joins SenderRollup (the index walk); the paginator's
    # COUNT does not need it (every sender has a rollup row), so it counts senders alone.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from readiness.core.tables import PagedByKeys
    from readiness.senders.selectors import sender_queryset
    from readiness.senders.tables import SenderTable

    with CaptureQueriesContext(connection) as queries:
        table = SenderTable(PagedByKeys(sender_queryset(tenant=tenant_a)), tenant=tenant_a,
                            order_by="-basic_30d")
        table.paginate(per_page=2, page=2)
        shown = [row.record.pk for row in table.page.object_list]
    counts = [q["sql"] for q in queries if "COUNT(*)" in q["sql"]]
    assert len(counts) == 1 and "usage_senderrollup" not in counts[0], counts
    assert table.paginator.count == sender_queryset(tenant=tenant_a).count() == 3
    assert len(shown) == 1


def test_the_mailbox_state_cell_is_styled_by_the_states_key(client_for, alice, tenant_a):
    # The cell's class must be the state's key (app.css), not its label ("Basic possible"
    # made two classes, neither styled).
    from tests.factories import MailboxFactory, SenderFactory

    mailbox = MailboxFactory(tenant=tenant_a, effective_state="basic_possible")
    SenderFactory(tenant=tenant_a, mailbox=mailbox)
    body = client_for(alice).get(_url("senders:senders", tenant_a)).content.decode()
    assert '<span class="state-basic_possible">' in body
