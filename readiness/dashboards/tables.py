"""django-tables2 tables: each declares only its special columns; all are sortable."""

from __future__ import annotations

from datetime import date

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from readiness.connectors.choices import Health
from readiness.dashboards import charts
from readiness.dashboards.selectors import today
from readiness.inventory.models import Mailbox
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
from readiness.usage.readiness import PortfolioState


def _nulls_last(queryset, field: str, is_descending: bool):
    expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(
        nulls_last=True)
    return queryset.order_by(expression, "pk"), True


def _due_text(day: date | None) -> str:
    if day is None:
        return "—"
    left = (day - today()).days
    return f"{day:%-d %b %Y} ({left} days left)" if left >= 0 else f"{day:%-d %b %Y} (passed)"


class PortfolioTable(tables.Table):
    name = tables.LinkColumn("dashboards:tenant", args=[tables.A("slug")])
    readiness_state = tables.Column("State")
    score = tables.Column("Score", accessor="usage_rollup__score", default="—")
    basic_senders = tables.Column("Basic senders (30 d)",
                                  accessor="usage_rollup__basic_senders_30d", default="—")
    basic_7d = tables.Column("Basic messages (7 d)", accessor="usage_rollup__basic_messages_7d",
                             default="—")
    trend = tables.Column("Basic trend (14 d)", accessor="usage_rollup__basic_messages_14d_trend",
                          orderable=False, exclude_from_export=True, default="")
    basic_possible = tables.Column("Mailboxes Basic possible",
                                   accessor="usage_rollup__mailboxes_basic_possible", default="—")
    next_milestone = tables.Column("Next milestone", accessor="internal_target_date",
                                   empty_values=())
    data_through = tables.Column("Data through", accessor="usage_rollup__last_day_by_source",
                                 orderable=False, default="no data")
    last_ingest_at = tables.Column("Last good ingest", default="never")
    health = tables.Column("Connection", accessor="connection__health", default="Not connected")

    class Meta:
        model = Tenant
        fields = ("name",)
        sequence = ("name", "readiness_state", "score", "basic_senders", "basic_7d", "trend",
                    "basic_possible", "next_milestone", "data_through", "last_ingest_at",
                    "health")
        order_by = ("name",)

    def __init__(self, *args, global_milestone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.global_milestone = global_milestone

    def render_readiness_state(self, value):
        return format_html('<span class="badge state-badge state-{}">{}</span>', value,
                           PortfolioState.LABELS.get(value, value))

    def value_readiness_state(self, value):
        return PortfolioState.LABELS.get(value, value)

    def render_trend(self, value):
        return mark_safe(charts.sparkline_svg(value or []))  # noqa: S308 (numbers only)

    def _milestone_of(self, record):
        candidates = [(record.internal_target_date, record.internal_target_title)]
        if self.global_milestone:
            candidates.append((self.global_milestone.date, self.global_milestone.display_title))
        candidates = [c for c in candidates if c[0]]
        return min(candidates) if candidates else (None, "")

    def render_next_milestone(self, record):
        day, title = self._milestone_of(record)
        if day is None:
            return "—"
        return format_html('<span title="{}">{}</span>', title, _due_text(day))

    def value_next_milestone(self, record):
        day, title = self._milestone_of(record)
        return f"{day} {title}" if day else ""

    def order_next_milestone(self, queryset, is_descending):
        return _nulls_last(queryset, "internal_target_date", is_descending)

    def render_data_through(self, value):
        return max(value.values()) if value else "no data"

    def value_data_through(self, value):
        return max(value.values()) if value else ""

    def render_last_ingest_at(self, value):
        # Plain formatting: DateTimeColumn renders a template per cell (slow on 1,000 rows).
        return dateformat.format(value, "j M Y H:i")

    def render_health(self, value):
        return Health(value).label if value in Health.values else value

    def order_score(self, queryset, is_descending):
        return _nulls_last(queryset, "usage_rollup__score", is_descending)


ROLLUP_COLUMNS = ("basic_30d", "oauth_30d", "signins_30d")


class SenderTable(tables.Table):
    select = tables.CheckBoxColumn(accessor="pk", attrs={
        "input": {"form": "bulk-form", "name": "sender_ids"},
        "th__input": {"form": "bulk-form", "aria-label": "select all"}},
        exclude_from_export=True)
    address = tables.Column()
    mailbox_state = tables.Column("Mailbox state", accessor="mailbox__effective_state",
                                  default="no mailbox")
    basic_30d = tables.Column("Basic msgs (30 d)", accessor="rollup__basic_messages_30d",
                              default=0)
    oauth_30d = tables.Column("OAuth msgs (30 d)", accessor="rollup__oauth_messages_30d",
                              default=0)
    signins_30d = tables.Column("Basic sign-ins (30 d)", accessor="rollup__basic_signins_30d",
                                default=0)
    client_ips = tables.Column("Client IPs", accessor="first_ip", default="—")
    owner = tables.Column("Owner", accessor="owner_label", order_by=(
        "owner_user__username", "owner_name", "owner_email"), default="unowned")
    ticket = tables.Column("Ticket (due)", accessor="ticket_due", empty_values=())

    class Meta:
        model = Sender
        fields = ("select", "address", "display_name", "mailbox_state", "last_basic_day",
                  "basic_30d", "oauth_30d", "signins_30d", "client_ips", "owner", "status",
                  "device_type", "ticket")
        order_by = ("-basic_30d",)
        attrs = {"class": "table table-sm table-hover align-middle sender-table"}

    def __init__(self, *args, tenant=None, **kwargs):
        self.tenant = tenant  # before super(): the default ordering already needs it
        super().__init__(*args, **kwargs)

    def render_address(self, value, record):
        url = reverse("dashboards:sender", args=[self.tenant.slug, record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_address(self, value):
        return value

    def render_mailbox_state(self, value, record):
        return format_html('<span class="state-{}">{}</span>', value,
                           record.mailbox.get_effective_state_display())

    def value_mailbox_state(self, value):
        return value

    def render_client_ips(self, record):
        ips = sorted({o.client_ip for o in record.observations.all() if o.client_ip})
        return ", ".join(ips[:3]) + (f" (+{len(ips) - 3})" if len(ips) > 3 else "") or "—"

    def value_client_ips(self, record):
        return " ".join(sorted({o.client_ip for o in record.observations.all() if o.client_ip}))

    def render_ticket(self, record):
        if not record.ticket_title:
            return "—"
        return format_html("{}<br><small>{}</small>", record.ticket_title,
                           _due_text(record.ticket_due))

    def value_ticket(self, record):
        return f"{record.ticket_title} {record.ticket_due or ''}".strip() if record.ticket_title \
            else ""

    def order_ticket(self, queryset, is_descending):
        return _nulls_last(queryset, "ticket_due", is_descending)

    def _by_rollup(self, queryset, field: str, is_descending: bool):
        # Naming the rollup's own tenant and ordering by (figure, sender) in one
        # direction lets PostgreSQL walk SenderRollup's (tenant, figure, sender) index
        # instead of sorting every sender. Every sender has a rollup row (see rollups).
        order = [F(f"rollup__{field}"), F("rollup__sender_id")]
        order = [o.desc() if is_descending else o.asc() for o in order]
        return queryset.filter(rollup__tenant=self.tenant).order_by(*order), True

    def order_basic_30d(self, queryset, is_descending):
        return self._by_rollup(queryset, "basic_messages_30d", is_descending)

    def order_oauth_30d(self, queryset, is_descending):
        return self._by_rollup(queryset, "oauth_messages_30d", is_descending)

    def order_signins_30d(self, queryset, is_descending):
        return self._by_rollup(queryset, "basic_signins_30d", is_descending)

    def order_client_ips(self, queryset, is_descending):
        return _nulls_last(queryset, "first_ip", is_descending)


# The columns a user may hide with the column chooser (?columns=...).
SENDER_OPTIONAL_COLUMNS = [name for name in SenderTable.Meta.fields
                           if name not in ("select", "address")]


class MailboxTable(tables.Table):
    effective_state = tables.Column("Effective state")
    effective_reason = tables.Column("Why")

    class Meta:
        model = Mailbox
        fields = ("address", "display_name", "recipient_type", "smtp_auth", "effective_state",
                  "effective_reason", "authentication_policy", "synced_at")
        order_by = ("address",)

    def render_effective_state(self, value, record):
        return format_html('<span class="state-{}">{}</span>', record.effective_state, value)

    def value_effective_state(self, value):
        return value
