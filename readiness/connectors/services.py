"""Connector services: onboarding, connection tests, and the two ingests
(sign-in logs -> usage facts; Exchange + Graph settings -> inventory snapshot)."""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from readiness.connectors.choices import AppSource, Cloud, Consent, Health
from readiness.connectors.errors import ConnectorError, Kind, NoPremiumLicense
from readiness.connectors.exchange import ExchangeClient
from readiness.connectors.graph import GraphClient
from readiness.connectors.models import TenantConnection
from readiness.connectors.transport import DEFAULT_RETRY, RetryPolicy
from readiness.core.values import address_normalize, moment_problem
from readiness.ingestion.models import IngestSchedule
from readiness.ingestion.services import schedule_ensure
from readiness.inventory.choices import SmtpAuthSwitch
from readiness.inventory.resolver import Policy, ca_legacy_blocks
from readiness.inventory.services import (
    InventorySnapshot,
    MailboxRecord,
    inventory_mark_stale,
    inventory_snapshot_apply,
)
from readiness.senders.identity import sender_mailboxes_link
from readiness.tenancy.audit import audit_record
from readiness.tenancy.models import Tenant
from readiness.tenancy.services import tenant_domains_sync, tenant_lock
from readiness.usage.services import (
    signin_coverage_record,
    signin_events_reattribute,
    signin_events_store,
    signin_usage_recompute,
)

SIGNIN_RETENTION = timedelta(days=30)
SIGNIN_OVERLAP = timedelta(hours=2)  # records arrive up to ~2 h late
REAL_SOURCES = ("signins", "exchange")


# --- Onboarding ---------------------------------------------------------------------


def _guid(value: str, label: str) -> str:
    try:
        return str(uuid.UUID(value.strip()))
    except (ValueError, AttributeError):
        raise ValidationError({label: _("This must be a GUID (like "
                                         "00000000-0000-0000-0000-000000000000), got %(value)r.")
                                       % {"value": value}}) from None


DIRECTORY_TAKEN = gettext_lazy("This directory (tenant) ID is already connected to another "
                               "tenant here. A Microsoft 365 directory can be connected to one "
                               "tenant only.")


def directory_free(*, tenant: Tenant, directory_id: str) -> str:
    """The directory id, or ValidationError when another tenant's connection holds it.
    (Without naming that tenant: its name is not this tenant manager's business.)"""
    taken = TenantConnection.objects.filter(directory_id__iexact=directory_id).exclude(
        tenant_id=tenant.pk)
    if tenant.pk is None:
        taken = TenantConnection.objects.filter(directory_id__iexact=directory_id)
    if taken.exists():
        raise ValidationError({"directory_id": DIRECTORY_TAKEN})
    return directory_id


AUDITED_CONNECTION_FIELDS = ("directory_id", "client_id", "cloud", "credential_kind",
                             "certificate_thumbprint", "app_source")


@transaction.atomic
def connection_save(*, tenant: Tenant, directory_id: str, client_id: str,
                    cloud: str = Cloud.GLOBAL, client_secret: str = "",
                    certificate_key: str = "", certificate: str = "",
                    thumbprint: str = "", actor=None, ip: str = "",
                    source: str = "web") -> TenantConnection:
    """Create or update the tenant's connection. Empty credential fields keep the stored
    credential; a new one replaces it (and forgets cached tokens for the old one).
    Audited as `connection.save`: the fields, and THAT the credential was replaced."""
    if cloud not in Cloud.values:
        raise ValidationError({"cloud": _("Choose one of %(clouds)s.")
                                         % {"clouds": ", ".join(Cloud.values)}})
    if certificate_key and not (certificate or thumbprint):
        raise ValidationError({"certificate": _("A certificate key needs the certificate "
                                                "(PEM) or its thumbprint.")})
    directory = directory_free(tenant=tenant, directory_id=_guid(directory_id, "directory_id"))
    connection, _created = TenantConnection.objects.get_or_create(tenant=tenant)
    before = _audited(connection)
    connection.directory_id = directory
    connection.client_id = _guid(client_id, "client_id")
    connection.cloud = cloud
    # Entering an app registration here means the tenant's own app, not the MSP's.
    connection.app_source, connection.consent = AppSource.OWN, Consent.NOT_NEEDED
    connection.consent_nonce = ""
    if client_secret:
        connection.set_client_secret(client_secret.strip())
    elif certificate_key:
        connection.set_certificate(private_key_pem=certificate_key, certificate_pem=certificate,
                                   thumbprint=thumbprint.replace(":", "").strip())
    connection.full_clean()
    try:
        with transaction.atomic():
            connection.save()
    except IntegrityError:  # another tenant took the directory since directory_free
        raise ValidationError({"directory_id": DIRECTORY_TAKEN}) from None
    after = _audited(connection)
    if client_secret or certificate_key:
        after["credential"] = "replaced"  # never the value, nor its ciphertext
    audit_record(actor=actor, tenant=tenant, action="connection.save", obj=connection,
                 before=before, after=after, ip=ip, source=source)
    return connection


