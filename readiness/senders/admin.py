from django.contrib import admin

from readiness.senders.models import (
    DeviceModel,
    Sender,
    SenderException,
    SenderStatusChange,
    Ticket,
)
from readiness.tenancy.admin import HttpsUrlAdmin, TenantScopedAdmin


@admin.register(DeviceModel)
class DeviceModelAdmin(HttpsUrlAdmin):
    """The device catalogue is shared by all tenants and edited here."""

    list_display = ("vendor", "model", "device_type", "oauth_support", "min_version",
                    "evidence_url", "reviewed_on", "is_generic")
    list_filter = ("device_type", "oauth_support", "is_generic")
    search_fields = ("vendor", "model", "notes", "min_version")


@admin.register(Sender)
class SenderAdmin(TenantScopedAdmin):
    list_display = ("address", "tenant", "status", "migration_path", "team")
    list_filter = ("status", "migration_path", "tenant")
    search_fields = ("address", "display_name", "team")
    # Status goes through the workflow service (history, audit, notifications).
    readonly_fields = ("status", "status_changed_at")
    raw_id_fields = ("mailbox", "owner_user", "device_model")


@admin.register(SenderStatusChange)
class SenderStatusChangeAdmin(TenantScopedAdmin):
    list_display = ("created_at", "tenant", "sender", "from_status", "to_status", "actor")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SenderException)
class SenderExceptionAdmin(TenantScopedAdmin):
    list_display = ("sender", "tenant", "kind", "expires_on", "approver", "ended_at")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(TenantScopedAdmin):
    list_display = ("title", "tenant", "assignee", "status", "priority", "due_date", "version")
    list_filter = ("status", "priority")

    def has_change_permission(self, request, obj=None):
        return False  # edits go through ticket_update (optimistic concurrency)
