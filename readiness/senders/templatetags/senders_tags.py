"""Workflow panels that other apps' pages embed (sender detail, bulk actions)."""

from django import template

register = template.Library()


@register.inclusion_tag("senders/_sender_workflow.html", takes_context=True)
def sender_workflow_panel(context, sender):
    return {"sender": sender, "tenant": context.get("tenant"), "request": context.get("request")}


@register.inclusion_tag("senders/_bulk_actions.html", takes_context=True)
def sender_bulk_actions(context):
    return {"tenant": context.get("tenant"), "request": context.get("request"),
            "can": context.get("can", {})}
