"""django-tables2 tables: each declares only its special columns; all are sortable."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from readiness.core.tables import headers
from readiness.inventory.models import Mailbox
from readiness.inventory.selectors import mailbox_reasons


@headers(address=_("Address"),
         display_name=_("Display name"),
         recipient_type=_("Recipient type"),
         smtp_auth=_("SMTP AUTH switch"),
         authentication_policy=_("Authentication policy"),
         synced_at=_("Synced"))
class MailboxTable(tables.Table):
    effective_state = tables.Column(_("Effective state"))
    effective_reason = tables.Column(_("Why"))

    class Meta:
        model = Mailbox
        fields = ("address", "display_name", "recipient_type", "smtp_auth", "effective_state",
                  "effective_reason", "authentication_policy", "synced_at")
        order_by = ("address",)

    def __init__(self, *args, tenant=None, **kwargs):
        self.tenant = tenant
        self._reasons: dict[int, str] | None = None
        super().__init__(*args, **kwargs)

    def _reason(self, record, stored: str) -> str:
        """The reason in the reader's language (re-resolved for the rows on show)."""
        if self.tenant is None:
            return stored
        if self._reasons is None:
            rows = self.paginated_rows if hasattr(self, "page") else self.rows
            self._reasons = mailbox_reasons(tenant=self.tenant,
                                            mailboxes=[row.record for row in rows])
        return self._reasons.get(record.pk, stored)

    def render_effective_reason(self, value, record):
        return self._reason(record, value)

    def value_effective_reason(self, value, record):
        return self._reason(record, value)

    def render_effective_state(self, value, record):
        return format_html('<span class="state-{}">{}</span>', record.effective_state, value)

    def value_effective_state(self, value):
        return value
