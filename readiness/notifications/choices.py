from django.db import models


class Event(models.TextChoices):
    """What a webhook can subscribe to; the same names are the `event` of the payload."""

    TICKET_ASSIGNED = "ticket.assigned", "Ticket assigned"
    TICKET_OVERDUE = "ticket.overdue", "Ticket overdue"
    SENDER_STATUS_CHANGED = "sender.status_changed", "Sender status changed"
    SENDER_REGRESSED = "sender.regressed", "Sender regressed to Basic"
    SENDER_NEW_BASIC = "sender.new_basic", "New sender using Basic"
    EXCEPTION_EXPIRED = "exception.expired", "Exception expired"
    SENDER_CONFLICT = "sender.conflict", "Sender's configuration contradicts its traffic"
    SENDER_BROKEN = "sender.broken", "Blocked sender failing with Basic"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (will retry)"
    GAVE_UP = "gave_up", "Failed permanently"