def _audited(connection: TenantConnection) -> dict:
    return {name: getattr(connection, name) for name in AUDITED_CONNECTION_FIELDS}


@transaction.atomic
def tenant_onboard(*, slug: str, name: str, directory_id: str, client_id: str,
                   domain: str = "", cloud: str = Cloud.GLOBAL, client_secret: str = "",
                   certificate_key: str = "", certificate: str = "",
                   thumbprint: str = "", actor=None, source: str = "cli") -> Tenant:
    """Create (or update) a tenant with its connection and ingest schedules."""
    if not (client_secret or certificate_key):
        raise ValidationError(_("A client secret or a certificate key is required."))
    tenant = Tenant.objects.filter(slug=slug).first() or Tenant(slug=slug)
    tenant.name = name
    directory_free(tenant=tenant, directory_id=_guid(directory_id, "directory_id"))
    tenant.primary_domain = domain or tenant.primary_domain
    tenant.full_clean(validate_unique=True)
    tenant.save()
    connection_save(tenant=tenant, directory_id=directory_id, client_id=client_id,
                    cloud=cloud, client_secret=client_secret,
                    certificate_key=certificate_key, certificate=certificate,
                    thumbprint=thumbprint, actor=actor, source=source)
    for ingest_source in REAL_SOURCES:
        schedule_ensure(tenant=tenant, source=ingest_source)
    return tenant


def connection_for(*, tenant: Tenant) -> TenantConnection:
    connection = TenantConnection.objects.filter(tenant=tenant).first()
    if connection is None or not connection.is_configured:
        raise ConnectorError("This tenant has no Microsoft 365 connection yet: enter the "
                             "app registration on the connection page.",
                             kind=Kind.NOT_CONFIGURED)
    return connection


def source_outcome_record(*, tenant: Tenant, source: str,
                          error: ConnectorError | None) -> None:
    """Remember why a source failed (or that it no longer does) for the status shown."""
    connection = TenantConnection.objects.filter(tenant=tenant).first()
    if connection is None:
        return
    errors = dict(connection.source_errors)
    if error is None:
        errors.pop(source, None)
    else:
        errors[source] = {"kind": error.kind, "message": str(error),
                          "at": timezone.now().isoformat()}
    TenantConnection.objects.filter(pk=connection.pk).update(
        source_errors=errors, health=connection_health(errors))


FATAL_KINDS = (Kind.CREDENTIALS, Kind.CONSENT, Kind.NOT_FOUND, Kind.TENANT_MISMATCH)


def connection_health(errors: dict) -> str:
    """Healthy when every source read; failing when we cannot sign in at all; degraded
    when only some inputs are missing (no Entra ID P1, a permission, the Exchange role)."""
    if not errors:
        return Health.OK
    if any(e.get("kind") in FATAL_KINDS for e in errors.values()):
        return Health.ERROR
    return Health.DEGRADED


# --- Sign-in logs -------------------------------------------------------------------


