from rest_framework import serializers

from readiness.inventory.models import Mailbox


class MailboxSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mailbox
        fields = ["id", "address", "display_name", "recipient_type", "smtp_auth",
                  "effective_state", "effective_reason", "authentication_policy", "synced_at"]
