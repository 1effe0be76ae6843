"""Login lockout is per username AND real client address (issue 10, finding 4)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory

PROXY = "10.0.0.2"  # every request reaches Django from the TLS proxy
GOOD = "correct horse battery staple"


def _login(password: str, *, forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post("/accounts/login/", {"username": "admin", "password": password},
                         **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_the_proxy_an_attacker_cannot_lock_out_the_real_user(db, behind_proxy):
    UserFactory(username="admin")
    for _ in range(5):
        _login("wrong", forwarded="198.51.100.7")
    assert _login("wrong", forwarded="198.51.100.7").status_code == 429
    # The owner of the account, from their own address, through the same proxy.
    assert _login(GOOD, forwarded="203.0.113.9").status_code == 302


def test_behind_the_proxy_a_forged_left_hop_does_not_escape_the_lock(db, behind_proxy):
    UserFactory(username="admin")
    # The client writes anything into X-Forwarded-For; the proxy appends the real peer.
    for n in range(5):
        _login("wrong", forwarded=f"192.0.2.{n}, 198.51.100.7")
    locked = _login(GOOD, forwarded="192.0.2.99, 198.51.100.7")
    assert locked.status_code == 429


def test_without_the_proxy_setting_the_header_is_ignored(db, settings):
    settings.BEHIND_PROXY = False
    UserFactory(username="admin")
    for n in range(5):
        _login("wrong", forwarded=f"192.0.2.{n}", remote="198.51.100.7")
    # Rotating a forged header does not give a fresh counter.
    assert _login(GOOD, forwarded="192.0.2.200", remote="198.51.100.7").status_code == 429
    # Another client (another REMOTE_ADDR) is not locked out.
    assert _login(GOOD, remote="203.0.113.9").status_code == 302


def test_the_lockout_page_says_what_happened_and_an_admin_can_unlock(db, behind_proxy):
    UserFactory(username="admin")
    for _ in range(5):
        _login("wrong", forwarded="198.51.100.7")
    locked = _login(GOOD, forwarded="198.51.100.7")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Too many failed sign-ins" in text and "network address" in text
    call_command("axes_reset_username", "admin")
    assert _login(GOOD, forwarded="198.51.100.7").status_code == 302
