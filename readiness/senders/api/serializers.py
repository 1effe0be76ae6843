from datetime import date

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from readiness.senders.choices import SenderStatus, TicketPriority
from readiness.senders.models import Sender, Ticket
from readiness.senders.selectors import earliest_open_ticket


class SenderSerializer(serializers.ModelSerializer):
    mailbox_state = serializers.CharField(source="mailbox.effective_state", default=None)
    basic_messages_30d = serializers.IntegerField(source="rollup.basic_messages_30d", default=0)
    oauth_messages_30d = serializers.IntegerField(source="rollup.oauth_messages_30d", default=0)
    basic_signins_30d = serializers.IntegerField(source="rollup.basic_signins_30d", default=0)
    owner = serializers.CharField(source="owner_label")
    needs_relay = serializers.BooleanField(read_only=True)
    client_ips = serializers.SerializerMethodField()
    ticket_title = serializers.SerializerMethodField()
    ticket_due = serializers.SerializerMethodField()

    class Meta:
        model = Sender
        fields = ["id", "address", "display_name", "status", "status_changed_at",
                  "migration_path", "team", "needs_relay", "device_type", "mailbox_state",
                  "last_basic_day", "basic_messages_30d", "oauth_messages_30d",
                  "basic_signins_30d", "client_ips", "owner", "ticket_title", "ticket_due"]

    def get_client_ips(self, sender) -> list[str]:
        return sorted({o.client_ip for o in sender.observations.all() if o.client_ip})

    # The earliest open ticket comes from sender_queryset's prefetch (the page's rows only).
    def get_ticket_title(self, sender) -> str | None:
        ticket = earliest_open_ticket(sender)
        return ticket.title if ticket else None

    def get_ticket_due(self, sender) -> date | None:
        ticket = earliest_open_ticket(sender)
        return ticket.due_date if ticket else None


class TicketSerializer(serializers.ModelSerializer):
    tenant = serializers.CharField(source="tenant.slug", read_only=True)
    assignee = serializers.CharField(source="assignee.username", read_only=True, default=None)
    senders = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = ("id", "tenant", "title", "senders", "assignee", "status", "priority",
                  "priority_overridden", "due_date", "external_id", "external_url", "version",
                  "created_at", "updated_at")


class TicketCreateSerializer(serializers.Serializer):
    sender_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    assignee = serializers.CharField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=TicketPriority.choices, required=False)


class TicketAssignSerializer(serializers.Serializer):
    assignee = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(help_text=_("The version you last read (conflict check)."))


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField()


class TransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=SenderStatus.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    exception_reason = serializers.CharField(required=False, allow_blank=True, default="")
    exception_expires_on = serializers.DateField(required=False, allow_null=True, default=None)
