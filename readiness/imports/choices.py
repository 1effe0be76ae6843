from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportFormat(models.TextChoices):
    DETAILED = "detailed", _("Detailed report (Request report)")
    EXPORT = "export", _("On-screen report Export")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PARSING = "parsing", _("Parsing")
    PREVIEW_READY = "preview_ready", _("Preview ready")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    REJECTED = "rejected", _("Rejected")  # the file said no: its content is not importable
    FAILED = "failed", _("Failed")  # the code or the database broke; the file may be fine
    DELETING = "deleting", _("Deleting")
    DELETED = "deleted", _("Deleted")


class ImportChannel(models.TextChoices):
    WEB = "web", _("Upload")
    CLI = "cli", _("Command line")
    INBOX = "inbox", _("Drop folder")


# Statuses in which a file still occupies its SHA-256 for this tenant.
LIVE_STATUSES = (ImportStatus.IMPORTING, ImportStatus.IMPORTED)
# Statuses whose work is still running: the page keeps polling.
RUNNING_STATUSES = (ImportStatus.UPLOADED, ImportStatus.PARSING, ImportStatus.IMPORTING,
                    ImportStatus.DELETING)
# An import can be deleted from any of these; a running pass must finish first.
DELETABLE_STATUSES = (ImportStatus.PREVIEW_READY, ImportStatus.IMPORTED, ImportStatus.REJECTED,
                      ImportStatus.FAILED)
