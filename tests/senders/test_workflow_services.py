"""The status machine: every allowed pair works, every other pair is refused."""

import datetime as dt

import pytest

from readiness.senders.choices import ALLOWED_TRANSITIONS, SYSTEM_ONLY_STATUSES, SenderStatus
from readiness.senders.models import Sender, SenderException, SenderStatusChange
from readiness.senders.services import (
    ExceptionTerms,
    TransitionRefused,
    sender_transition,
    transition_refusal,
)
from readiness.tenancy.models import AuditEvent
from tests.factories import SenderFactory

ALL = list(SenderStatus.values)
ALLOWED = [(a, b) for a in ALL for b in sorted(ALLOWED_TRANSITIONS[a])]
REFUSED = [(a, b) for a in ALL for b in ALL if b not in ALLOWED_TRANSITIONS[a]]


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_it_allows_every_transition_in_the_table(tenant_a, hana, terms, from_status,
                                                 to_status):
    sender = SenderFactory(tenant=tenant_a, status=from_status)
    change = sender_transition(tenant=tenant_a, sender=sender, to_status=to_status, actor=hana,
                               comment="moving on", exception=terms,
                               system=to_status in SYSTEM_ONLY_STATUSES)
    sender.refresh_from_db()
    assert sender.status == to_status
    assert (change.from_status, change.to_status, change.actor) == (from_status, to_status, hana)
    assert AuditEvent.objects.filter(action="sender.transition", object_id=str(sender.pk)).exists()


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_it_refuses_every_transition_outside_the_table(tenant_a, hana, terms, from_status,
                                                       to_status):
    sender = SenderFactory(tenant=tenant_a, status=from_status)
    with pytest.raises(TransitionRefused) as refused:
        sender_transition(tenant=tenant_a, sender=sender, to_status=to_status, actor=hana,
                          exception=terms, system=True)
    assert refused.value.reason
    assert Sender.objects.get(pk=sender.pk).status == from_status
    assert not SenderStatusChange.objects.filter(sender=sender).exists()


def test_it_refuses_a_person_setting_verified_by_hand(tenant_a, alice):
    sender = SenderFactory(tenant=tenant_a, status=SenderStatus.MIGRATED)
    with pytest.raises(TransitionRefused, match="no data is not proof"):
        sender_transition(tenant=tenant_a, sender=sender, to_status="verified", actor=alice)


def test_it_refuses_an_exception_without_terms(tenant_a, alice):
    sender = SenderFactory(tenant=tenant_a)
    with pytest.raises(TransitionRefused, match="approver"):
        sender_transition(tenant=tenant_a, sender=sender, to_status="exception", actor=alice)


def test_it_refuses_an_exception_approved_by_helpdesk(tenant_a, hana):
    sender = SenderFactory(tenant=tenant_a)
    terms = ExceptionTerms(approver=hana, reason="x",
                           expires_on=dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(TransitionRefused, match="manager"):
        sender_transition(tenant=tenant_a, sender=sender, to_status="exception", actor=hana,
                          exception=terms)


def test_it_refuses_an_exception_that_expires_today(tenant_a, alice):
    sender = SenderFactory(tenant=tenant_a)
    terms = ExceptionTerms(approver=alice, reason="x", expires_on=dt.date.today())
    with pytest.raises(TransitionRefused, match="future"):
        sender_transition(tenant=tenant_a, sender=sender, to_status="exception", actor=alice,
                          exception=terms)


def test_it_records_the_exception_terms(tenant_a, alice, terms):
    sender = SenderFactory(tenant=tenant_a)
    sender_transition(tenant=tenant_a, sender=sender, to_status="exception", actor=alice,
                      exception=terms)
    exception = SenderException.objects.get(sender=sender)
    assert (exception.approver, exception.expires_on) == (alice, terms.expires_on)
    sender_transition(tenant=tenant_a, sender=sender, to_status="triaged", actor=alice)
    exception.refresh_from_db()
    assert exception.ended_reason == "withdrawn"


def test_only_one_of_two_concurrent_transitions_wins(tenant_a, hana, alice):
    sender = SenderFactory(tenant=tenant_a, status=SenderStatus.IN_PROGRESS)
    first, second = Sender.objects.get(pk=sender.pk), Sender.objects.get(pk=sender.pk)
    sender_transition(tenant=tenant_a, sender=first, to_status="migrated", actor=hana)
    with pytest.raises(TransitionRefused, match="changed meanwhile"):
        sender_transition(tenant=tenant_a, sender=second, to_status="wont_fix", actor=alice)
    assert Sender.objects.get(pk=sender.pk).status == "migrated"
    assert SenderStatusChange.objects.filter(sender=sender).count() == 1


def test_it_refuses_a_sender_of_another_tenant(tenant_a, tenant_b, alice):
    sender = SenderFactory(tenant=tenant_b)
    with pytest.raises(TransitionRefused, match="does not belong"):
        sender_transition(tenant=tenant_a, sender=sender, to_status="triaged", actor=alice)


def test_the_refusal_names_both_statuses():
    assert transition_refusal("verified", "new") == "Verified → New is not an allowed transition."
