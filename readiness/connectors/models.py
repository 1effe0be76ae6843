from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from readiness.connectors.choices import AppSource, Cloud, Consent, CredentialKind, Health
from readiness.core import crypto
from readiness.tenancy.models import Tenant, TenantOwnedQuerySet


class TenantConnection(models.Model):
    """How we reach one customer tenant: app registration and an encrypted credential.

    Secret values are write-only: they are set through `set_client_secret()` /
    `set_certificate()` and only the connectors read them back, to hand them to msal.
    """

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="connection")
    # The one place the directory id lives; unique across tenants (see Meta).
    directory_id = models.CharField("directory (tenant) ID", max_length=64, blank=True)
    client_id = models.CharField("application (client) ID", max_length=64, blank=True)
    # SHARED: the MSP's multi-tenant app (MspApp) stands in for client id and credential;
    # tokens are still requested against this connection's directory, into its own cache.
    app_source = models.CharField(max_length=8, choices=AppSource.choices,
                                  default=AppSource.OWN)
    consent = models.CharField(max_length=8, choices=Consent.choices, blank=True,
                               default=Consent.NOT_NEEDED)
    # The one consent link that is valid now (its `state` carries this nonce); cleared
    # when a callback uses it, so a replayed callback is refused.
    consent_nonce = models.CharField(max_length=64, blank=True, editable=False)
    consent_requested_at = models.DateTimeField(null=True, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    consent_message = models.TextField(blank=True)
    # What Graph said after consent (organisation display name, verified domains).
    organization_name = models.CharField(max_length=200, blank=True)
    verified_domains = models.JSONField(default=list, blank=True)
    cloud = models.CharField(max_length=10, choices=Cloud.choices, default=Cloud.GLOBAL)
    credential_kind = models.CharField(
        max_length=12, choices=CredentialKind.choices, default=CredentialKind.NONE
    )
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    certificate_key_encrypted = models.TextField(blank=True, editable=False)
    certificate_pem = models.TextField(blank=True)
    certificate_thumbprint = models.CharField(max_length=64, blank=True)
    health = models.CharField(max_length=10, choices=Health.choices, default=Health.NEVER)
    has_entra_p1 = models.BooleanField(null=True, blank=True,
                                       help_text=_("None until a sign-in read tells."))
    permissions = models.JSONField(default=dict, blank=True)
    last_token_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # Per ingest source, why its last run failed: {"signins": {"kind": ..., "message": ...}}.
    # The kind ("missing_permission", "no_premium_license", ...) drives the status shown.
    source_errors = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantOwnedQuerySet.as_manager()

    class Meta:
        constraints = [
            # Two tenants naming one directory is how one customer reads another's data.
            models.UniqueConstraint(
                Lower("directory_id"), condition=~Q(directory_id=""),
                name="connection_unique_directory",
                violation_error_message="This directory (tenant) ID is already connected to "
                                        "another tenant here."),
        ]

    def __str__(self) -> str:
        return f"Connection for {self.tenant}"

    @property
    def uses_shared_app(self) -> bool:
        return self.app_source == AppSource.SHARED

    @property
    def is_configured(self) -> bool:
        if self.uses_shared_app:
            return bool(self.directory_id and self.consent == Consent.GRANTED
                        and MspApp.current().is_configured)
        return bool(self.directory_id and self.client_id and self.credential_kind != "none")

    @property
    def effective_client_id(self) -> str:
        return MspApp.current().client_id if self.uses_shared_app else self.client_id

    def set_client_secret(self, secret: str) -> None:
        self.client_secret_encrypted = crypto.encrypt(secret)
        self.certificate_key_encrypted = ""
        self.credential_kind = CredentialKind.SECRET

    def set_certificate(self, *, private_key_pem: str, certificate_pem: str = "",
                        thumbprint: str = "") -> None:
        self.certificate_key_encrypted = crypto.encrypt(private_key_pem)
        self.certificate_pem = certificate_pem
        self.certificate_thumbprint = thumbprint
        self.client_secret_encrypted = ""
        self.credential_kind = CredentialKind.CERTIFICATE


class MspApp(models.Model):
    """The MSP's own multi-tenant app registration, stored once (a singleton, pk=1).

    Write-only like a connection's credential: set through set_client_secret() /
    set_certificate(); only connectors.tokens reads the secret back, for msal."""

    SINGLETON = 1
    client_id = models.CharField("application (client) ID", max_length=64, blank=True)
    credential_kind = models.CharField(
        max_length=12, choices=CredentialKind.choices, default=CredentialKind.NONE
    )
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    certificate_key_encrypted = models.TextField(blank=True, editable=False)
    certificate_pem = models.TextField(blank=True)
    certificate_thumbprint = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("MSP multi-tenant app")

    def __str__(self) -> str:
        return f"MSP app {self.client_id or '(not set)'}"

    @classmethod
    def current(cls) -> MspApp:
        """The stored app, or an unsaved empty one (never creates a row by reading)."""
        return cls.objects.filter(pk=cls.SINGLETON).first() or cls(pk=cls.SINGLETON)

    @property
    def is_configured(self) -> bool:
        return bool(self.client_id and self.credential_kind != CredentialKind.NONE)

    set_client_secret = TenantConnection.set_client_secret
    set_certificate = TenantConnection.set_certificate
