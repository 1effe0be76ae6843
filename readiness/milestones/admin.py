from django.contrib import admin

from readiness.milestones.models import Milestone
from readiness.milestones.services import milestone_save
from readiness.tenancy.admin import HttpsUrlAdmin
from readiness.tenancy.audit import request_ip


@admin.register(Milestone)
class MilestoneAdmin(HttpsUrlAdmin):
    """Editable by MSP admins (the only admin users); every save goes through the audited
    service. Milestones are retired (superseded), not deleted: the charts keep showing
    a cancelled date, so deletion is not offered."""

    list_display = ("date", "precision", "title", "status", "kind", "tenant", "as_of")
    list_filter = ("status", "kind", "precision")
    search_fields = ("title", "key")

    def save_model(self, request, obj, form, change):
        milestone_save(actor=request.user, milestone=obj, ip=request_ip(request),
                       source="admin")

    def has_delete_permission(self, request, obj=None):
        return False
