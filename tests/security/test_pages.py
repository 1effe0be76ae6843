"""Checks over every page an MSP admin can open (tests/security/url_matrix.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.security.url_matrix import walk_pages

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                           re.IGNORECASE)


class _Handlers(HTMLParser):
    """Collects event-handler attributes (onclick=, onerror=...) of real elements."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [f"<{tag} {name}=...>" for name, _ in attrs if name.startswith("on")]


def event_handlers(body: str) -> list[str]:
    parser = _Handlers()
    parser.feed(body)
    return parser.found
# django-celery-beat's PeriodicTask admin form ships one inline <script> (it toggles
# schedule fields). The CSP blocks it, the form still saves; it is an MSP-only page.
THIRD_PARTY_INLINE = {"admin:django_celery_beat_periodictask_add",
                      "admin:django_celery_beat_periodictask_change"}


def html_pages(world):
    for key, path, response in walk_pages(world, exports=()):
        if response["Content-Type"].startswith("text/html"):
            yield key, path, response


@pytest.mark.django_db
def test_every_page_sends_a_csp_that_forbids_inline_scripts_and_framing(world):
    seen = 0
    for key, _path, response in html_pages(world):
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", key
        assert directives["frame-ancestors"] == "'none'", key
        assert response["X-Frame-Options"] == "DENY", key
        seen += 1
    assert seen > 10


@pytest.mark.django_db
def test_no_page_contains_an_inline_script_or_event_handler(world):
    offenders = []
    for key, path, response in html_pages(world):
        body = response.content.decode()
        if key not in THIRD_PARTY_INLINE:
            offenders += [f"{key} {path}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(body)]
        offenders += [f"{key} {path}: {found}" for found in event_handlers(body)]
    assert offenders == []


def test_the_inline_script_detector_detects():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert INLINE_SCRIPT.search('<script type="text/javascript">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/charts.js"></script>')
    assert not INLINE_SCRIPT.search('<script id="t-data" type="application/json">{}</script>')
    assert event_handlers('<p><img src=x onerror=alert(1)></p>') == ["<img onerror=...>"]
    assert event_handlers('<input aria-label="&lt;img src=x onerror=alert(1)&gt;">') == []


@pytest.mark.django_db
def test_every_form_on_every_page_carries_a_csrf_token(world):
    missing = []
    for key, path, response in html_pages(world):
        body = response.content.decode()
        for form in re.findall(r"<form[^>]*>.*?</form>", body, re.S | re.I):
            if re.search(r'method="post"', form, re.I) and "csrfmiddlewaretoken" not in form:
                missing.append(f"{key} {path}")
    assert missing == []


TABS = re.compile(r'<ul class="nav nav-tabs mb-3[^"]*">(.*?)</ul>', re.S)
LINKS = re.compile(r'href="([^"]+)">([^<]+)</a>')


def tenant_tabs(body: str) -> list[tuple[str, str]]:
    found = TABS.search(body)
    return LINKS.findall(found.group(1)) if found else []


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "labels"), [
    ("victor", ["Overview", "Senders", "Mailboxes", "Tickets", "Imports", "What-if",
                "Connection", "Milestones"]),
    ("hana", ["Overview", "Senders", "Mailboxes", "Tickets", "Imports", "What-if",
              "Connection", "Milestones"]),
    ("alice", ["Overview", "Senders", "Mailboxes", "Tickets", "Imports", "What-if",
               "Connection", "Members", "Webhooks", "Audit", "Milestones"]),
    ("msp_admin", ["Overview", "Senders", "Mailboxes", "Tickets", "Imports", "What-if",
                   "Connection", "Members", "Webhooks", "Audit", "Milestones"]),
])
def test_the_tenant_tabs_show_every_page_the_role_may_open(world, client_for, persona, labels):
    client = client_for(world.users[persona])
    tabs = tenant_tabs(client.get(f"/tenants/{world.samples['slug']}/").content.decode())
    assert [label for _href, label in tabs] == labels
    for href, label in tabs:
        assert client.get(href).status_code == 200, f"{persona}: {label} {href}"


@pytest.mark.django_db
def test_every_tenant_page_shows_each_tab_once_and_one_active(world):
    pages = 0
    for key, path, response in html_pages(world):
        tabs = tenant_tabs(response.content.decode())
        if not tabs:
            continue
        labels = [label for _href, label in tabs]
        assert len(labels) == len(set(labels)) == 11, f"{key} {path}: {labels}"
        section = TABS.search(response.content.decode()).group(1)
        assert section.count("nav-link active") == 1, f"{key} {path}: no single active tab"
        pages += 1
    assert pages > 15


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "labels"), [
    ("victor", ["Portfolio", "My tickets", "Milestones", "Devices"]),
    ("msp_admin", ["Portfolio", "My tickets", "Milestones", "Devices", "Onboarding",
                   "Audit log", "Admin"]),
])
def test_the_top_navigation(world, client_for, persona, labels):
    body = client_for(world.users[persona]).get("/").content.decode()
    nav = re.search(r'<ul class="navbar-nav me-auto">(.*?)</ul>', body, re.S).group(1)
    assert [label for _href, label in LINKS.findall(nav)] == labels
