"""Hostile strings from tenants and files are escaped on every page and neutralised in
every export. Table-driven over the URL classification, so new pages are covered."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest
from django.utils.html import escape

from readiness.core.exports import FORMULA_PREFIXES
from readiness.imports.choices import ImportStatus, ReportFormat
from readiness.imports.models import ReportImport
from readiness.inventory.models import AuthenticationPolicy
from readiness.milestones.models import Milestone
from readiness.notifications.models import WebhookDelivery
from readiness.senders.guidance import ps_quote
from readiness.senders.models import Sender, Ticket, TicketComment
from tests.factories import (
    DailyUsageFactory,
    MailboxFactory,
    SenderFactory,
    TenantSettingsFactory,
    TicketFactory,
    WebhookFactory,
)
from tests.security.test_pages import event_handlers
from tests.security.url_matrix import walk_pages

XSS = '<img src=x onerror=alert(1)>'
# A sender address that would break out of a PowerShell single-quoted string.
PS_BREAKOUT = "o'; Remove-Mailbox -Identity x; '" + XSS + "@alpha.example"
FORMULA = '=HYPERLINK("http://evil","x")'
PAYLOADS = [XSS, FORMULA, "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture
def hostile(world, tenant_a):
    tenant_a.name = f"{XSS} {tenant_a.name}"
    tenant_a.primary_domain = FORMULA
    tenant_a.save()
    mailbox = MailboxFactory(tenant=tenant_a, display_name=XSS, address="mb@alpha.example")
    for i, payload in enumerate(PAYLOADS):
        SenderFactory(tenant=tenant_a, address=f"{payload}{i}@alpha.example",
                      display_name=payload, mailbox=mailbox if i == 0 else None)
    AuthenticationPolicy.objects.create(tenant=tenant_a, name=XSS)
    Milestone.objects.create(tenant=tenant_a, key="hostile", date="2099-01-01", title=XSS)
    Milestone.objects.create(tenant=tenant_a, key="hostile-formula", date="2099-02-01",
                             title=FORMULA)
    MailboxFactory(tenant=tenant_a, display_name=FORMULA, address="mb2@alpha.example")
    _plant_in_sample_objects(world.samples, tenant_a)
    _plant_in_what_if(tenant_a)
    return world


def _plant_in_sample_objects(samples, tenant):
    """The objects the matrix opens by pk (sender, ticket, import) carry payloads too."""
    Sender.objects.filter(pk=samples["sender"]).update(display_name=XSS, team=FORMULA)
    Ticket.objects.filter(pk=samples["ticket"]).update(title=XSS)
    TicketFactory(tenant=tenant, title=FORMULA)
    TicketComment.objects.create(tenant=tenant, ticket_id=samples["ticket"], body=XSS)
    ReportImport.objects.filter(pk=samples["report_import"]).update(
        file_name=f"{XSS}.csv", status=ImportStatus.PREVIEW_READY, format=ReportFormat.DETAILED,
        preview={"rows": [{"line": 2, "day": "2026-01-02", "sender": XSS, "auth_method": "basic",
                           "messages": 1, "message_id": XSS}], "senders": [XSS]})
    ReportImport.objects.create(tenant=tenant, file_name=FORMULA, sha256="f" * 64,
                                status=ImportStatus.REJECTED, error=f"Bad date {XSS}",
                                error_line=3, error_column=XSS, error_value=XSS)
    hook = WebhookFactory(tenant=tenant, name=XSS, url="https://hooks.example/<b>x</b>")
    WebhookFactory(tenant=tenant, name=FORMULA)
    WebhookDelivery.objects.create(tenant=tenant, webhook=hook, event="sender.regressed",
                                   status="failed", error=XSS)


def _plant_in_what_if(tenant):
    """A sender that breaks when SMTP AUTH goes off, so its address lands in a script."""
    TenantSettingsFactory(tenant=tenant, smtp_client_auth_disabled=False,
                          security_defaults_enabled=False, conditional_access_blocks=[])
    sender = SenderFactory(tenant=tenant, address=PS_BREAKOUT, mailbox=None)
    DailyUsageFactory(sender=sender, auth_method="basic", messages=5)


def cells(key, response) -> list[str]:
    if key.endswith("[xlsx]"):
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return [c for ws in book for row in ws.iter_rows(values_only=True) for c in row
                if isinstance(c, str)]
    text = response.content.decode("utf-8-sig")
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


@pytest.mark.django_db
def test_no_page_shows_a_hostile_string_unescaped(hostile):
    checked = 0
    for key, path, response in walk_pages(hostile, exports=()):
        if not response["Content-Type"].startswith("text/html"):
            continue  # JSON (API, admin autocomplete) is data; its consumers render text
        body = response.content.decode(errors="replace")
        assert XSS not in body, f"{key} {path} renders {XSS} raw"
        assert event_handlers(body) == [], f"{key} {path} has an event handler"
        checked += 1
    assert checked > 10


@pytest.mark.django_db
def test_the_tenant_pages_do_show_the_escaped_form(hostile, client_for, msp_admin, tenant_a):
    body = client_for(msp_admin).get(f"/tenants/{tenant_a.slug}/senders/").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


@pytest.mark.django_db
def test_the_what_if_scripts_quote_for_powershell_and_escape_for_html(hostile, client_for,
                                                                       msp_admin, tenant_a):
    body = client_for(msp_admin).get(f"/tenants/{tenant_a.slug}/what-if/").content.decode()
    quoted = ps_quote(PS_BREAKOUT)
    assert quoted.startswith("'o''; Remove-Mailbox")  # the quote is doubled, not closing
    assert f"Set-CASMailbox -Identity {escape(quoted)}" in body


@pytest.mark.django_db
def test_the_payloads_reach_the_new_pages(hostile):
    """Each page below shows a planted payload (escaped), so the checks above bite."""
    wanted = {"senders:sender", "inventory:mailboxes", "senders:tickets", "senders:ticket",
              "imports:list", "imports:detail", "notifications:webhooks",
              "notifications:deliveries", "milestones:list", "milestones:tenant",
              "senders:what_if"}
    shown = {key for key, _path, response in walk_pages(hostile, exports=())
             if escape(XSS) in response.content.decode(errors="replace")}
    assert wanted - shown == set()


@pytest.mark.django_db
def test_every_export_neutralises_formulas(hostile):
    exports, neutralised, carried = 0, set(), set()
    for key, path, response in walk_pages(hostile):
        if "[" not in key:
            continue
        assert response.status_code == 200, f"{key} {path}"
        values = cells(key, response)
        dangerous = [c for c in values if c.startswith(FORMULA_PREFIXES)]
        assert dangerous == [], f"{key} {path}: {dangerous}"
        neutralised |= {c for c in values if c in {"'" + p for p in PAYLOADS}}
        if "'" + FORMULA in values:
            carried.add(key.split("[")[0])
        exports += 1
    assert exports >= 10
    # Every table export with a free-text column carried the planted formula, as text.
    assert {"senders:senders", "inventory:mailboxes", "senders:tickets", "imports:list",
            "notifications:webhooks", "milestones:list"} <= carried
    # The payloads did reach the exports (as text), so the check above could fail.
    assert {"'" + FORMULA, "'@SUM(A1)", "'-2+3", "'\tTAB"} <= neutralised


@pytest.mark.django_db
def test_plotly_figures_carry_only_escaped_labels(hostile):
    strings = []
    for _key, _path, response in walk_pages(hostile, exports=()):
        body = response.content.decode(errors="replace")
        for block in re.findall(r'<script id="[^"]*-data" type="application/json">(.*?)</script>',
                                body, re.S):
            strings += [s for s in _strings(json.loads(block)) if "img" in s]
    assert strings, "no figure carried the hostile milestone title"
    assert all("<img" not in s and "&lt;img" in s for s in strings)


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


# --- finding 8: exports carry plain values, never our markup -------------------------

# Markup that a planted payload carries as data (and so may appear in a cell).
PLANTED_MARKUP = (XSS, "<b>x</b>")
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


def exporting_tables(hostile) -> dict[str, type]:
    """url name -> table class, for every view in the URLconf that exports a table."""
    from django.urls import get_resolver
    from django_tables2.export import ExportMixin

    found = {}

    def walk(patterns, namespace=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
                continue
            view = getattr(p.callback, "view_class", None)
            if view and issubclass(view, ExportMixin):
                found[f"{namespace}{p.name}"] = view.table_class
    walk(get_resolver().url_patterns)
    return found


@pytest.mark.django_db
def test_every_table_of_the_product_is_exported_by_the_walk(hostile):
    """Declarative: a table added later is in all_tables(); its exporting view is found
    in the URLconf; the walk exports it only if its route says export=True."""
    from tests.security.test_table_sorting import all_tables
    from tests.security.url_matrix import ROUTES

    exporting = exporting_tables(hostile)
    assert all_tables() <= set(exporting.values()), "a table with no exporting view"
    assert [name for name in exporting if not ROUTES[name].export] == []
    walked = {key.split("[")[0] for key, _p, _r in walk_pages(hostile) if "[" in key}
    assert set(exporting) <= walked


@pytest.mark.django_db
def test_no_export_cell_carries_markup(hostile):
    exports = 0
    for key, path, response in walk_pages(hostile):
        if "[" not in key:
            continue
        assert response.status_code == 200, f"{key} {path}"
        for cell in cells(key, response):
            rest = cell
            for planted in PLANTED_MARKUP:
                rest = rest.replace(planted, "")
            assert not MARKUP.search(rest), f"{key}: markup in cell {cell!r}"
        exports += 1
    assert exports >= 20


@pytest.mark.django_db
def test_exports_carry_the_labels_a_person_sees(hostile, client_for, msp_admin, tenant_a):
    client = client_for(msp_admin)
    mailboxes = client.get(f"/tenants/{tenant_a.slug}/mailboxes/?_export=csv")
    rows = list(csv.DictReader(io.StringIO(mailboxes.content.decode("utf-8-sig"))))
    assert rows and all("<" not in row["Effective state"] for row in rows)
    milestones = client.get("/milestones/?_export=csv").content.decode("utf-8-sig")
    assert "<a href" not in milestones
