from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    HELPDESK = "helpdesk", _("Helpdesk")
    MANAGER = "manager", _("Tenant manager")


class Capability(models.TextChoices):
    """What a request wants to do; each role grants a set of capabilities."""

    VIEW = "view", _("Read the tenant's data")
    WORK = "work", _("Work tickets, ownership and status")
    MANAGE = "manage", _("Manage credentials, imports, settings and the workflow")


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.VIEWER: frozenset({Capability.VIEW}),
    Role.HELPDESK: frozenset({Capability.VIEW, Capability.WORK}),
    Role.MANAGER: frozenset({Capability.VIEW, Capability.WORK, Capability.MANAGE}),
}


class AuditSource(models.TextChoices):
    """Where a change came from; every audit_record call names one."""

    WEB = "web", _("Web")
    API = "api", _("API")
    CLI = "cli", _("Command line")
    TASK = "task", _("Background task")
    ADMIN = "admin", _("Admin site")
    DEMO = "demo", _("Demo data")
