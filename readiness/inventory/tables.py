"""django-tables2 tables: each declares only its special columns; all are sortable."""

from collections.abc import Callable

import django_tables2 as tables
from django.utils.html import format_html

from readiness.core.tables import CONFLICT_BADGE, RowEvidence
from readiness.inventory.models import Mailbox

# The mailbox page shows the Basic evidence beside the state, but the evidence (sign-ins,
# usage) sits a layer above inventory: readiness.usage registers its reader here when it
# loads (UsageConfig.ready), as connectors register their ingest sources.
# reader(tenant, start, end, mailboxes) -> {pk: (text, note, conflict summary or "")}
EVIDENCE_READERS: list[Callable] = []


class MailboxTable(RowEvidence, tables.Table):
    effective_state = tables.Column("Effective state")
    effective_reason = tables.Column("Why")
    evidence = tables.Column("Basic SMTP AUTH sign-ins (30 d)", empty_values=(),
                             orderable=False)

    class Meta:
        model = Mailbox
        fields = ("address", "display_name", "recipient_type", "smtp_auth", "effective_state",
                  "effective_reason", "evidence", "authentication_policy", "synced_at")
        order_by = ("address",)

    def __init__(self, *args, tenant=None, **kwargs):
        self.tenant = tenant
        super().__init__(*args, **kwargs)

    def evidence_read(self, records):
        start, end = self.period()
        if not EVIDENCE_READERS or self.tenant is None:
            return {}
        return EVIDENCE_READERS[0](tenant=self.tenant, start=start, end=end, mailboxes=records)

    def render_effective_state(self, value, record):
        html = format_html('<span class="state-{}">{}</span>', record.effective_state, value)
        _, _, conflict = self.evidence_of(record) or ("", "", "")
        if conflict:
            html += format_html(CONFLICT_BADGE, conflict)
        return html

    def value_effective_state(self, value, record):
        _, _, conflict = self.evidence_of(record) or ("", "", "")
        return f"{value} (conflict)" if conflict else value

    def render_evidence(self, record):
        text, note, _ = self.evidence_of(record) or ("no sign-in data", "", "")
        return format_html("{}{}", text, format_html("<br><small>{}</small>", note)
                           if note else "")

    def value_evidence(self, record):
        return (self.evidence_of(record) or ("no sign-in data",))[0]
