"""Sender workflow writes. One package because the workflow passed 400 lines:
status machine (workflow), ownership and bulk edits (ownership), remediation tickets
(tickets), the periodic evaluation (evaluate). Import from here."""

from readiness.senders.services.evaluate import (
    after_usage_change,
    exceptions_expire,
    senders_new_basic_notify,
    senders_regress,
    senders_verify,
    workflow_evaluate,
)
from readiness.senders.services.ownership import (
    BulkRefused,
    sender_update_ownership,
    senders_bulk_apply,
    senders_resolve,
)
from readiness.senders.services.tickets import (
    TicketConflict,
    assignee_validate,
    ticket_assign,
    ticket_comment,
    ticket_create,
    ticket_default_due,
    ticket_derive_priority,
    ticket_update,
)
from readiness.senders.services.workflow import (
    ExceptionTerms,
    TransitionRefused,
    sender_exception_grant,
    sender_exceptions_track,
    sender_transition,
    transition_refusal,
    what_if_exceptions_track,
)

__all__ = [
    "BulkRefused",
    "ExceptionTerms",
    "TicketConflict",
    "TransitionRefused",
    "after_usage_change",
    "assignee_validate",
    "exceptions_expire",
    "sender_exception_grant",
    "sender_exceptions_track",
    "sender_transition",
    "sender_update_ownership",
    "senders_bulk_apply",
    "senders_new_basic_notify",
    "senders_regress",
    "senders_resolve",
    "senders_verify",
    "ticket_assign",
    "ticket_comment",
    "ticket_create",
    "ticket_default_due",
    "ticket_derive_priority",
    "ticket_update",
    "transition_refusal",
    "what_if_exceptions_track",
    "workflow_evaluate",
]
