"""Workflow panels that other apps' pages embed (sender detail, bulk actions)."""

from django import template

from readiness.senders import guidance, selectors
from readiness.senders.choices import BulkAction, DeviceType, MigrationPath, SenderStatus
from readiness.senders.forms import BulkForm, TransitionForm
from readiness.tenancy.domains import is_foreign_address, tenant_domain_names

register = template.Library()


@register.inclusion_tag("senders/_sender_workflow.html", takes_context=True)
def sender_workflow_panel(context, sender):
    """Ownership, status + transition form, history, tickets, exceptions and the guidance
    (settings and PowerShell for THIS mailbox) for one sender. A constant 5 queries."""
    tenant = context.get("tenant")
    path_guidance = guidance.guidance_for(sender.migration_path)
    address = sender.mailbox.address if sender.mailbox_id else sender.address
    # A sender on another tenant's domain (a wrong-tenant file) has no mailbox here:
    # a Set-CASMailbox line for it would change someone else's mailbox, or fail.
    foreign = (not sender.mailbox_id and tenant is not None
               and is_foreign_address(sender.address, tenant_domain_names(tenant)))
    return {
        "foreign": foreign,
        "sender": sender, "tenant": tenant, "request": context.get("request"),
        "can": context.get("can", {}), "csrf_token": context.get("csrf_token"),
        "history": selectors.sender_history(tenant=tenant, sender=sender),
        "tickets": selectors.sender_tickets(tenant=tenant, sender=sender),
        "exceptions": selectors.sender_active_exceptions(tenant=tenant, sender=sender),
        "needs_relay": selectors.sender_needs_relay(sender),
        "guidance": path_guidance,
        "device_steps": guidance.device_steps(sender.device_model) if sender.device_model_id
        else [],
        "scripts": [] if foreign else guidance.mailbox_scripts(sender.migration_path, address),
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
