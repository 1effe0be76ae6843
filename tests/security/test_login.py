"""django-axes throttling on the real login form."""

from __future__ import annotations

from django.test import Client

from tests.factories import UserFactory


def _attempt(password: str):
    return Client().post("/accounts/login/", {"username": "lena", "password": password},
                         REMOTE_ADDR="203.0.113.9")


def test_after_five_bad_passwords_the_sixth_attempt_is_locked_out_even_if_right(db, settings):
    UserFactory(username="lena")
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = [_attempt("wrong").status_code for _ in range(5)]
    # Four times the form again; the fifth failure reaches the limit and locks.
    assert statuses == [200, 200, 200, 200, 429]
    locked = _attempt("correct horse battery staple")
    assert locked.status_code == 429
    assert "_auth_user_id" not in Client().session


def test_a_good_password_signs_in_and_csrf_is_enforced(db):
    UserFactory(username="lena")
    assert _attempt("correct horse battery staple").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "lena",
                                                "password": "correct horse battery staple"})
    assert response.status_code == 403
