"""Every table's body rows are written by one tag (core/table.html, readiness_tables):
the same markup django-tables2's own Bootstrap 5 template gives, cell for cell, on rows
with hostile text, per-row attributes (an overdue ticket), localised numbers, links,
badges and empty cells."""

import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from readiness.senders.selectors import sender_queryset, ticket_queryset
from readiness.senders.tables import SenderTable, TicketTable
from tests.factories import SenderFactory, TicketFactory

HOSTILE = '<script>alert("x")</script> & "quoted" \u202e'


def _rendered(table, template: str) -> str:
    request = RequestFactory().get("/")
    html = render_to_string(template, {"table": table, "request": request}, request=request)
    body = html[html.index("<tbody"):html.index("</tbody>")]
    return re.sub(r">\s+<", "><", body).strip()


def _both(make_table) -> tuple[str, str]:
    ours = _rendered(make_table(), "core/table.html")
    library = _rendered(make_table(), "django_tables2/bootstrap5-responsive.html")
    return ours, library


@pytest.mark.parametrize("language", ["en", "cs"])
def test_the_sender_table_body_is_the_librarys_markup(tenant_a, language):
    for n in range(7):
        SenderFactory(tenant=tenant_a, address=f"dev{n}@a.example", display_name=HOSTILE,
                      owner_name=HOSTILE if n % 2 else "")
    with translation.override(language):
        ours, library = _both(lambda: SenderTable(
            sender_queryset(tenant=tenant_a).order_by("address"), tenant=tenant_a))
    assert ours == library
    assert ours.count("<tr") == 7 and "<script>" not in ours


def test_per_row_attributes_and_empty_tables_match(tenant_a):
    for n, due in enumerate((date(2020, 1, 1), None, date(2999, 1, 1))):
        TicketFactory(tenant=tenant_a, title=f"{HOSTILE} {n}", due_date=due)
    ours, library = _both(lambda: TicketTable(ticket_queryset(tenant=tenant_a).order_by("pk")))
    assert ours == library and "table-danger" in ours  # the overdue row's class
    ours, library = _both(lambda: TicketTable(ticket_queryset(tenant=tenant_a).none()))
    assert ours == library and "No tickets match." in ours