def signin_window_start(*, watermark: datetime | None, now: datetime) -> datetime:
    """The whole retention window the first time; later, the watermark minus an overlap."""
    oldest = now - SIGNIN_RETENTION
    return oldest if watermark is None else max(oldest, watermark - SIGNIN_OVERLAP)


@functools.lru_cache(maxsize=20_000)
def _upn_normalize(upn: str) -> str:
    """address_normalize, remembered: a tenant's few thousand users sign in again and
    again, and checking each UPN afresh was a tenth of the ingest's Python time."""
    return address_normalize(upn)


def signin_parse(record: dict) -> dict | None:
    """One sign-in record, or None when it holds an impossible value (a day outside
    the plausible range, an address outside the one address rule, an absurd error
    code): such a record is skipped and counted, never stored."""
    status = record.get("status") or {}
    try:
        created = datetime.fromisoformat(str(record["createdDateTime"]).replace("Z", "+00:00"))
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        error_code = int(status.get("errorCode") or 0)
        upn = (record.get("userPrincipalName") or "").strip()
        upn = _upn_normalize(upn) if upn else ""
    except (KeyError, TypeError, ValueError, OverflowError):  # BadAddress is a ValueError
        return None
    if moment_problem(created) or not -(2**31) <= error_code < 2**31:
        return None
    return {
        "record_id": str(record["id"])[:64],
        "created_at": created,
        "user_principal_name": upn,
        "user_display_name": (record.get("userDisplayName") or "")[:256],
        "user_id": record.get("userId") or "", "ip_address": record.get("ipAddress") or "",
        "client_app": record.get("clientAppUsed") or "",
        "error_code": error_code,
        "failure_reason": (status.get("failureReason") or "")[:500],
    }


def signins_ingest(*, tenant: Tenant, schedule: IngestSchedule,
                   retry: RetryPolicy = DEFAULT_RETRY, limiter=None,
                   now: datetime | None = None, beat=lambda: None) -> dict:
    """Read Basic SMTP sign-ins since the watermark, store them, recompute their days.

    Pages are stored as they arrive (deduplicated, so a broken run loses nothing); the
    watermark moves only when every page was read, in the transaction that recomputes."""
    connection = connection_for(tenant=tenant)
    now = now or timezone.now()
    start = signin_window_start(watermark=schedule.watermark, now=now)
    client = GraphClient(connection=connection, retry=retry, limiter=limiter)
    try:
        read, skipped, days = signin_pages_store(
            tenant=tenant, pages=client.signin_pages(start=start, end=now), beat=beat)
    except NoPremiumLicense:
        TenantConnection.objects.filter(pk=connection.pk).update(has_entra_p1=False)
        raise
    with transaction.atomic():
        tenant_lock(tenant)  # the Exchange ingest may be re-attributing these days
        rows = signin_usage_recompute(tenant=tenant, days=days)
        # Every page was read: the window's days are covered, with or without traffic.
        signin_coverage_record(tenant=tenant, start=start, end=now)
        IngestSchedule.objects.filter(pk=schedule.pk).update(watermark=now)
    TenantConnection.objects.filter(pk=connection.pk).update(has_entra_p1=True)
    return {"signins_read": read, "signins_skipped": skipped,
            "days_recomputed": len(days), "usage_rows": rows,
            "window_start": start.astimezone(UTC).isoformat()}


# Events stored per transaction: five of Graph's 1,000-event pages. Each transaction has
# a fixed cost (statements, the commit); Graph serves at most five pages per 10 s anyway.
STORE_BATCH = 5000


