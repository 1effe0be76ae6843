from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from readiness.tenancy.choices import AuditSource, Role


class TenantQuerySet(models.QuerySet):
    def for_tenant(self, tenant: Tenant) -> TenantQuerySet:
        return self.filter(pk=tenant.pk)


class TenantTag(models.Model):
    """A label an MSP puts on tenants (a team, a region, a contract tier) to filter the
    portfolio and its exports."""

    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tenant(models.Model):
    """A customer's Microsoft 365 organisation."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    # The directory (tenant) ID lives on the connection only (one place, unique).
    primary_domain = models.CharField(max_length=253, blank=True)
    verify_after_days = models.PositiveSmallIntegerField(
        default=14, help_text=_("Days without Basic usage before a migrated sender is verified.")
    )
    due_buffer_days = models.PositiveSmallIntegerField(
        default=14, help_text=_("Tickets are due this many days before the next milestone.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    tags = models.ManyToManyField(TenantTag, blank=True, related_name="tenants")
    # Tracked from uploaded SMTP AUTH reports alone: no connection is expected, and the
    # pages say which figures are missing (mailbox states, sign-ins).
    report_only = models.BooleanField(default=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantOwnedQuerySet(models.QuerySet):
    def for_tenant(self, tenant: Tenant) -> TenantOwnedQuerySet:
        return self.filter(tenant=tenant)


@cache
def _choice_labels(field: models.Field, language: str | None) -> dict:
    return {make_hashable(value): str(label) for value, label in field.flatchoices}


class TenantOwned(models.Model):
    """Base for every tenant-owned row: the tenant FK and the for_tenant() queryset."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")

    objects = TenantOwnedQuerySet.as_manager()

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        # get_<field>_display(), with each language's labels translated once per process:
        # Django's own translates every label of the field's choices on every call (it
        # hashes them, lazy strings included); tables call it for each row and column.
        value = getattr(self, field.attname)
        labels = _choice_labels(field, get_language())
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class Membership(TenantOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.tenant} · {self.get_role_display()}"


class Invitation(TenantOwned):
    """An e-mailed invitation to join a tenant (docs/security.md, "Inviting members").

    A tenant manager invites by e-mail only; whether that address already has an
    account is never shown to them. Whoever opens the link (a secret only the mailbox
    sees; stored hashed) signs in or creates an account and becomes a member.
    """

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.email} · {self.tenant} · {self.get_role_display()}"


class AuditEvent(models.Model):
    """Who changed what, when and from where. Written only through audit.audit_record."""

    tenant = models.ForeignKey(Tenant, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    source = models.CharField(max_length=20, choices=AuditSource.choices,
                              default=AuditSource.WEB)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = TenantOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="audit_tenant_time_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class ExternalIdentity(models.Model):
    """A user's identity at an external identity provider (Entra ID object ID).

    Sign-in with Microsoft finds the local user by (provider, subject) only; the
    e-mail address is used once, to create this link, and only when allowed.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="external_identities")
    provider = models.CharField(max_length=20, default="entra")
    # Entra: "<tid>:<oid>", so the same object ID in two directories never collides.
    subject = models.CharField(max_length=200)
    email = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"],
                                    name="external_identity_unique_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.provider}"


class UserSecurity(models.Model):
    """Per-user security state.

    `session_epoch` is copied into each session at sign-in; "sign out everywhere"
    bumps it, and the middleware ends any session carrying an older epoch.
    `entra_link_by_email` lets this user's first Microsoft sign-in link by e-mail.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="security")
    session_epoch = models.PositiveIntegerField(default=0)
    entra_link_by_email = models.BooleanField(
        default=False,
        help_text=_("Allow the first Microsoft sign-in to link to this user by e-mail address."),
    )
    # The UI language this user chose ("" = follow the browser); see tenancy/language.py.
    language = models.CharField(max_length=10, blank=True, default="")

    def __str__(self) -> str:
        return f"Security settings of {self.user}"


class ApiToken(models.Model):
    """An API token, stored as its SHA-256 digest: the token itself is shown once, at
    creation, and is never in the database (a leaked backup holds no usable token).
    SHA-256 without salt is enough here: tokens are 256 random bits, not passwords.
    "Sign out everywhere" deletes a user's tokens along with their sessions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text=_("The token's first characters, so a "
                                "person can tell tokens apart; not enough to use it."))
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.name or 'unnamed'})"


class TenantDomain(TenantOwned):
    """A domain the tenant's mail is sent from: read from Graph's verified domains at
    ingest, or added by hand by a manager for a tenant without a connection.

    Report files are checked against these (readiness/tenancy/domains.py): a file whose
    senders are mostly on other domains was probably exported from another tenant.
    """

    SOURCE_GRAPH, SOURCE_MANUAL = "graph", "manual"
    SOURCES = [(SOURCE_GRAPH, "Microsoft 365 (verified)"), (SOURCE_MANUAL, "Added by hand")]

    name = models.CharField(max_length=253)
    source = models.CharField(max_length=10, choices=SOURCES, default=SOURCE_MANUAL)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="tenantdomain_unique_name"),
        ]
        indexes = [models.Index(fields=["name"], name="tenantdomain_name_idx")]

    def __str__(self) -> str:
        return self.name
