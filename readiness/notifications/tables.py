import django_tables2 as tables

from readiness.notifications.models import Webhook, WebhookDelivery


class WebhookTable(tables.Table):
    events = tables.Column(orderable=True)

    class Meta:
        model = Webhook
        fields = ("name", "url", "events", "active", "created_at")
        order_by = ("name",)
        empty_text = "No webhook yet."

    def render_events(self, value):
        return ", ".join(value or [])


class WebhookDeliveryTable(tables.Table):
    webhook = tables.Column(accessor="webhook__name", verbose_name="Webhook")

    class Meta:
        model = WebhookDelivery
        fields = ("created_at", "webhook", "event", "delivery_id", "attempt", "status",
                  "status_code", "duration_ms", "error")
        order_by = ("-created_at",)
        empty_text = "No delivery yet."
