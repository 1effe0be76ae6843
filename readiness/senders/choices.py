from django.db import models
from django.utils.translation import gettext_lazy as _


class SenderStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    MIGRATED = "migrated", _("Migrated")
    VERIFIED = "verified", _("Verified")
    REGRESSED = "regressed", _("Regressed")
    EXCEPTION = "exception", _("Exception")
    WONT_FIX = "wont_fix", _("Won't fix")


class DeviceType(models.TextChoices):
    PRINTER = "printer", _("Printer / MFD")
    SCANNER = "scanner", _("Scanner")
    LOB_APP = "lob_app", _("Line-of-business app")
    SCRIPT = "script", _("Script")
    MONITORING = "monitoring", _("Monitoring")
    APPLIANCE = "appliance", _("Appliance (NAS, firewall, backup)")
    ERP_CRM = "erp_crm", _("ERP / CRM")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class MigrationPath(models.TextChoices):
    UNDECIDED = "", _("Undecided")
    OAUTH_SMTP = "oauth_smtp", _("OAuth SMTP (XOAUTH2)")
    GRAPH_SENDMAIL = "graph_sendmail", _("Graph sendMail")
    HVE = "hve", _("High Volume Email")
    ACS_EMAIL = "acs_email", _("Azure Communication Services Email")
    CONNECTOR_RELAY = "connector_relay", _("Connector relay (port 25 to the MX)")
    ONPREM_RELAY = "onprem_relay", _("On-premises Exchange relay")
    THIRD_PARTY_RELAY = "third_party_relay", _("Third-party relay")
    RETIRE = "retire", _("Retire the sender")
    EXCEPTION = "exception", _("Accepted exception")


class OAuthSupport(models.TextChoices):
    YES = "yes", _("Yes")
    FIRMWARE = "firmware", _("With a firmware update")
    PARTIAL = "partial", _("Some models or versions only")
    CHECK = "check", _("Check the vendor's per-model list")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class TicketPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ExceptionKind(models.TextChoices):
    """What an exception keeps alive; every kind carries an approver, a reason and an expiry."""

    STATUS = "status", _("Sender accepted as an exception")
    KEEP_SMTP_AUTH = "keep_smtp_auth", _("Mailbox keeps SMTP AUTH on")
    KEEP_BASIC = "keep_basic", _("Mailbox keeps Basic SMTP via an authentication policy")


class TicketEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    ASSIGNED = "assigned", _("Assigned")
    COMMENTED = "commented", _("Commented")


class BulkAction(models.TextChoices):
    SET_OWNER = "set_owner", _("Set owner")
    SET_TEAM = "set_team", _("Set team")
    SET_DEVICE_TYPE = "set_device_type", _("Set device type")
    SET_MIGRATION_PATH = "set_migration_path", _("Set migration path")
    TRANSITION = "transition", _("Change status")
    CREATE_TICKET = "create_ticket", _("Create ticket / assign to user")


_S = SenderStatus
# The status machine. A pair not listed here is refused with a reason. VERIFIED and
# REGRESSED are reached only by workflow_evaluate (SYSTEM_ONLY): a person cannot
# declare a sender verified, because "no data is not proof".
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.NEW: frozenset({_S.TRIAGED, _S.ASSIGNED, _S.IN_PROGRESS, _S.EXCEPTION, _S.WONT_FIX}),
    _S.TRIAGED: frozenset({_S.ASSIGNED, _S.IN_PROGRESS, _S.EXCEPTION, _S.WONT_FIX}),
    _S.ASSIGNED: frozenset({_S.TRIAGED, _S.IN_PROGRESS, _S.MIGRATED, _S.EXCEPTION,
                            _S.WONT_FIX}),
    _S.IN_PROGRESS: frozenset({_S.ASSIGNED, _S.MIGRATED, _S.EXCEPTION, _S.WONT_FIX}),
    _S.MIGRATED: frozenset({_S.IN_PROGRESS, _S.VERIFIED, _S.REGRESSED}),
    _S.VERIFIED: frozenset({_S.REGRESSED}),
    _S.REGRESSED: frozenset({_S.TRIAGED, _S.ASSIGNED, _S.IN_PROGRESS, _S.MIGRATED,
                             _S.EXCEPTION, _S.WONT_FIX}),
    _S.EXCEPTION: frozenset({_S.TRIAGED, _S.IN_PROGRESS, _S.MIGRATED}),
    _S.WONT_FIX: frozenset({_S.TRIAGED}),
}
SYSTEM_ONLY_STATUSES = frozenset({_S.VERIFIED, _S.REGRESSED})
# Where a sender counts as "off Basic" and Basic usage after the change re-opens it.
WATCHED_STATUSES = frozenset({_S.MIGRATED, _S.VERIFIED})
# Statuses that count as "done" for the readiness score: the sender needs no further work.
SCORE_DONE_STATUSES = frozenset({_S.MIGRATED, _S.VERIFIED, _S.EXCEPTION})
# A ticket in one of these is still open (overdue reminders, the portfolio's counts).
OPEN_TICKET_STATUSES = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.WAITING)
