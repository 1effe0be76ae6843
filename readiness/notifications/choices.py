from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What a webhook can subscribe to; the same names are the `event` of the payload."""

    TICKET_ASSIGNED = "ticket.assigned", _("Ticket assigned")
    TICKET_OVERDUE = "ticket.overdue", _("Ticket overdue")
    SENDER_STATUS_CHANGED = "sender.status_changed", _("Sender status changed")
    SENDER_REGRESSED = "sender.regressed", _("Sender regressed to Basic")
    SENDER_NEW_BASIC = "sender.new_basic", _("New sender using Basic")
    EXCEPTION_EXPIRED = "exception.expired", _("Exception expired")
    SENDER_CONFLICT = "sender.conflict", _("Sender's configuration contradicts its traffic")
    SENDER_BROKEN = "sender.broken", _("Blocked sender failing with Basic")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed (will retry)")
    GAVE_UP = "gave_up", _("Failed permanently")
