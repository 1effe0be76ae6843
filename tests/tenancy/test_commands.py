from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from readiness.tenancy.models import AuditEvent, Membership


def test_grant_gives_a_role_and_records_the_cli_as_source(charlie, tenant_a):
    call_command("grant", "--user", "charlie", "--tenant", tenant_a.slug, "--role", "helpdesk")
    assert Membership.objects.get(user=charlie, tenant=tenant_a).role == "helpdesk"
    event = AuditEvent.objects.get(action="membership.granted")
    assert event.source == "cli" and event.actor is None and event.actor_label == "cli"


def test_grant_again_changes_the_role(victor, tenant_a):
    call_command("grant", "--user", "victor", "--tenant", tenant_a.slug, "--role", "manager")
    assert Membership.objects.get(user=victor).role == "manager"
    assert AuditEvent.objects.get().action == "membership.changed"


def test_grant_creates_a_user_with_a_password_from_stdin(tenant_a, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough pass phrase 42\n"))
    call_command("grant", "--user", "newbie", "--tenant", tenant_a.slug, "--role", "viewer",
                 "--create", "--email", "newbie@example.test", "--password-stdin")
    user = get_user_model().objects.get(username="newbie")
    assert user.check_password("a long enough pass phrase 42")
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "user.created", "membership.granted"}
    assert "pass phrase" not in str(list(AuditEvent.objects.values("before", "after")))


def test_grant_rolls_back_the_new_user_when_the_password_is_weak(tenant_a, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))
    with pytest.raises(CommandError, match="too common"):
        call_command("grant", "--user", "newbie", "--tenant", tenant_a.slug, "--role",
                     "viewer", "--create", "--password-stdin")
    assert not get_user_model().objects.filter(username="newbie").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--user", "ghost", "--role", "viewer"], "no user 'ghost'"),
    (["--user", "charlie", "--role", "admin"], "unknown role 'admin'"),
    (["--user", "charlie", "--role", "viewer", "--tenant", "nope"], "no tenant with slug 'nope'"),
    (["--user", "ghost", "--role", "viewer", "--create"], "--password-stdin"),
])
def test_grant_fails_clearly(args, message, charlie, tenant_a):
    if "--tenant" not in args:
        args = [*args, "--tenant", tenant_a.slug]
    with pytest.raises(CommandError, match=message):
        call_command("grant", *args)


def test_revoke_removes_and_fails_clearly_when_there_is_nothing(victor, charlie, tenant_a):
    call_command("revoke", "--user", "victor", "--tenant", tenant_a.slug)
    assert not Membership.objects.filter(user=victor).exists()
    assert AuditEvent.objects.get().source == "cli"
    with pytest.raises(CommandError, match="has no membership"):
        call_command("revoke", "--user", "charlie", "--tenant", tenant_a.slug)
    with pytest.raises(CommandError, match="no tenant"):
        call_command("revoke", "--user", "charlie", "--tenant", "nope")
    with pytest.raises(CommandError, match="no user"):
        call_command("revoke", "--user", "ghost", "--tenant", tenant_a.slug)


def test_the_commands_exit_non_zero(tmp_path):
    import subprocess
    import sys

    env = {"READINESS_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "revoke", "--user", "ghost", "--tenant", "nope"],
        capture_output=True, text=True, env=env,
    )
    assert result.returncode != 0
    assert "no tenant with slug 'nope'" in result.stderr
