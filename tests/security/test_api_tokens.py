"""Finding 9: API tokens are stored hashed and die with "sign out everywhere"."""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.test import Client

from readiness.tenancy.models import ApiToken
from readiness.tenancy.tokens import api_token_create

pytestmark = pytest.mark.django_db
API = "/api/v1/tenants/{}/senders/"


def api_get(token: str, slug: str):
    return Client().get(API.format(slug), headers={"Authorization": f"Token {token}"})


def test_sign_out_everywhere_kills_the_api_token(alice, tenant_a, client_for):
    _row, token = api_token_create(user=alice, name="script")
    assert api_get(token, tenant_a.slug).status_code == 200
    browser = client_for(alice)
    assert browser.post("/accounts/sessions/end-all/").status_code == 302
    assert api_get(token, tenant_a.slug).status_code == 401
    assert not ApiToken.objects.filter(user=alice).exists()


def test_the_database_holds_no_plaintext_token(alice, tenant_a):
    _row, token = api_token_create(user=alice, name="script")
    assert api_get(token, tenant_a.slug).status_code == 200  # also updates last_used_at
    secret_part = token[len("sar_"):]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                assert secret_part not in repr(row), f"{table} holds the token"
    stored = ApiToken.objects.get(user=alice)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert len(stored.prefix) < len(token) // 3


def test_a_wrong_token_or_an_inactive_user_is_refused(alice, tenant_a):
    _row, token = api_token_create(user=alice)
    assert api_get(token + "x", tenant_a.slug).status_code == 401
    alice.is_active = False
    alice.save()
    assert api_get(token, tenant_a.slug).status_code == 401


def test_the_command_prints_a_token_once(alice, tenant_a, capsys):
    call_command("api_token", "create", "--user", "alice", "--name", "ci")
    token = capsys.readouterr().out.strip()
    assert api_get(token, tenant_a.slug).status_code == 200
    call_command("api_token", "list")
    listing = capsys.readouterr().out
    assert "alice" in listing and token not in listing


def test_the_migration_hashes_drfs_plaintext_tokens(alice, tenant_a):
    module = __import__("readiness.tenancy.migrations.0001_initial",
                        fromlist=["hash_legacy_tokens"])
    plaintext = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
                       "user_id integer, created timestamp)")
        cursor.execute("INSERT INTO authtoken_token (key, user_id) VALUES (%s, %s)",
                       [plaintext, alice.pk])
    module.hash_legacy_tokens(apps, _Editor())
    assert "authtoken_token" not in connection.introspection.table_names()
    assert api_get(plaintext, tenant_a.slug).status_code == 200  # clients keep working


class _Editor:
    """What the migration uses of a schema editor; the real one cannot open inside the
    test's transaction on SQLite."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_a_password_changed_in_the_admin_kills_the_api_token(alice, tenant_a, client_for,
                                                             django_user_model):
    """A token is a session that never expires: the password change that answers a leak
    must end it, as Django's session hash ends the browser sessions."""
    _row, token = api_token_create(user=alice, name="script")
    admin = django_user_model.objects.create_superuser("root-admin", "root@example.com",
                                                       "An0ther-long-passphrase")
    form = client_for(admin).post(
        f"/admin/auth/user/{alice.pk}/password/",
        {"password1": "A-new-passphrase-2026", "password2": "A-new-passphrase-2026",
         "usable_password": "true"})
    assert form.status_code == 302, form.content[:500]
    alice.refresh_from_db()
    assert alice.check_password("A-new-passphrase-2026")
    assert api_get(token, tenant_a.slug).status_code == 401
    assert not ApiToken.objects.filter(user=alice).exists()


def test_saving_a_user_without_a_new_password_keeps_the_token(alice, tenant_a, client_for):
    _row, token = api_token_create(user=alice, name="script")
    client_for(alice).get("/")  # a sign-in saves last_login
    alice.refresh_from_db()
    alice.first_name = "Alice"
    alice.password = make_password("Old-passphrase-2026", hasher="pbkdf2_sha1")
    alice.save()
    # A sign-in upgrades a hash made with an older hasher: the stored hash changes, the
    # password does not.
    assert alice.check_password("Old-passphrase-2026")
    alice.refresh_from_db()
    assert alice.password.startswith("pbkdf2_sha256$")
    assert api_get(token, tenant_a.slug).status_code == 200


def test_changepassword_on_the_command_line_kills_the_api_token(alice, tenant_a,
                                                                 monkeypatch):
    _row, token = api_token_create(user=alice, name="script")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "A-new-passphrase-2026")
    call_command("changepassword", "alice")
    assert api_get(token, tenant_a.slug).status_code == 401
