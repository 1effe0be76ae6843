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


# Statuses in which a sender no longer counts as "still to migrate".
DONE_STATUSES = frozenset({SenderStatus.MIGRATED, SenderStatus.VERIFIED, SenderStatus.WONT_FIX})


class DeviceType(models.TextChoices):
    PRINTER = "printer", "Printer / MFD"
    SCANNER = "scanner", "Scanner"
    LOB_APP = "lob_app", "Line-of-business app"
    SCRIPT = "script", "Script"
    MONITORING = "monitoring", "Monitoring"
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
