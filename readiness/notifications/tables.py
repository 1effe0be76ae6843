import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from readiness.core.tables import headers
from readiness.notifications.choices import Event
from readiness.notifications.models import Webhook, WebhookDelivery


@headers(name=_("Name"),
         url=_("URL"),
         active=_("Active"),
         created_at=_("Created"))
class WebhookTable(tables.Table):
    events = tables.Column(verbose_name=_("Events"), orderable=True)

    class Meta:
        model = Webhook
        fields = ("name", "url", "events", "active", "created_at")
        order_by = ("name",)
        empty_text = _("No webhook yet.")

    def render_events(self, value):
        labels = dict(Event.choices)
        return ", ".join(str(labels.get(e, e)) for e in value or [])


@headers(created_at=_("When"),
         event=_("Event"),
         delivery_id=_("Delivery ID"),
         attempt=_("Attempt"),
         status=_("Status"),
         status_code=_("HTTP status"),
         duration_ms=_("Duration (ms)"),
         error=_("Error"))
class WebhookDeliveryTable(tables.Table):
    webhook = tables.Column(accessor="webhook__name", verbose_name=_("Webhook"))

    class Meta:
        model = WebhookDelivery
        fields = ("created_at", "webhook", "event", "delivery_id", "attempt", "status",
                  "status_code", "duration_ms", "error")
        order_by = ("-created_at",)
        empty_text = _("No delivery yet.")
