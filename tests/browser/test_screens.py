"""Every main page at 1,440 px and at 390 px (a phone): it renders without script errors
and the page itself never scrolls sideways (wide tables scroll inside their own box).

Screenshots go to a temporary folder; with SCREENSHOT_DIR set (the docs use
`SCREENSHOT_DIR=docs/screenshots`) they are kept there for docs/ui.md. Parametrised by
UI language (tests.browser.helpers.UI_LOCALES): each language gets its own file names.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from readiness.demo.services import demo_seed
from readiness.milestones.models import Milestone
from readiness.senders.models import Sender, Ticket
from tests.browser.helpers import session_cookie_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": 1440, "phone": 390}
# What sticks out of the viewport (innermost first), to say which element to fix.
WIDEST = """Array.from(document.querySelectorAll('main *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.closest('.table-responsive, pre, .js-plotly-plot'))
  .slice(-3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(
    e.getBoundingClientRect().right))"""


@pytest.fixture
def world(db):
    # Transactional tests flush the milestones the migrations seed; the pages (and the
    # demo's ticket due dates) read better with Microsoft's next step on them.
    if not Milestone.objects.filter(tenant__isnull=True).exists():
        today = timezone.localdate()
        Milestone.objects.create(key="basic-smtp-auth-off", precision="month",
                                 title="Basic authentication for SMTP AUTH switched off",
                                 date=date(today.year + 1, 3, 1))
    tenants = demo_seed(tenants=2, mailboxes=12, days=30)
    tenant = tenants[0]
    sender = Sender.objects.for_tenant(tenant).order_by("address").first()
    ticket = Ticket.objects.for_tenant(tenant).order_by("pk").first()
    admin = UserFactory(username="msp-screens", is_superuser=True, is_staff=True)
    slug = tenant.slug
    pages = {
        "portfolio": "/",
        "tenant": f"/tenants/{slug}/",
        "senders": f"/tenants/{slug}/senders/",
        "sender": f"/tenants/{slug}/senders/{sender.pk}/",
        "mailboxes": f"/tenants/{slug}/mailboxes/",
        "tickets": f"/tenants/{slug}/tickets/",
        "imports": f"/tenants/{slug}/imports/",
        "connection": f"/tenants/{slug}/connection/",
        "audit": f"/tenants/{slug}/audit/",
        "milestones": "/milestones/",
        "account": "/account/",
        "not-found": "/no-such-page/",
    }
    if ticket is not None:
        pages["ticket"] = f"/tenants/{slug}/tickets/{ticket.pk}/"
    return {"cookie": session_cookie_for(admin), "pages": pages}


def _folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_main_pages_fit_the_screen(world, width, ui_language, page_as, tmp_path):
    language, locale = ui_language
    folder = _folder(tmp_path)
    page = page_as(world["cookie"], locale=locale, width=WIDTHS[width], height=900)
    overflowing = {}
    for name, url in world["pages"].items():
        page.goto(url)
        page.wait_for_load_state("load")
        if name == "tenant":
            page.wait_for_selector("#timeline .main-svg", timeout=15000)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > WIDTHS[width] + 1:
            overflowing[name] = (scroll, page.evaluate(WIDEST))
        page.screenshot(path=str(folder / f"{name}-{width}-{language}.png"), full_page=False)
        if name == "not-found":
            page.problems.clear()  # the browser logs the page's own 404 status
    assert overflowing == {}, f"pages wider than {WIDTHS[width]} px: {overflowing}"
    assert page.problems == []
