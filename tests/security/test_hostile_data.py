"""Hostile strings from tenants and files are escaped on every page and neutralised in
every export. Table-driven over the URL classification, so new pages are covered."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest

from readiness.core.exports import FORMULA_PREFIXES
from readiness.inventory.models import AuthenticationPolicy
from readiness.milestones.models import Milestone
from tests.factories import MailboxFactory, SenderFactory
from tests.security.test_pages import event_handlers
from tests.security.url_matrix import walk_pages

XSS = '<img src=x onerror=alert(1)>'
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
    return world


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
def test_every_export_neutralises_formulas(hostile):
    exports, neutralised = 0, set()
    for key, path, response in walk_pages(hostile):
        if "[" not in key:
            continue
        assert response.status_code == 200, f"{key} {path}"
        values = cells(key, response)
        dangerous = [c for c in values if c.startswith(FORMULA_PREFIXES)]
        assert dangerous == [], f"{key} {path}: {dangerous}"
        neutralised |= {c for c in values if c in {"'" + p for p in PAYLOADS}}
        exports += 1
    assert exports >= 4
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