def signin_pages_store(*, tenant: Tenant, pages, beat=lambda: None) -> tuple[int, int, set]:
    """Parse sign-in pages (lists of Graph records) and store them as they arrive,
    STORE_BATCH events a transaction; (read, skipped, UTC days touched).

    When reading fails midway the pages already read are stored before the error goes
    on: a broken run keeps everything it read (and a re-read changes nothing)."""
    days: set = set()
    batch: list[dict] = []
    read = skipped = 0

    def flush() -> None:
        chunk = batch[:]
        batch.clear()  # a chunk that fails to store is not tried twice
        if chunk:
            days.update(signin_events_store(tenant=tenant, records=chunk))

    try:
        for page in pages:
            parsed = [signin_parse(r) for r in page if r.get("id")]
            records = [r for r in parsed if r is not None]
            skipped += len(parsed) - len(records)
            read += len(records)
            batch.extend(r for r in records if r["user_principal_name"])
            if len(batch) >= STORE_BATCH:
                flush()
            beat()  # alive: the sweeper leaves this run alone
    except Exception:
        flush()
        raise
    flush()
    return read, skipped, days


# --- Exchange settings --------------------------------------------------------------


def switch_of(value) -> str:
    """Get-CASMailbox SmtpClientAuthenticationDisabled (tri-state) -> our switch."""
    if value is None:
        return SmtpAuthSwitch.INHERIT
    return SmtpAuthSwitch.DISABLED if value else SmtpAuthSwitch.ENABLED


# The properties the snapshot uses of each large cmdlet's rows (nothing else is kept).
MAILBOX_PROPERTIES = {
    "Get-CASMailbox": ("PrimarySmtpAddress", "ExternalDirectoryObjectId", "DisplayName",
                       "SmtpClientAuthenticationDisabled", "EmailAddresses"),
    "Get-Mailbox": ("PrimarySmtpAddress", "ExternalDirectoryObjectId", "RecipientTypeDetails",
                    "EmailAddresses"),
    "Get-User": ("UserPrincipalName", "ExternalDirectoryObjectId", "AuthenticationPolicy"),
}


def exchange_snapshot_read(*, connection: TenantConnection, retry: RetryPolicy = DEFAULT_RETRY,
                           beat=lambda: None) -> InventorySnapshot:
    exo = ExchangeClient(connection=connection, retry=retry)
    graph = GraphClient(connection=connection, retry=retry)
    every = {"ResultSize": "Unlimited"}

    def invoked(name: str, params: dict):
        result = exo.invoke(name, params, keep=MAILBOX_PROPERTIES.get(name, ()))
        beat()  # alive after every cmdlet: the sweeper leaves this run alone
        return result

    results = {name: invoked(name, params) for name, params in (
        ("Get-CASMailbox", every), ("Get-Mailbox", every), ("Get-User", every),
        ("Get-TransportConfig", {}), ("Get-OrganizationConfig", {}),
        ("Get-AuthenticationPolicy", {}))}
    ca_policies = graph.conditional_access_policies()
    skipped: list = []
    mailboxes = mailbox_records(results["Get-CASMailbox"].rows, results["Get-Mailbox"].rows,
                                results["Get-User"].rows, skipped=skipped)
    for name in MAILBOX_PROPERTIES:
        results[name].rows = []  # joined into `mailboxes`: let the raw rows go
    transport = (results["Get-TransportConfig"].rows or [{}])[0]
    org = (results["Get-OrganizationConfig"].rows or [{}])[0]
    return InventorySnapshot(
        smtp_client_auth_disabled=transport.get("SmtpClientAuthenticationDisabled"),
        default_authentication_policy=org.get("DefaultAuthenticationPolicy") or "",
        security_defaults_enabled=graph.security_defaults_enabled(),
        conditional_access_blocks=None if ca_policies is None else ca_legacy_blocks(
            ca_policies),
        policies=[Policy(p.get("Name") or "", p.get("DistinguishedName") or "",
                         p.get("AllowBasicAuthSmtp") is True)
                  for p in results["Get-AuthenticationPolicy"].rows if p.get("Name")],
        mailboxes=mailboxes,
        warnings=[w for result in results.values() for w in result.warnings],
        skipped_addresses=skipped,
    )


