from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from readiness.connectors.choices import Cloud, CredentialKind, Health
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
    def is_configured(self) -> bool:
        return bool(self.directory_id and self.client_id and self.credential_kind != "none")

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
