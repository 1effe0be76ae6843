from django.db import models


class ReportFormat(models.TextChoices):
    DETAILED = "detailed", "Detailed report (Request report)"
    EXPORT = "export", "On-screen report Export"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    PARSING = "parsing", "Parsing"
    PREVIEW_READY = "preview_ready", "Preview ready"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    REJECTED = "rejected", "Rejected"  # the file said no: its content is not importable
    FAILED = "failed", "Failed"  # the code or the database broke; the file may be fine
    DELETING = "deleting", "Deleting"
    DELETED = "deleted", "Deleted"


class ImportChannel(models.TextChoices):
    WEB = "web", "Upload"
    CLI = "cli", "Command line"
    INBOX = "inbox", "Drop folder"


# Statuses in which a file still occupies its SHA-256 for this tenant.
LIVE_STATUSES = (ImportStatus.IMPORTING, ImportStatus.IMPORTED)
# Statuses whose work is still running: the page keeps polling.
RUNNING_STATUSES = (ImportStatus.UPLOADED, ImportStatus.PARSING, ImportStatus.IMPORTING,
                    ImportStatus.DELETING)
# An import can be deleted from any of these; a running pass must finish first.
DELETABLE_STATUSES = (ImportStatus.PREVIEW_READY, ImportStatus.IMPORTED, ImportStatus.REJECTED,
                      ImportStatus.FAILED)