def mailbox_records(cas: list[dict], mailboxes: list[dict], users: list[dict],
                    skipped: list | None = None) -> list[MailboxRecord]:
    """Join Get-CASMailbox with Get-Mailbox (type) and Get-User (policy) on the
    directory object id, falling back to the address. A row whose address breaks the
    address rule is left out (and appended to `skipped`)."""
    def index(rows, address_key):
        by = {}
        for row in rows:
            for key in (row.get("ExternalDirectoryObjectId"), row.get(address_key)):
                if key:
                    by[_lower(key)] = row
        return by

    types, policies = index(mailboxes, "PrimarySmtpAddress"), index(users, "UserPrincipalName")
    normal = _Normalizer()
    records = []
    for row in cas:
        normal.clear()  # per row: kept for the whole read it grew with the tenant
        address = normal(row.get("PrimarySmtpAddress") or "")
        if address is None:
            if skipped is not None:
                skipped.append(row.get("PrimarySmtpAddress"))
            continue
        keys = [_lower(k) for k in (row.get("ExternalDirectoryObjectId"), address) if k]
        mailbox = next((types[k] for k in keys if k in types), {})
        user = next((policies[k] for k in keys if k in policies), {})
        records.append(MailboxRecord(
            address=address, display_name=row.get("DisplayName") or "",
            object_id=row.get("ExternalDirectoryObjectId") or "",
            recipient_type=mailbox.get("RecipientTypeDetails") or "",
            smtp_auth=switch_of(row.get("SmtpClientAuthenticationDisabled")),
            authentication_policy=user.get("AuthenticationPolicy") or "",
            proxy_addresses=proxy_addresses(row.get("EmailAddresses")
                                            or mailbox.get("EmailAddresses"), normal)))
    return records


def _lower(key) -> str:
    """The key in lower case, the very same string object when it already is (object ids
    and addresses mostly are): a copy of every key costs ~70 MB at 200,000 mailboxes."""
    key = str(key)
    lowered = key.lower()
    return key if lowered == key else lowered


class _Normalizer(dict):
    """address_normalize, or None for a bad address, each distinct text checked once
    while it lives: a row's primary address comes again as its "SMTP:" proxy."""

    def __call__(self, text: str) -> str | None:
        if text not in self:
            try:
                self[text] = address_normalize(text)
            except ValueError:  # BadAddress
                self[text] = None
        return self[text]


def proxy_addresses(values, normal=None) -> tuple[str, ...]:
    """The SMTP addresses of EmailAddresses ("SMTP:" primary, "smtp:" aliases; X500:,
    SIP: and the like are not mail addresses), normalised; malformed ones are left out."""
    normal = normal or _Normalizer()
    found = []
    for value in values if isinstance(values, list) else []:
        kind, _, address = str(value).partition(":")
        if kind.casefold() == "smtp" and (address := normal(address)) is not None:
            found.append(address)
    return tuple(dict.fromkeys(found))


def exchange_ingest(*, tenant: Tenant, retry: RetryPolicy = DEFAULT_RETRY,
                    now: datetime | None = None, beat=lambda: None) -> dict:
    """Read the settings snapshot and apply it; a failed read marks the old one stale."""
    connection = connection_for(tenant=tenant)
    try:
        snapshot = exchange_snapshot_read(connection=connection, retry=retry, beat=beat)
    except Exception as exc:
        inventory_mark_stale(tenant=tenant, warnings=[f"Last read failed: {exc}"])
        raise
    domains = GraphClient(connection=connection, retry=retry).verified_domains()
    with transaction.atomic():
        tenant_lock(tenant)  # re-attribution rewrites sign-in usage and deletes senders
        counts = inventory_snapshot_apply(tenant=tenant, snapshot=snapshot, now=now)
        if snapshot.complete:
            sender_mailboxes_link(tenant=tenant)
            counts["signins_reattributed"] = signin_events_reattribute(tenant=tenant)
        if domains is not None:  # no permission: keep what we knew
            counts["domains"] = tenant_domains_sync(tenant=tenant, domains=domains)
    # Not a warning: warnings mean "possibly incomplete" and would keep the snapshot stale.
    return {**counts, "mailboxes_skipped": len(snapshot.skipped_addresses)}
