from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    HELPDESK = "helpdesk", "Helpdesk"
    MANAGER = "manager", "Tenant manager"


class Capability(models.TextChoices):
    """What a request wants to do; each role grants a set of capabilities."""

    VIEW = "view", "Read the tenant's data"
    WORK = "work", "Work tickets, ownership and status"
    MANAGE = "manage", "Manage credentials, imports, settings and the workflow"


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.VIEWER: frozenset({Capability.VIEW}),
    Role.HELPDESK: frozenset({Capability.VIEW, Capability.WORK}),
    Role.MANAGER: frozenset({Capability.VIEW, Capability.WORK, Capability.MANAGE}),
}


class AuditSource(models.TextChoices):
    """Where a change came from; every audit_record call names one."""

    WEB = "web", "Web"
    API = "api", "API"
    CLI = "cli", "Command line"
    TASK = "task", "Background task"
    ADMIN = "admin", "Admin site"
    DEMO = "demo", "Demo data"
