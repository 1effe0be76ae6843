from django.contrib import admin

from readiness.notifications.models import Notification, Webhook, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("name", "tenant", "url", "active")
    list_filter = ("active",)
    # The secret is never shown or edited here: it is set through the tenant page.
    exclude = ("secret_encrypted",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "tenant", "webhook", "event", "attempt", "status",
                    "status_code")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "tenant", "kind", "key")

    def has_change_permission(self, request, obj=None):
        return False
