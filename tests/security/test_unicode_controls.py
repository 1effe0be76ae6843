"""Finding 10: bidi overrides and other control characters in tenant, sender, mailbox,
ticket and milestone names never reach an output raw — pages (tables, templates, chart
JSON), CSV and XLSX exports, the API, e-mails and webhooks. Walks every page, so a
page added later is covered."""

from __future__ import annotations

import json
import unicodedata

import pytest
from django.core import mail

from readiness.core.text import _pattern, has_controls, json_escape_controls, reveal_controls
from readiness.milestones.models import Milestone
from readiness.notifications.services import webhook_body
from readiness.senders.models import Sender
from readiness.senders.services.messages import ticket_assigned
from tests.factories import MailboxFactory, SenderFactory, TicketFactory, UserFactory
from tests.security.test_hostile_data import cells
from tests.security.url_matrix import walk_pages

RLO = "\u202e"
SPOOF = f"invoice{RLO}fdp.exe"  # shows as invoiceexe.pdf
CONTROLS = ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
            "\u2067", "\u2068", "\u2069", "\u061c", "\ufeff", "\x00", "\x1b", "\x85",
            "\U000e0041"]
HOSTILE = f"{SPOOF} " + "".join(CONTROLS)
# What can be stored: PostgreSQL text refuses NUL (and Django's form fields refuse it
# on the way in), so stored names carry every control but that one.
STORED = HOSTILE.replace("\x00", "")


@pytest.fixture
def spoofed(world, tenant_a):
    tenant_a.name = f"{STORED} {tenant_a.name}"
    tenant_a.save()
    mailbox = MailboxFactory(tenant=tenant_a, display_name=STORED, address="rlo@alpha.example")
    SenderFactory(tenant=tenant_a, address="rlo-sender@alpha.example", display_name=STORED,
                  mailbox=mailbox)
    Sender.objects.filter(pk=world.samples["sender"]).update(display_name=STORED)
    TicketFactory(tenant=tenant_a, title=STORED)
    Milestone.objects.create(tenant=tenant_a, key="rlo", date="2099-01-01", title=STORED)
    return world


def test_every_control_is_marked_and_joiners_are_kept():
    assert reveal_controls(SPOOF) == "invoice[U+202E]fdp.exe"
    assert not has_controls(reveal_controls(HOSTILE))
    # ZWJ/ZWNJ write emoji and Persian; tab and newline are layout.
    assert reveal_controls("a\u200db\u200cc\td\ne") == "a\u200db\u200cc\td\ne"
    assert json.loads(f'"{json_escape_controls(HOSTILE)}"') == HOSTILE  # same JSON value


@pytest.mark.django_db
def test_the_pattern_marks_exactly_the_controls_of_the_unicode_tables():
    # Every code point, in one string: the fast two-class pattern finds precisely the
    # Cc and Cf characters (tab, newline, return and the joiners excepted).
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    expected = [ch for ch in every if unicodedata.category(ch) in ("Cc", "Cf")
                and ch not in "\t\n\r\u200c\u200d"]
    assert _pattern().findall(every) == expected


def test_no_output_carries_a_raw_control(spoofed):
    marked, kinds = 0, set()
    for key, path, response in walk_pages(spoofed):
        kind = response["Content-Type"].split(";")[0]
        if "[" in key:
            texts = cells(key, response)
        elif kind.startswith(("text/", "application/json")):
            texts = [response.content.decode("utf-8-sig")]
        else:
            continue
        for text in texts:
            assert not has_controls(text), f"{key} {path}: raw control in {text[:200]!r}"
            marked += "[U+202E]" in text or "\\u202e" in text
        kinds.add("export" if "[" in key else kind)
    assert marked > 20, "the planted names did not reach the outputs"
    assert {"export", "text/html", "application/json"} <= kinds


@pytest.mark.django_db
def test_chart_json_marks_the_control(spoofed, client_for, msp_admin, tenant_a):
    body = client_for(msp_admin).get(f"/tenants/{tenant_a.slug}/").content.decode()
    assert "[U+202E]" in body
    assert RLO not in body


@pytest.mark.django_db
def test_emails_and_webhooks_carry_no_raw_control(tenant_a):
    tenant_a.name = STORED
    tenant_a.save()
    hana = UserFactory(username="hana-rlo", email="hana@example.test")
    ticket = TicketFactory(tenant=tenant_a, title=STORED, assignee=hana)
    ticket_assigned(ticket_id=ticket.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert not has_controls(message.subject) and not has_controls(message.body)
    assert "[U+202E]" in message.subject
    body = webhook_body({"title": HOSTILE}).decode()
    assert body.isascii() and "\\u202e" in body
