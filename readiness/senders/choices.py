from django.db import models


class SenderStatus(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    MIGRATED = "migrated", "Migrated"
    VERIFIED = "verified", "Verified"
    REGRESSED = "regressed", "Regressed"
    EXCEPTION = "exception", "Exception"
    WONT_FIX = "wont_fix", "Won't fix"


class DeviceType(models.TextChoices):
    PRINTER = "printer", "Printer / MFD"
    SCANNER = "scanner", "Scanner"
    LOB_APP = "lob_app", "Line-of-business app"
    SCRIPT = "script", "Script"
    MONITORING = "monitoring", "Monitoring"
    APPLIANCE = "appliance", "Appliance (NAS, firewall, backup)"
    ERP_CRM = "erp_crm", "ERP / CRM"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class MigrationPath(models.TextChoices):
    UNDECIDED = "", "Undecided"
    OAUTH_SMTP = "oauth_smtp", "OAuth SMTP (XOAUTH2)"
    GRAPH_SENDMAIL = "graph_sendmail", "Graph sendMail"
    HVE = "hve", "High Volume Email"
    ACS_EMAIL = "acs_email", "Azure Communication Services Email"
    CONNECTOR_RELAY = "connector_relay", "Connector relay (port 25 to the MX)"
    ONPREM_RELAY = "onprem_relay", "On-premises Exchange relay"
    THIRD_PARTY_RELAY = "third_party_relay", "Third-party relay"
    RETIRE = "retire", "Retire the sender"
    EXCEPTION = "exception", "Accepted exception"


class OAuthSupport(models.TextChoices):
    YES = "yes", "Yes"
    FIRMWARE = "firmware", "With a firmware update"
    PARTIAL = "partial", "Some models or versions only"
    CHECK = "check", "Check the vendor's per-model list"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class TicketPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting", "Waiting"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ExceptionKind(models.TextChoices):
    """What an exception keeps alive; every kind carries an approver, a reason and an expiry."""

    STATUS = "status", "Sender accepted as an exception"
    KEEP_SMTP_AUTH = "keep_smtp_auth", "Mailbox keeps SMTP AUTH on"
    KEEP_BASIC = "keep_basic", "Mailbox keeps Basic SMTP via an authentication policy"


class TicketEventKind(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    ASSIGNED = "assigned", "Assigned"
    COMMENTED = "commented", "Commented"


class BulkAction(models.TextChoices):
    SET_OWNER = "set_owner", "Set owner"
    SET_TEAM = "set_team", "Set team"
    SET_DEVICE_TYPE = "set_device_type", "Set device type"
    SET_MIGRATION_PATH = "set_migration_path", "Set migration path"
    TRANSITION = "transition", "Change status"
    CREATE_TICKET = "create_ticket", "Create ticket / assign to user"


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
