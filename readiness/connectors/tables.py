import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from readiness.connectors.choices import Stage


class OnboardingTable(tables.Table):
    """The onboarding board: one row per tenant (rows from selectors.onboarding_rows)."""

    name = tables.Column(_("Tenant"), accessor="tenant__name")
    domain = tables.Column(_("Domain"), accessor="tenant__primary_domain")
    directory = tables.Column(_("Directory"), accessor="connection__directory_id",
                              default="—")
    tags = tables.Column(_("Tags"), accessor="tags", orderable=False)
    stage = tables.Column(_("Stage"), accessor="stage_label", order_by=("stage_rank",),
                          attrs={"td": {"data-stage": lambda record: record["stage"]}})
    action = tables.Column("", accessor="stage", orderable=False, exclude_from_export=True)

    class Meta:
        order_by = ("name",)
        row_attrs = {"data-tenant": lambda record: record["tenant"].slug}
        empty_text = _("No tenant matches.")

    def render_directory(self, value):
        return format_html("<code>{}</code>", value)

    def render_tags(self, value):
        return ", ".join(value)

    def value_tags(self, value):
        return "; ".join(value)  # the bulk CSV's own tag separator

    def render_action(self, value, record):
        label = _("Consent link / resend") if value == Stage.WAITING else _("Checklist")
        url = reverse("connectors:onboarding-tenant", args=[record["tenant"].slug])
        return format_html('<a href="{}">{}</a>', url, label)
