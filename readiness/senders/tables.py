"""django-tables2 tables: each declares only its special columns; all are sortable."""

import django_tables2 as tables
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from readiness.core.tables import (
    CONFLICT_BADGE,
    DayColumn,
    RowEvidence,
    WhenColumn,
    due_text,
    headers,
    nulls_last,
)
from readiness.senders.choices import TicketPriority
from readiness.senders.models import DeviceModel, Sender, Ticket
from readiness.senders.selectors import (
    earliest_open_ticket,
    with_earliest_ticket,
    with_first_ip,
)
from readiness.tenancy.domains import is_foreign_address, tenant_domain_names
from readiness.usage.evidence import conflict_explain, sender_evidence
from readiness.usage.selectors import figures_known

PRIORITY_RANK = Case(
    *(When(priority=p, then=Value(rank)) for rank, p in enumerate(
        (TicketPriority.LOW, TicketPriority.NORMAL, TicketPriority.HIGH,
         TicketPriority.URGENT))),
    output_field=IntegerField(),
)


def _row_class(record):
    return "table-danger" if getattr(record, "is_overdue", False) else ""


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


class TicketTable(tables.Table):
    id = tables.Column("#", linkify=lambda record: record.get_absolute_url())
    title = tables.Column(_("Title"), linkify=lambda record: record.get_absolute_url())
    tenant = tables.Column(accessor="tenant__name", verbose_name=_("Tenant"))
    assignee = tables.Column(_("Assignee"), default=_("unassigned"))
    status = tables.Column(_("Status"))
    priority = tables.Column(_("Priority"), order_by=("priority_rank",))
    due_date = DayColumn(verbose_name=_("Due"))
    is_overdue = tables.BooleanColumn(verbose_name=_("Overdue"), yesno=_("overdue,"))
    external_id = tables.Column(_("ITSM ticket"))
    updated_by = tables.Column(verbose_name=_("Last changed by"), default="")
    updated_at = WhenColumn(verbose_name=_("Last changed"))

    def render_assignee(self, value):
        return _person(value)

    def value_assignee(self, value):
        return _person(value)

    def render_updated_by(self, value):
        return _person(value)

    def value_updated_by(self, value):
        return _person(value)

    class Meta:
        model = Ticket
        fields = ("id", "title", "tenant", "assignee", "status", "priority", "due_date",
                  "is_overdue", "external_id", "updated_by", "updated_at")
        order_by = ("due_date",)
        row_attrs = {"class": _row_class}
        empty_text = _("No tickets match.")


class TeamTicketTable(TicketTable):
    class Meta(TicketTable.Meta):
        exclude = ("tenant",)


class FigureColumn(tables.Column):
    """A 30-day figure of the sender table: "no data" (empty in exports) where no
    source of its kind covered the window (SenderTable.figure)."""

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        super().__init__(*args, default=0, **kwargs)

    def render(self, value, table):
        figure = table.figure(value, self.kind)
        if figure is None:
            return format_html('<span class="text-body-secondary" title="{}">{}</span>',
                               _("No source covered these 30 days"), _("no data"))
        return figure

    def value(self, value, table):
        return table.figure(value, self.kind)


@headers(select="",
         address=_("Address"),
         display_name=_("Display name"),
         status=_("Status"),
         device_type=_("Device type"))
