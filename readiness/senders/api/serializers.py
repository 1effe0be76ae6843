from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from readiness.senders.choices import SenderStatus, TicketPriority
from readiness.senders.models import Ticket


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
