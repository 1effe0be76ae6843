"""The Czech UI in a real browser: the navbar's language switch, then every main page in
Czech (html lang, Czech navigation and headings, charts drawn with Czech axis titles,
no script errors). With READINESS_SCREENSHOTS=1 it saves each page in Czech and in
docs/screenshots/<page>-desktop-cs.png, beside the English ones tests/browser/test_screens.py
takes (<page>-desktop-en.png)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from readiness.demo.services import demo_seed
from readiness.imports.models import ReportImport
from readiness.senders.models import Sender, Ticket
from tests.browser.helpers import session_cookie_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def czech_world(db):
    tenant = demo_seed(tenants=1, mailboxes=12, days=30)[0]
    sender = Sender.objects.for_tenant(tenant).order_by("address").first()
    ticket = Ticket.objects.for_tenant(tenant).order_by("pk").first()
    report = ReportImport.objects.filter(tenant=tenant).order_by("pk").first()
    slug = tenant.slug
    pages = {
        "portfolio": ("/", "Připravenost portfolia"),
        "tenant": (f"/tenants/{slug}/", "Časová osa"),
        "senders": (f"/tenants/{slug}/senders/", "Odesílatelé"),
        "sender": (f"/tenants/{slug}/senders/{sender.pk}/", "Vlastnictví"),
        "mailboxes": (f"/tenants/{slug}/mailboxes/", "Poštovní schránky"),
        "tickets": (f"/tenants/{slug}/tickets/", "Tikety"),
        "what-if": (f"/tenants/{slug}/what-if/", "Plánovač"),
        "imports": (f"/tenants/{slug}/imports/", "Importy"),
        "connection": (f"/tenants/{slug}/connection/", "Připojení k Microsoft 365"),
        "milestones": ("/milestones/", "Milníky"),
    }
    if ticket is not None:
        pages["ticket"] = (f"/tenants/{slug}/tickets/{ticket.pk}/", "Komentáře")
    if report is not None:
        pages["import"] = (f"/tenants/{slug}/imports/{report.pk}/", "Řádky")
    admin = UserFactory(username="msp-czech", is_superuser=True)
    return {"cookie": session_cookie_for(admin), "pages": pages}


def _shoot(page, name: str) -> None:
    if os.environ.get("READINESS_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1440, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def test_every_main_page_in_czech_after_the_navbar_switch(czech_world, page_as):
    page = page_as(czech_world["cookie"])
    pages = czech_world["pages"]
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en-gb"
    page.locator("nav form.language-switch button[value=cs]").click()
    page.wait_for_load_state()
    for name, (url, czech) in pages.items():
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "cs", name
        assert page.get_by_role("button", name="Odhlásit", exact=True).count() == 1, name
        assert czech in page.content(), f"{name}: no “{czech}”"
        if name in ("tenant", "sender"):
            chart = "#timeline" if name == "tenant" else "#usage"
            page.wait_for_selector(f"{chart} .main-svg", timeout=15000)
            assert "zpráv za den" in page.locator(chart).inner_text(), name
        _shoot(page, f"{name}-desktop-cs")
        assert page.problems == [], (name, page.problems)
    # And back: the switch offers English on every page.
    page.goto("/")
    page.locator(".language-switch button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en-gb"
