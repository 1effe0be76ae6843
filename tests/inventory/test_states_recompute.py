"""The set-based effective-state pass (one resolver call per distinct input, one UPDATE)
must give every mailbox exactly the verdict resolve() gives it alone."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from readiness.inventory.models import AuthenticationPolicy, Mailbox, TenantSettings
from readiness.inventory.resolver import Inputs, resolve
from readiness.inventory.services import mailbox_states_recompute, resolver_context
from tests.factories import MailboxFactory

NAMED_OUT, NAMED_IN = "11111111-0000-4000-8000-000000000001", "22222222-0000-4000-8000-000000000002"
CA_BLOCKS = [
    {"name": "Block legacy", "include_all": True, "include_users": [],
     "exclude_users": [NAMED_OUT], "group_or_role_scoped": False, "narrowed_by": []},
    {"name": "Scanner outside office", "include_all": False, "include_users": [NAMED_IN],
     "exclude_users": [], "group_or_role_scoped": False,
     "narrowed_by": ["scoped by location"]},
]


def _expected(tenant, mailbox) -> tuple[str, str]:
    verdict = resolve(Inputs(mailbox_switch=mailbox.smtp_auth,
                             user_policy=mailbox.authentication_policy or None,
                             mailbox_object_id=mailbox.object_id,
                             **resolver_context(tenant=tenant)))
    return verdict.state, verdict.reason


@pytest.mark.django_db
@pytest.mark.parametrize("ca", [CA_BLOCKS, [], None, CA_BLOCKS[1:]])
def test_every_mailbox_gets_the_verdict_resolve_gives_it(tenant_a, ca):
    TenantSettings.objects.create(tenant=tenant_a, smtp_client_auth_disabled=False,
                                  security_defaults_enabled=False,
                                  default_authentication_policy="Allow",
                                  conditional_access_blocks=ca)
    AuthenticationPolicy.objects.create(tenant=tenant_a, name="Allow",
                                        distinguished_name="CN=Allow,CN=x",
                                        allow_basic_auth_smtp=True)
    AuthenticationPolicy.objects.create(tenant=tenant_a, name="Block",
                                        distinguished_name="CN=Block,CN=x")
    combos = itertools.product(["inherit", "enabled", "disabled"],
                               ["", "Block", "CN=Allow,CN=x", "missing"],
                               ["", NAMED_OUT, NAMED_IN, "33333333-0000-4000-8000-000000000003",
                                NAMED_IN.upper()])
    for n, (switch, policy, object_id) in enumerate(combos):
        MailboxFactory(tenant=tenant_a, address=f"m{n}@a.example", smtp_auth=switch,
                       authentication_policy=policy, object_id=object_id)
    changed = mailbox_states_recompute(tenant=tenant_a)
    mailboxes = list(Mailbox.objects.for_tenant(tenant_a))
    assert changed == sum(1 for m in mailboxes if m.effective_reason)  # every one was set
    for mailbox in mailboxes:
        assert (mailbox.effective_state, mailbox.effective_reason) == _expected(
            tenant_a, mailbox), mailbox.address
    assert mailbox_states_recompute(tenant=tenant_a) == 0  # idempotent


@pytest.mark.django_db
def test_blocked_since_is_dated_kept_and_cleared_per_mailbox(tenant_a):
    TenantSettings.objects.create(tenant=tenant_a, smtp_client_auth_disabled=False,
                                  security_defaults_enabled=False,
                                  conditional_access_blocks=[])
    open_box = MailboxFactory(tenant=tenant_a, smtp_auth="inherit")
    earlier = timezone.now() - timedelta(days=3)
    already = MailboxFactory(tenant=tenant_a, smtp_auth="inherit", effective_state="unknown",
                             blocked_since=earlier)
    mailbox_states_recompute(tenant=tenant_a)
    # Now blocked: dated for the one seen possible before; kept for the one never seen so.
    Mailbox.objects.filter(pk=already.pk).update(effective_state="smtp_auth_off",
                                                 blocked_since=earlier)
    TenantSettings.objects.filter(tenant=tenant_a).update(security_defaults_enabled=True)
    now = timezone.now()
    mailbox_states_recompute(tenant=tenant_a, now=now)
    open_box.refresh_from_db()
    already.refresh_from_db()
    assert (open_box.effective_state, open_box.blocked_since) == ("oauth_only", now)
    assert (already.effective_state, already.blocked_since) == ("oauth_only", earlier)
    TenantSettings.objects.filter(tenant=tenant_a).update(security_defaults_enabled=False)
    mailbox_states_recompute(tenant=tenant_a)
    open_box.refresh_from_db()
    assert (open_box.effective_state, open_box.blocked_since) == ("basic_possible", None)


def _snapshot(security_defaults: bool, mailboxes):
    from readiness.inventory.resolver import Policy
    from readiness.inventory.services import InventorySnapshot

    return InventorySnapshot(
        smtp_client_auth_disabled=False, default_authentication_policy="Allow",
        security_defaults_enabled=security_defaults, conditional_access_blocks=CA_BLOCKS,
        policies=[Policy("Allow", "CN=Allow,CN=x", True), Policy("Block", "CN=Block,CN=x")],
        mailboxes=mailboxes)


@pytest.mark.django_db
def test_a_snapshot_writes_each_mailbox_with_the_verdict_resolve_gives_it(tenant_a):
    """The snapshot writes the verdicts in its upsert: the same states, reasons, block
    dates and change counts as the recompute pass it replaces."""
    from readiness.inventory.services import MailboxRecord, inventory_snapshot_apply

    combos = itertools.product(["inherit", "enabled", "disabled"], ["", "Block", "missing"],
                               ["", NAMED_OUT, NAMED_IN, "33333333-0000-4000-8000-000000000003"])
    records = [MailboxRecord(address=f"m{n}@a.example", smtp_auth=switch,
                             authentication_policy=policy, object_id=object_id)
               for n, (switch, policy, object_id) in enumerate(combos)]
    first = inventory_snapshot_apply(tenant=tenant_a, snapshot=_snapshot(False, records))
    assert first["states_changed"] == len(records) == first["mailboxes"]
    for mailbox in Mailbox.objects.for_tenant(tenant_a):
        assert (mailbox.effective_state, mailbox.effective_reason) == _expected(
            tenant_a, mailbox), mailbox.address
    assert mailbox_states_recompute(tenant=tenant_a) == 0
    again = inventory_snapshot_apply(tenant=tenant_a, snapshot=_snapshot(False, records))
    assert again["states_changed"] == 0
    possible = set(Mailbox.objects.for_tenant(tenant_a).filter(
        effective_state="basic_possible").values_list("address", flat=True))
    now = timezone.now()
    blocked = inventory_snapshot_apply(tenant=tenant_a, snapshot=_snapshot(True, records),
                                       now=now)
    assert blocked["states_changed"] > len(possible) > 0
    for mailbox in Mailbox.objects.for_tenant(tenant_a):
        assert (mailbox.effective_state, mailbox.effective_reason) == _expected(
            tenant_a, mailbox), mailbox.address
        dated = mailbox.address in possible and mailbox.effective_state in (
            "oauth_only", "smtp_auth_off")
        assert mailbox.blocked_since == (now if dated else None), mailbox.address
