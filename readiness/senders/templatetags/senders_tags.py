"""Workflow panels that other apps' pages embed (sender detail, bulk actions)."""

from django import template

from readiness.senders import guidance, selectors
from readiness.senders.choices import BulkAction, DeviceType, MigrationPath, SenderStatus
from readiness.senders.forms import BulkForm, TransitionForm

register = template.Library()


@register.inclusion_tag("senders/_sender_workflow.html", takes_context=True)
def sender_workflow_panel(context, sender):
    """Ownership, status + transition form, history, tickets, exceptions and the guidance
    (settings and PowerShell for THIS mailbox) for one sender. A constant 4 queries."""
    tenant = context.get("tenant")
    path_guidance = guidance.guidance_for(sender.migration_path)
    address = sender.mailbox.address if sender.mailbox_id else sender.address
    return {
        "sender": sender, "tenant": tenant, "request": context.get("request"),
        "can": context.get("can", {}), "csrf_token": context.get("csrf_token"),
        "history": selectors.sender_history(tenant=tenant, sender=sender),
        "tickets": selectors.sender_tickets(tenant=tenant, sender=sender),
        "exceptions": selectors.sender_active_exceptions(tenant=tenant, sender=sender),
        "needs_relay": selectors.sender_needs_relay(sender),
        "guidance": path_guidance,
        "scripts": guidance.mailbox_scripts(sender.migration_path, address),
        "transition_form": TransitionForm(status=sender.status),
        "exception_status": SenderStatus.EXCEPTION.value,
        "after_cutover": guidance.AFTER_CUTOVER,
        "conditional_access_note": guidance.CONDITIONAL_ACCESS_NOTE,
    }


@register.inclusion_tag("senders/_bulk_actions.html", takes_context=True)
def sender_bulk_actions(context):
    tenant = context.get("tenant")
    return {"tenant": tenant, "request": context.get("request"),
            "can": context.get("can", {}), "csrf_token": context.get("csrf_token"),
            "form": BulkForm(tenant=tenant) if tenant else None,
            "actions": BulkAction, "device_types": DeviceType.choices,
            "paths": MigrationPath.choices}
