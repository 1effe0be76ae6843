import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from readiness.core.changes import ChangeFormatter, model_for
from readiness.core.tables import WhenColumn, headers
from readiness.tenancy.audit import action_label
from readiness.tenancy.models import AuditEvent, Membership


@headers(role=_("Role"),
         created_at=_("Member since"))
class MembershipTable(tables.Table):
    username = tables.Column(verbose_name=_("User"), accessor="user__username")
    email = tables.Column(verbose_name=_("E-mail"), accessor="user__email")
    actions = tables.TemplateColumn(
        template_name="tenancy/_membership_actions.html", orderable=False, exclude_from_export=True,
        verbose_name="",
    )

    class Meta:
        model = Membership
        fields = ("username", "email", "role", "created_at")
        sequence = ("username", "email", "role", "created_at", "actions")
        order_by = ("username",)


class AuditEventTable(tables.Table):
    """Who changed what from what to what, in words (readiness.core.changes)."""

    created_at = WhenColumn(verbose_name=_("When"))
    tenant = tables.Column(verbose_name=_("Tenant"), accessor="tenant__name", default="—")
    actor_label = tables.Column(verbose_name=_("Who"))
    action = tables.Column(verbose_name=_("What"))
    object_repr = tables.Column(verbose_name=_("Object"), default="—")
    changes = tables.Column(verbose_name=_("Changes"), accessor="pk", orderable=False)
    ip = tables.Column(verbose_name=_("IP address"), default="—")
    source = tables.Column(verbose_name=_("Source"))

    class Meta:
        model = AuditEvent
        fields = ("created_at", "tenant", "actor_label", "action", "object_repr", "changes",
                  "ip", "source")
        order_by = ("-created_at",)

    def as_values(self, exclude_columns=None):
        self._exporting = True  # the export formats every filtered row, not one page
        return super().as_values(exclude_columns)

    def _formatter(self) -> ChangeFormatter:
        if getattr(self, "_changes", None) is None:
            paged = getattr(self, "page", None) and not getattr(self, "_exporting", False)
            # A page holds BoundRows; the data holds the events themselves.
            events = ([row.record for row in self.page.object_list] if paged
                      else list(self.data))
            self._changes = ChangeFormatter().prime(
                (e.object_type, e.before, e.after) for e in events)
        return self._changes

    def render_action(self, value):
        return action_label(value)

    def render_object_repr(self, record, value):
        model = model_for(record.object_type)
        kind = capfirst(str(model._meta.verbose_name)) if model is not None else ""
        return f"{kind}: {value}" if kind else value

    def render_changes(self, record):
        lines = self._formatter().changes(record.object_type, record.before, record.after,
                                          record.tenant_id)
        if not lines:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}", ((str(c),) for c in lines))

    def value_changes(self, record):
        return self._formatter().text(record.object_type, record.before, record.after,
                                      record.tenant_id) or "—"
