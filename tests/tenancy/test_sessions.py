from __future__ import annotations

from django.test import Client

from readiness.tenancy.models import UserSecurity


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_sign_out_everywhere_ends_every_session_of_that_user_only(alice, bob, tenant_a):
    laptop, phone, other = _signed_in(alice), _signed_in(alice), _signed_in(bob)
    assert phone.get(f"/tenants/{tenant_a.slug}/").status_code == 200
    response = laptop.post("/accounts/sessions/end-all/")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/login/")
    assert phone.get(f"/tenants/{tenant_a.slug}/").status_code == 302
    assert laptop.get(f"/tenants/{tenant_a.slug}/").status_code == 302
    assert other.get("/").status_code == 200
    assert UserSecurity.objects.get(user=alice).session_epoch == 1
    assert _signed_in(alice).get(f"/tenants/{tenant_a.slug}/").status_code == 200


def test_sign_out_everywhere_is_post_only_and_csrf_protected(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/accounts/sessions/end-all/").status_code == 405
    assert client.post("/accounts/sessions/end-all/").status_code == 403
    assert not UserSecurity.objects.filter(user=alice, session_epoch__gt=0).exists()


def test_sessions_expire_after_the_configured_age(settings, alice):
    client = _signed_in(alice)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
