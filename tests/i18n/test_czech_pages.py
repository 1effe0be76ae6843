"""Accept-Language: cs and the language switch both give a Czech product: every main
page, the exports' headers, the e-mails and the charts.

"Czech" is checked two ways on every page: known Czech words are there, and no English
is left. English is found without a dictionary: a word that occurs in the catalogue's
English source strings but in none of its Czech translations is English only (the
product's own English), and must not appear in a Czech page's visible text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from readiness.imports.choices import ImportStatus
from readiness.imports.models import ReportImport
from readiness.senders.services.messages import ticket_assigned
from readiness.tenancy.language import user_language
from readiness.usage.rollups import usage_rollups_refresh
from tests.factories import (
    DailyUsageFactory,
    MailboxFactory,
    MembershipFactory,
    MilestoneFactory,
    SenderFactory,
    TicketFactory,
    UserFactory,
    WebhookFactory,
)

pytestmark = pytest.mark.django_db

PO = Path(settings.LOCALE_PATHS[0]) / "cs" / "LC_MESSAGES" / "django.po"
# Words the catalogue has on its English side only, but that a Czech page may show:
# names of products, protocols and people's data, not sentences.
NOT_ENGLISH = {"basic", "oauth", "smtp", "auth", "graph", "entra", "exchange", "online",
               "microsoft", "tls", "csv", "xlsx", "excel", "powershell", "json", "hmac",
               "sha", "readiness", "api", "url", "mfd", "erp", "crm", "msp", "itsm", "utc",
               "helpdesk", "tenant", "monitoring", "webhook", "export", "relay", "token",
               "high", "volume", "email", "azure", "communication", "services", "sendmail",
               "xoauth", "hve", "acs", "request", "report", "admin", "portfolio", "audit"}

# (url name, kwargs from the world, a Czech word the page must show)
PAGES = [
    ("dashboards:portfolio", {}, "Připravenost portfolia"),
    ("dashboards:tenant", {"slug": "slug"}, "Časová osa"),
    ("senders:senders", {"slug": "slug"}, "Odesílatel"),
    ("senders:sender", {"slug": "slug", "pk": "sender"}, "Vlastnictví"),
    ("inventory:mailboxes", {"slug": "slug"}, "Poštovní schránky"),
    ("senders:tickets", {"slug": "slug"}, "Tikety"),
    ("senders:my_tickets", {}, "Moje tikety"),
    ("senders:ticket", {"slug": "slug", "pk": "ticket"}, "Komentáře"),
    ("senders:what_if", {"slug": "slug"}, "Plánovač"),
    ("imports:list", {"slug": "slug"}, "Importy"),
    ("imports:upload", {"slug": "slug"}, "Nahrát sestavu"),
    ("imports:detail", {"slug": "slug", "pk": "report"}, "Řádky"),
    ("connectors:connection", {"slug": "slug"}, "Připojení k Microsoft 365"),
    ("tenancy:members", {"slug": "slug"}, "Členové"),
    ("tenancy:audit", {"slug": "slug"}, "Protokol auditu"),
    ("notifications:webhooks", {"slug": "slug"}, "Přidat webhook"),
    ("milestones:list", {}, "Milníky"),
    ("milestones:tenant", {"slug": "slug"}, "Cílová data"),
]


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)}


@pytest.fixture(scope="module")
def english_only() -> set[str]:
    catalogue = polib.pofile(str(PO))
    english, czech = set(), set()
    for entry in catalogue:
        # Placeholders and markup are not words of either language.
        plain = re.sub(r"%\([a-z_]+\)[sdr]|<[^>]+>|&\w+;", " ", entry.msgid)
        english |= _words(plain)
        for text in (entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]):
            czech |= _words(text)
    return english - czech - NOT_ENGLISH


class _VisibleText(HTMLParser):
    """Text a person reads: text nodes and the readable attributes, not scripts, code
    or data attributes."""

    SKIP = {"script", "style", "code", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        for name, value in attrs:
            if name in {"title", "placeholder", "aria-label", "alt"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.parts


def english_left(html: str, english_only: set[str], data_words: set[str]) -> list[str]:
    return [text for text in visible_text(html)
            if (_words(text) & english_only) - data_words]


@pytest.fixture
def world(db):
    """One tenant with a bit of everything, named the way a Czech customer would be."""
    from readiness.tenancy.models import Tenant

    tenant = Tenant.objects.create(name="Kovář Tisk s.r.o.", slug="kovar",
                                   primary_domain="kovar.example")
    manager = UserFactory(username="jana.novakova", email="jana@kovar.example")
    MembershipFactory(tenant=tenant, user=manager, role="manager")
    helpdesk = UserFactory(username="petr.dvorak", email="petr@kovar.example")
    MembershipFactory(tenant=tenant, user=helpdesk, role="helpdesk")
    mailbox = MailboxFactory(tenant=tenant, address="tiskarna@kovar.example",
                             display_name="Tiskárna 2. patro", effective_state="basic_possible")
    sender = SenderFactory(tenant=tenant, address="tiskarna@kovar.example",
                           display_name="Tiskárna 2. patro", mailbox=mailbox)
    for days in range(1, 20):
        DailyUsageFactory(sender=sender, day=timezone.now().date() - timedelta(days=days),
                          messages=20 - days)
    usage_rollups_refresh(tenant=tenant)
    ticket = TicketFactory(tenant=tenant, title="Tiskárna ve 2. patře", assignee=helpdesk)
    ticket.senders.add(sender)
    report = ReportImport.objects.create(
        tenant=tenant, file_name="sestava.csv", sha256="ab" * 32, status=ImportStatus.IMPORTED,
        format="detailed", encoding="utf-16", delimiter=",", rows=19, senders=1,
        messages_basic=171, imported_at=timezone.now(), imported_by=manager,
        period_start=timezone.now().date() - timedelta(days=19),
        period_end=timezone.now().date() - timedelta(days=1))
    WebhookFactory(tenant=tenant, name="ServiceDesk")
    MilestoneFactory(title="Konec Basic pro SMTP AUTH", precision="month")
    data_words = _words("Kovář Tisk s.r.o. kovar jana novakova petr dvorak tiskarna Tiskárna "
                        "patro patře sestava ServiceDesk Konec example")
    samples = {"slug": tenant.slug, "sender": sender.pk, "ticket": ticket.pk,
               "report": report.pk}
    return {"tenant": tenant, "manager": manager, "helpdesk": helpdesk, "samples": samples,
            "data_words": data_words}


def _url(world, name, kwargs):
    return reverse(name, kwargs={k: world["samples"][v] for k, v in kwargs.items()})


def _switch_to_czech(client, user):
    client.force_login(user)
    response = client.post(reverse("language"), {"language": "cs", "next": "/"})
    assert response.status_code == 302
    assert user_language(user) == "cs"


@pytest.mark.parametrize(("name", "kwargs", "czech"), PAGES,
                         ids=[p[0] for p in PAGES])
def test_every_main_page_is_czech_after_the_switch(client, world, english_only, name, kwargs,
                                                   czech):
    _switch_to_czech(client, world["manager"])
    response = client.get(_url(world, name, kwargs))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="cs">' in html
    assert czech in html
    assert "Odhlásit" in html  # the navigation too
    leftovers = english_left(html, english_only, world["data_words"])
    assert not leftovers, f"English on the Czech {name}: {leftovers[:8]}"


def test_the_english_page_is_english_for_the_same_checks(client, world, english_only):
    """The detector is not blind: the same page in English trips it."""
    client.force_login(world["manager"])
    html = client.get(reverse("dashboards:tenant", args=[world["tenant"].slug])).content.decode()
    assert '<html lang="en-gb">' in html
    assert english_left(html, english_only, world["data_words"])


def test_accept_language_gives_czech_to_anonymous_pages(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="cs,en;q=0.5").content.decode()
    assert '<html lang="cs">' in html and "Přihlásit se" in html
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.5").content.decode()
    assert '<html lang="en-gb">' in html and "Sign in" in html


def test_the_saved_choice_follows_the_user_to_a_new_browser(client, world):
    _switch_to_czech(client, world["manager"])
    fresh = client.__class__()
    # A browser that asks for English still gets the user's Czech after signing in.
    fresh.post(reverse("login"), {"username": "jana.novakova",
                                  "password": "correct horse battery staple"},
               HTTP_ACCEPT_LANGUAGE="en")
    html = fresh.get(reverse("dashboards:portfolio"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="cs">' in html


def test_the_switch_refuses_unknown_languages_and_foreign_redirects(client, world):
    client.force_login(world["manager"])
    response = client.post(reverse("language"), {"language": "xx",
                                                 "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert user_language(world["manager"]) == ""


def test_czech_exports_have_czech_headers(client, world, english_only):
    _switch_to_czech(client, world["manager"])
    for name, kwargs in [("senders:senders", {"slug": "slug"}),
                         ("senders:tickets", {"slug": "slug"}),
                         ("tenancy:members", {"slug": "slug"})]:
        response = client.get(_url(world, name, kwargs), {"_export": "csv"})
        text = response.content.decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(text), delimiter=";" if ";" in text.split(
            "\n")[0] else ","))
        english = [h for h in header if (_words(h) & english_only) - world["data_words"]]
        assert not english, f"{name}: English export headers {english}"


def test_czech_charts(client, world):
    _switch_to_czech(client, world["manager"])
    html = client.get(reverse("dashboards:tenant", args=[world["tenant"].slug])).content.decode()
    figure = json.loads(re.search(r'<script[^>]*id="timeline-data"[^>]*>(.*?)</script>', html,
                                  re.DOTALL).group(1))
    assert figure["layout"]["yaxis"]["title"]["text"] == "zpráv za den (sestavy)"
    assert {t["name"] for t in figure["data"]} == {"Zprávy přes Basic", "Zprávy přes OAuth",
                                                   "Přihlášení přes Basic"}
    assert figure["layout"]["xaxis"]["tickformat"] == "%-d. %-m."
    assert figure["layout"]["separators"] == ", "


def test_e_mail_speaks_the_recipients_language(world, django_capture_on_commit_callbacks):
    from readiness.tenancy.language import user_language_set

    user_language_set(user=world["helpdesk"], language="cs")
    ticket = world["tenant"] and TicketFactory(tenant=world["tenant"], title="Skener",
                                               assignee=world["helpdesk"])
    mail.outbox.clear()
    ticket_assigned(ticket_id=ticket.pk)
    assert [m.to for m in mail.outbox] == [["petr@kovar.example"]]
    assert "Byl vám přiřazen tiket: Skener" in mail.outbox[0].subject
    assert "priorita" in mail.outbox[0].body


def test_e_mail_to_someone_without_a_choice_is_in_the_default_language(world):
    ticket = TicketFactory(tenant=world["tenant"], title="Skener", assignee=world["helpdesk"])
    mail.outbox.clear()
    ticket_assigned(ticket_id=ticket.pk)
    assert "Ticket assigned to you: Skener" in mail.outbox[0].subject


def test_czech_plurals_on_a_page(client, world):
    _switch_to_czech(client, world["manager"])
    html = client.get(reverse("dashboards:tenant", args=[world["tenant"].slug])).content.decode()
    assert "1 poštovní schránka" in html
