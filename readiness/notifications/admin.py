from django.contrib import admin

from readiness.notifications.models import Notification, Webhook, WebhookDelivery
from readiness.tenancy.admin import TenantScopedAdmin


@admin.register(Webhook)
class WebhookAdmin(TenantScopedAdmin):
    list_display = ("name", "tenant", "url", "active")
    list_filter = ("active",)
    # secret_encrypted is registered with crypto, so TenantScopedAdmin never shows it;
    # the secret is set through the tenant's webhook page.


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(TenantScopedAdmin):
    list_display = ("created_at", "tenant", "webhook", "event", "attempt", "status",
                    "status_code")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(TenantScopedAdmin):
    list_display = ("created_at", "tenant", "kind", "key")

    def has_change_permission(self, request, obj=None):
        return False
