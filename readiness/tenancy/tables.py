import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from readiness.core.tables import headers
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


@headers(created_at=_("When"),
         actor_label=_("Who"),
         action=_("Action"),
         object_type=_("Object type"),
         object_repr=_("Object"),
         before=_("Before"),
         after=_("After"),
         ip=_("IP address"),
         source=_("Source"))
class AuditEventTable(tables.Table):
    tenant = tables.Column(verbose_name=_("Tenant"), accessor="tenant__name", default="—")

    class Meta:
        model = AuditEvent
        fields = ("created_at", "tenant", "actor_label", "action", "object_type", "object_repr",
                  "before", "after", "ip", "source")
        order_by = ("-created_at",)