class SenderTable(RowEvidence, tables.Table):
    select = tables.CheckBoxColumn(accessor="pk", attrs={
        "input": {"form": "bulk-form", "name": "sender_ids"},
        "th__input": {"form": "bulk-form", "aria-label": _("select all")}},
        exclude_from_export=True)
    address = tables.Column()
    mailbox_state = tables.Column(_("Mailbox state"), accessor="mailbox__effective_state",
                                  default=_("no mailbox"))
    basic_30d = FigureColumn(verbose_name=_("Basic msgs (30 d)"),
                             accessor="rollup__basic_messages_30d", kind="reports")
    oauth_30d = FigureColumn(verbose_name=_("OAuth msgs (30 d)"),
                             accessor="rollup__oauth_messages_30d", kind="reports")
    signins_30d = FigureColumn(verbose_name=_("Basic sign-ins (30 d)"),
                               accessor="rollup__basic_signins_30d", kind="signins")
    # client_ips, ticket and ticket_due read the page's prefetched rows (sender_queryset);
    # accessor `pk` only keeps django-tables2 from treating a cell as empty before
    # render_* runs.
    client_ips = tables.Column(_("Client IPs"), accessor="pk", empty_values=())
    last_basic_day = DayColumn(verbose_name=_("Last Basic day"))
    owner = tables.Column(_("Owner"), accessor="owner_label", order_by=(
        "owner_user__username", "owner_name", "owner_email"), default=_("unowned"))
    migration_path = tables.Column(_("Migration path"))
    # One value per column: the ticket's title and its due day apart (sort and filter
    # them separately in Excel).
    ticket = tables.Column(_("Ticket"), accessor="pk", empty_values=())
    ticket_due = DayColumn(verbose_name=_("Ticket due"), accessor="pk", empty_values=())

    class Meta:
        model = Sender
        fields = ("select", "address", "display_name", "mailbox_state", "last_basic_day",
                  "basic_30d", "oauth_30d", "signins_30d", "client_ips", "owner", "status",
                  "migration_path", "device_type", "ticket", "ticket_due")
        order_by = ("-basic_30d",)
        attrs = {"class": "table table-sm table-hover align-middle sender-table"}

    def __init__(self, *args, tenant=None, **kwargs):
        self.tenant = tenant  # before super(): the default ordering already needs it
        self._known = None  # FiguresKnown, read when the first zero is shown
        # One query per page: senders on another tenant's domain are marked foreign.
        self.own_domains = tenant_domain_names(tenant) if tenant is not None else frozenset()
        super().__init__(*args, **kwargs)

    def render_address(self, value, record):
        url = reverse("senders:sender", args=[self.tenant.slug, record.pk])
        if record.mailbox_id is None and is_foreign_address(value, self.own_domains):
            return format_html('<a href="{}">{}</a> <span class="badge text-bg-warning" '
                               'title="not one of this tenant\'s domains">foreign domain'
                               '</span>', url, value)
        return format_html('<a href="{}">{}</a>', url, value)

    def value_address(self, value):
        return value

    def evidence_read(self, records):
        start, end = self.period()
        return sender_evidence(tenant=self.tenant, start=start, end=end, senders=records)

    def render_mailbox_state(self, record):
        # The cell's value would be the choice's label (django-tables2 shows choices by
        # label); the class names the state itself (app.css: .state-basic_possible, ...).
        html = format_html('<span class="state-{}">{}</span>', record.mailbox.effective_state,
                           record.mailbox.get_effective_state_display())
        found = self.evidence_of(record)
        if found and found[1]:
            html += format_html(CONFLICT_BADGE, conflict_explain(record.mailbox,
                                                                  found[0]).summary)
        return html

    def value_mailbox_state(self, value, record):
        found = self.evidence_of(record)
        return f"{value} (conflict)" if found and found[1] else value

    # A 30-day zero from a source that never covered those days is "no data"; which
    # sources did is read once per page, and only when a zero is shown.
    def figure(self, value, kind: str):
        """The figure, or None ("no data") for a zero no source of `kind` could know."""
        if value or self.tenant is None:
            return value or 0
        if self._known is None:
            start, end = self.period()
            self._known = figures_known(tenant=self.tenant, start=start, end=end)
        return 0 if getattr(self._known, kind) else None

    def render_client_ips(self, record):
        ips = sorted({o.client_ip for o in record.observations.all() if o.client_ip})
        return ", ".join(ips[:3]) + (f" (+{len(ips) - 3})" if len(ips) > 3 else "") or "—"

    def value_client_ips(self, record):
        return " ".join(sorted({o.client_ip for o in record.observations.all() if o.client_ip}))

    def render_migration_path(self, record):
        return record.get_migration_path_display() if record.migration_path else \
            _("Undecided")

    def value_migration_path(self, record):
        return self.render_migration_path(record)

    def render_ticket(self, record):
        ticket = earliest_open_ticket(record)
        return ticket.title if ticket else "—"

    def value_ticket(self, record):
        ticket = earliest_open_ticket(record)
        return ticket.title if ticket else ""

    def render_ticket_due(self, record):
        ticket = earliest_open_ticket(record)
        return due_text(ticket.due_date) if ticket and ticket.due_date else "—"

    def value_ticket_due(self, record):
        # The date itself: a real date in XLSX, ISO in CSV.
        ticket = earliest_open_ticket(record)
        return ticket.due_date if ticket else None

    # Sorting on the ticket columns computes them for every sender again (a subquery per
    # row): such a sort stays slower on deep pages than the default one.
    def order_ticket(self, queryset, is_descending):
        return nulls_last(with_earliest_ticket(queryset), "ticket_title", is_descending)

    def order_ticket_due(self, queryset, is_descending):
        return nulls_last(with_earliest_ticket(queryset), "ticket_due", is_descending)

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
        return nulls_last(with_first_ip(queryset), "first_ip", is_descending)


# The columns a user may hide with the column chooser (?columns=...).
SENDER_OPTIONAL_COLUMNS = [name for name in SenderTable.Meta.fields
                           if name not in ("select", "address")]


@headers(vendor=_("Vendor"), model=_("Model"), device_type=_("Device type"),
         oauth_support=_("OAuth support"), min_version=_("OAuth from version"),
         auth_flow=_("OAuth flow"), notes=_("Notes"), reviewed_on=_("Reviewed"))
class DeviceModelTable(tables.Table):
    """The device catalogue: every entry shows its source and review date."""

    evidence_url = tables.Column(_("Source"), orderable=False)
    models_covered = tables.Column(_("Models named"), orderable=False)

    class Meta:
        model = DeviceModel
        fields = ("vendor", "model", "device_type", "oauth_support", "min_version",
                  "auth_flow", "models_covered", "notes", "evidence_url", "reviewed_on")
        order_by = ("vendor",)
        empty_text = _("No catalogue entry matches.")

    def render_evidence_url(self, value):
        return format_html('<a href="{}" rel="noopener noreferrer nofollow" target="_blank">'
                           "vendor statement</a>", value)

    def value_evidence_url(self, value):
        return value

    def render_models_covered(self, value):
        return ", ".join(value)

    def value_models_covered(self, value):
        return ", ".join(value)

    def render_vendor(self, value, record):
        if record.is_generic:
            return format_html('{} <span class="badge text-bg-light">fallback</span>', value)
        return value
