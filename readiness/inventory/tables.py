"""django-tables2 tables: each declares only its special columns; all are sortable."""

from collections.abc import Callable

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from readiness.core.tables import CONFLICT_BADGE, RowEvidence, WhenColumn
from readiness.inventory.models import Mailbox
from readiness.inventory.resolver import Policy, find_policy
from readiness.inventory.selectors import mailbox_reasons

REASON_PREVIEW = 60  # characters of "Why" shown before "more"


def policy_name(reference: str, policies) -> str:
    """Get-User returns a policy's name or its distinguished name: show the name. A DN
    of a policy we have not read shows its first component's value (CN=Name,...)."""
    if not reference:
        return "—"
    policy = find_policy(reference, policies)
    if policy is not None:
        return policy.name
    if reference[:3].upper() == "CN=":
        first, _sep, _rest = reference[3:].replace("\\,", "\0").partition(",")
        return first.replace("\0", ",")
    return reference

# The mailbox page shows the Basic evidence beside the state, but the evidence (sign-ins,
# usage) sits a layer above inventory: readiness.usage registers its reader here when it
# loads (UsageConfig.ready), as connectors register their ingest sources.
# reader(tenant, start, end, mailboxes) -> {pk: (text, note, conflict summary or "")}
EVIDENCE_READERS: list[Callable] = []

class MailboxTable(RowEvidence, tables.Table):
    address = tables.Column(_("Address"))
    display_name = tables.Column(_("Display name"))
    recipient_type = tables.Column(_("Recipient type"))
    smtp_auth = tables.Column(_("SMTP AUTH switch"))
    effective_state = tables.Column(_("Effective state"))
    effective_reason = tables.Column(_("Why"))
    evidence = tables.Column(_("Basic SMTP AUTH sign-ins (30 d)"), empty_values=(),
                             orderable=False)
    authentication_policy = tables.Column(_("Authentication policy"))
    synced_at = WhenColumn(verbose_name=_("Read"))

    class Meta:
        model = Mailbox
        fields = ("address", "display_name", "recipient_type", "smtp_auth", "effective_state",
                  "effective_reason", "evidence", "authentication_policy", "synced_at")
        order_by = ("address",)

    def __init__(self, *args, tenant=None, policies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.policies = [Policy(name=p.name, distinguished_name=p.distinguished_name)
                         for p in policies]
        self._reasons: dict[int, str] | None = None

    def _reason(self, record, stored: str) -> str:
        """The reason in the reader's language: the stored one was written by a background
        recompute in the default language, so the rows on show are re-resolved."""
        if self.tenant is None:
            return stored
        if self._reasons is None:
            rows = self.paginated_rows if hasattr(self, "page") else self.rows
            self._reasons = mailbox_reasons(tenant=self.tenant,
                                            mailboxes=[row.record for row in rows])
        return self._reasons.get(record.pk, stored)

    def render_address(self, value, record):
        # The sender page, where the work happens (not a mailto: link).
        sender_id = getattr(record, "sender_id", None)
        if sender_id and self.tenant is not None:
            url = reverse("senders:sender", args=[self.tenant.slug, sender_id])
            return format_html('<a href="{}">{}</a>', url, value)
        return value

    def value_address(self, value):
        return value

    def evidence_read(self, records):
        start, end = self.period()
        if not EVIDENCE_READERS or self.tenant is None:
            return {}
        return EVIDENCE_READERS[0](tenant=self.tenant, start=start, end=end, mailboxes=records)

    def _conflict(self, record) -> str:
        return (self.evidence_of(record) or ("", "", ""))[2]

    def render_effective_state(self, value, record):
        html = format_html('<span class="state-{}">{}</span>', record.effective_state, value)
        conflict = self._conflict(record)
        if conflict:
            html += format_html(CONFLICT_BADGE, conflict)
        return html

    def value_effective_state(self, value, record):
        return f"{value} (conflict)" if self._conflict(record) else value

    def render_evidence(self, record):
        text, note, _conflict = self.evidence_of(record) or ("no sign-in data", "", "")
        return format_html("{}{}", text, format_html("<br><small>{}</small>", note)
                           if note else "")

    def value_evidence(self, record):
        return (self.evidence_of(record) or ("no sign-in data",))[0]

    def render_effective_reason(self, value):
        # Long reasons made the page 5,500 px tall for 40 mailboxes: a one-line preview,
        # the full text on demand (and on hover).
        if len(value) <= REASON_PREVIEW:
            return value
        return format_html(
            '<details class="reason"><summary title="{}">{}…</summary>{}</details>',
            value, value[:REASON_PREVIEW].rstrip(), value)

    def value_effective_reason(self, value):
        return value

    def render_authentication_policy(self, value):
        return policy_name(value, self.policies)

    def value_authentication_policy(self, value):
        return policy_name(value, self.policies)
