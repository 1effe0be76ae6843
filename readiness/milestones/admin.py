from django.contrib import admin

from readiness.milestones.models import Milestone


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    """Read-only here: edits go through the audited milestone pages."""

    list_display = ("date", "precision", "title", "status", "kind", "tenant", "as_of")
    list_filter = ("status", "kind", "precision")
    search_fields = ("title", "key")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
