"""MSP onboarding with the shared multi-tenant app (docs/operations.md, "Connecting
Microsoft 365 tenants"): the MSP app stored once, a customer added by domain, the
admin-consent link and its callback, and what consent cannot grant.

The `state` of a consent link is signed (django.core.signing, its own salt), names the
connection and the directory it was issued for, and carries a nonce stored on that
connection. A callback is accepted only with a valid signature, the current nonce
(cleared on first use: a replay is refused) and the directory Microsoft reports being
the one expected (a Global Administrator signed into another tenant is refused)."""

from __future__ import annotations

import csv
import io
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import requests
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from readiness.connectors.choices import AppSource, Cloud, Consent
from readiness.connectors.endpoints import endpoints_for
from readiness.connectors.errors import ConnectorError, TransientError
from readiness.connectors.graph import GraphClient
from readiness.connectors.models import MspApp, TenantConnection
from readiness.connectors.probe import PROBE_RETRY, connection_test
from readiness.connectors.services import DIRECTORY_TAKEN, REAL_SOURCES, _guid
from readiness.core.http import session_new
from readiness.ingestion.services import schedule_ensure
from readiness.ingestion.tasks import ingest_tenant
from readiness.tenancy.audit import audit_record
from readiness.tenancy.models import Tenant
from readiness.tenancy.services import tags_clean, tenant_tags_replace

STATE_SALT = "readiness.connectors.consent-state"
STATE_MAX_AGE = timedelta(days=30)
GLOBAL_READER_ROLE_ID = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"  # Entra built-in template id
ONBOARDING_TRIGGER = "onboarding"  # IngestRun.triggered_by of a first ingest
BULK_MAX_LINES = 1000  # customers per uploaded file
LOOKUP_THREADS = 8  # concurrent OpenID lookups of a bulk file
# A DNS name: labels of letters, digits and inner hyphens, a last label of letters (or
# punycode). Anything else never reaches the URL path of the discovery request.
DOMAIN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
                    r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ConsentRefused(Exception):
    """A consent callback that must not change anything (forged, replayed, mismatched)."""


# --- The MSP app ----------------------------------------------------------------------


@transaction.atomic
def msp_app_save(*, client_id: str, client_secret: str = "", certificate_key: str = "",
                 certificate: str = "", thumbprint: str = "", actor=None,
                 source: str = "web") -> MspApp:
    """Store the MSP's multi-tenant app once. Empty credential fields keep the stored one."""
    app = MspApp.current()
    app.client_id = _guid(client_id, "client_id")
    if client_secret and certificate_key:
        raise ValidationError(_("Enter a client secret or a certificate, not both."))
    if client_secret:
        app.set_client_secret(client_secret.strip())
    elif certificate_key:
        if not (certificate or thumbprint):
            raise ValidationError({"certificate": _("A certificate key needs the certificate "
                                                    "(PEM) or its thumbprint.")})
        app.set_certificate(private_key_pem=certificate_key, certificate_pem=certificate,
                            thumbprint=thumbprint.replace(":", "").strip())
    if not app.is_configured:
        raise ValidationError(_("Enter a client secret or a certificate."))
    app.save()
    after = {"client_id": app.client_id, "credential_kind": app.credential_kind}
    if client_secret or certificate_key:
        after["credential"] = "replaced"  # never the value
    audit_record(actor=actor, tenant=None, action="msp_app.save", obj=app, before={},
                 after=after, source=source)
    return app


# --- Directory discovery --------------------------------------------------------------


def domain_clean(domain: str) -> str:
    value = (domain or "").strip().lower().rstrip(".")
    if not DOMAIN.match(value):
        raise ValidationError({"domain": _("%(domain)r is not a domain name (for example "
                                           "contoso.cz).") % {"domain": domain}})
    return value


def directory_discover(*, domain: str, cloud: str = Cloud.GLOBAL) -> str:
    """The directory (tenant) id that answers for `domain`, from its OpenID configuration
    at the configured login endpoint; ValidationError when no directory does."""
    domain = domain_clean(domain)
    login = endpoints_for(cloud=cloud).login
    url = f"{login}/{domain}/v2.0/.well-known/openid-configuration"
    try:
        response = session_new().get(url, timeout=15)
    except requests.RequestException as exc:
        raise ValidationError({"domain": _("The login service at %(login)s could not be "
                                           "reached to look %(domain)s up: %(error)s")
                               % {"login": login, "domain": domain, "error": exc}}) from exc
    found = None
    if response.status_code == 200:
        try:
            issuer = str(response.json().get("issuer") or "")
        except ValueError:
            issuer = ""
        found = GUID.search(issuer.lower())
    if found is None:
        raise ValidationError({"domain": _("No Microsoft 365 directory answers for %(domain)s. "
                                           "Check the spelling, or use a domain the customer "
                                           "has verified in Microsoft 365.")
                               % {"domain": domain}})
    return found.group(0)


def directories_discover(*, domains: list[str]) -> dict[str, str | ValidationError]:
    """Each domain's directory, or why not, looked up LOOKUP_THREADS at a time: a file of
    300 customers is 300 round trips to the login service, which must not be waited
    for one after the other. HTTP only (no database work in the threads)."""
    language = translation.get_language()  # the language is per thread: carry it over

    def one(domain: str) -> str | ValidationError:
        with translation.override(language):
            try:
                return directory_discover(domain=domain)
            except ValidationError as exc:
                return exc

    unique = list(dict.fromkeys(domains))
    with ThreadPoolExecutor(max_workers=LOOKUP_THREADS) as pool:
        return dict(zip(unique, pool.map(one, unique), strict=True))


# --- Adding a customer ----------------------------------------------------------------


@dataclass(frozen=True)
class NewCustomer:
    domain: str
    name: str = ""
    tags: tuple[str, ...] = ()
    report_only: bool = False


def _slug_for(domain: str) -> str:
    base = slugify(domain.replace(".", "-"))[:50] or "tenant"
    slug, n = base, 2
    while Tenant.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def customer_resolve(*, customer: NewCustomer, discovered: str | ValidationError | None = None
                     ) -> str:
    """The customer's directory, refused when unknown or already connected here.
    `discovered`: the lookup's outcome when it was already made (a bulk file)."""
    tags_clean(customer.tags)  # refused now, with its line, not half way through a file
    if isinstance(discovered, ValidationError):
        raise discovered
    directory = discovered or directory_discover(domain=customer.domain)
    if TenantConnection.objects.filter(directory_id__iexact=directory).exists():
        raise ValidationError({"domain": f"{customer.domain}: {DIRECTORY_TAKEN}"})
    return directory


def customer_create(*, customer: NewCustomer, directory_id: str, actor=None,
                    source: str = "web") -> Tenant:
    """The tenant, waiting for consent to the shared app (directory already resolved)."""
    domain = domain_clean(customer.domain)
    tenant = Tenant(name=(customer.name or domain).strip()[:200], slug=_slug_for(domain),
                    primary_domain=domain)
    tenant.full_clean()
    tenant.save()
    if customer.tags:
        tenant_tags_set(tenant=tenant, tags=customer.tags)
    connection = TenantConnection(tenant=tenant, directory_id=directory_id,
                                  app_source=AppSource.SHARED, consent=Consent.WAITING)
    _nonce_renew(connection)
    try:
        with transaction.atomic():
            connection.save()
    except IntegrityError:  # another request connected that directory meanwhile
        raise ValidationError({"domain": f"{domain}: {DIRECTORY_TAKEN}"}) from None
    audit_record(actor=actor, tenant=tenant, action="tenant.onboard", obj=connection,
                 before={}, after={"domain": domain, "directory_id": directory_id,
                                   "app": "shared"}, source=source)
    return tenant


def customer_add(*, customer: NewCustomer, actor=None, source: str = "web") -> Tenant:
    if customer.report_only:
        return report_only_create(customer=customer, actor=actor, source=source)
    directory = customer_resolve(customer=customer)
    with transaction.atomic():
        return customer_create(customer=customer, directory_id=directory, actor=actor,
                               source=source)


@transaction.atomic
def report_only_create(*, customer: NewCustomer, actor=None, source: str = "web") -> Tenant:
    """A customer tracked from uploaded reports alone: no connection, no consent."""
    domain = domain_clean(customer.domain)
    tenant = Tenant(name=(customer.name or domain).strip()[:200], slug=_slug_for(domain),
                    primary_domain=domain, report_only=True)
    tenant.full_clean()
    tenant.save()
    if customer.tags:
        tenant_tags_set(tenant=tenant, tags=customer.tags)
    audit_record(actor=actor, tenant=tenant, action="tenant.onboard", obj=tenant, before={},
                 after={"domain": domain, "report_only": True}, source=source)
    return tenant


def customers_add(*, customers: list[tuple[int, NewCustomer]], actor=None,
                  source: str = "web") -> list[Tenant]:
    """All or nothing: every line is resolved first; any problem rejects the whole lot
    with every failing line named (line numbers as the file counts them)."""
    if len(customers) > BULK_MAX_LINES:
        raise ValidationError(_("The file names %(count)d domains; at most %(max)d at a time.")
                              % {"count": len(customers), "max": BULK_MAX_LINES})
    lookups = directories_discover(domains=[c.domain for _line, c in customers])
    errors, resolved, seen = [], [], {}
    for line, customer in customers:
        try:
            directory = customer_resolve(customer=customer,
                                         discovered=lookups.get(customer.domain))
            if directory in seen:
                raise ValidationError(_("%(domain)s is the same directory as line %(line)s")
                                      % {"domain": customer.domain, "line": seen[directory]})
            seen[directory] = line
            resolved.append((customer, directory))
        except ValidationError as exc:
            errors.append(_("line %(line)s: %(problems)s")
                          % {"line": line, "problems": "; ".join(exc.messages)})
    if errors:
        raise ValidationError(errors)
    if not resolved:
        raise ValidationError(_("The file names no domain."))
    with transaction.atomic():
        return [customer_create(customer=c, directory_id=d, actor=actor, source=source)
                for c, d in resolved]


def customers_parse(*, text: str) -> list[tuple[int, NewCustomer]]:
    """CSV with a `domain` column and optional `name` and `tags` (tags separated by ';')."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "domain" not in fields:
        raise ValidationError(_("line 1: the CSV needs a 'domain' column (optional: name, "
                                "tags)."))
    reader.fieldnames = fields
    rows = []
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        tags = tuple(t.strip() for t in values.get("tags", "").split(";") if t.strip())
        rows.append((reader.line_num, NewCustomer(domain=values.get("domain", ""),
                                                  name=values.get("name", ""), tags=tags)))
    return rows


def tenant_tags_set(*, tenant: Tenant, tags) -> None:
    tenant_tags_replace(tenant=tenant, tags=tags)


# --- The consent link and its callback ------------------------------------------------


def _nonce_renew(connection: TenantConnection) -> None:
    connection.consent_nonce = secrets.token_urlsafe(24)
    connection.consent_requested_at = timezone.now()


def consent_link_renew(*, connection: TenantConnection, actor=None) -> None:
    """A new link ("resend"): the previous one stops working."""
    _nonce_renew(connection)
    if connection.consent != Consent.GRANTED:
        connection.consent = Consent.WAITING
    connection.save(update_fields=["consent_nonce", "consent_requested_at", "consent"])
    audit_record(actor=actor, tenant=connection.tenant, action="consent.link_renew",
                 obj=connection, before={}, after={}, source="web")


def consent_state(connection: TenantConnection) -> str:
    return signing.dumps({"c": connection.pk, "d": connection.directory_id.lower(),
                          "n": connection.consent_nonce}, salt=STATE_SALT, compress=True)


def consent_link(*, connection: TenantConnection, redirect_uri: str) -> str:
    """`{login}/{directory}/adminconsent?client_id=…&redirect_uri=…&state=…` for the
    customer's Global Administrator; '' when there is nothing to consent to."""
    app = MspApp.current()
    if not (connection.uses_shared_app and connection.consent_nonce and app.client_id):
        return ""
    login = endpoints_for(cloud=connection.cloud).login
    query = urlencode({"client_id": app.client_id, "redirect_uri": redirect_uri,
                       "state": consent_state(connection)})
    return f"{login}/{connection.directory_id}/adminconsent?{query}"


@dataclass(frozen=True)
class ConsentOutcome:
    tenant: Tenant
    granted: bool
    message: str


def consent_callback(*, params: dict) -> ConsentOutcome:
    """Check the callback's `state` and directory; record consent (or its refusal).
    ConsentRefused changes nothing, except that a validly signed state is used up."""
    outcome = _callback_apply(params=params)
    if isinstance(outcome, ConsentRefused):
        raise outcome  # after the transaction committed the used-up nonce
    return outcome


@transaction.atomic
def _callback_apply(*, params: dict) -> ConsentOutcome | ConsentRefused:
    try:
        payload = signing.loads(params.get("state", ""), salt=STATE_SALT,
                                max_age=STATE_MAX_AGE)
    except signing.BadSignature:
        return ConsentRefused("This consent link is not valid (its state is forged, damaged "
                              "or older than 30 days). Ask your provider for a new link.")
    connection = (TenantConnection.objects.select_for_update().select_related("tenant")
                  .filter(pk=payload.get("c"), app_source=AppSource.SHARED).first())
    if (connection is None or not connection.consent_nonce
            or not secrets.compare_digest(str(payload.get("n", "")), connection.consent_nonce)):
        return ConsentRefused("This consent link was already used or replaced by a newer "
                              "one. Ask your provider for a new link.")
    connection.consent_nonce = ""  # single use, whatever the outcome below
    expected = connection.directory_id.lower()
    reported = str(params.get("tenant", "")).strip().lower()
    if payload.get("d") != expected or reported != expected:
        connection.consent_message = (f"Consent came back from directory {reported or '?'}, "
                                      f"not from the customer's directory {expected}.")
        connection.save(update_fields=["consent_nonce", "consent_message"])
        _audit_consent(connection, "refused", connection.consent_message)
        return ConsentRefused(
            f"Consent was given in directory {reported or '(none)'}, but this link is for "
            f"directory {expected}. Sign in as a Global Administrator of the right tenant "
            "and ask your provider for a new link.")
    granted = params.get("admin_consent", "").lower() == "true" and not params.get("error")
    connection.consent = Consent.GRANTED if granted else Consent.DENIED
    connection.consented_at = timezone.now() if granted else None
    connection.consent_message = "" if granted else (
        str(params.get("error_description") or params.get("error") or "")[:500])
    connection.save(update_fields=["consent_nonce", "consent", "consented_at",
                                   "consent_message"])
    _audit_consent(connection, connection.consent, connection.consent_message)
    return ConsentOutcome(connection.tenant, granted, connection.consent_message)


def _audit_consent(connection, outcome: str, message: str) -> None:
    audit_record(actor=None, tenant=connection.tenant, action="consent.callback",
                 obj=connection, before={}, after={"outcome": outcome, "message": message},
                 source="web")


def first_ingest_schedule(*, tenant: Tenant) -> list[str]:
    """Schedules for both sources, and an ingest now for each that never succeeded.
    Not a scheduled ingest: after "Check again" it must run even though the failed first
    try (role still missing) already moved the schedule's next run hours ahead."""
    started = []
    for source in REAL_SOURCES:
        schedule = schedule_ensure(tenant=tenant, source=source)
        if schedule.last_success_at is None:
            started.append(source)
            transaction.on_commit(
                lambda s=source: ingest_tenant.delay(tenant.pk, s, ONBOARDING_TRIGGER))
    return started


# --- After consent: test, learn the organisation, first ingest ------------------------


def consent_followup(*, tenant: Tenant) -> dict:
    """Run the connection test; when Graph answers, read the organisation's display name
    and verified domains and start the first ingest. Returns the probe's result."""
    connection = TenantConnection.objects.get(tenant=tenant)
    result = connection_test(connection=connection)
    by_key = {c["key"]: c["status"] for c in result["checks"]}
    if by_key.get("graph_token") == "ok":
        organization_learn(connection=connection)
        first_ingest_schedule(tenant=tenant)
    return result


def organization_learn(*, connection: TenantConnection) -> None:
    """The organisation's name and verified domains, as Graph knows them. A missing
    permission leaves them empty: the checklist already says what is missing."""
    graph = GraphClient(connection=connection, retry=PROBE_RETRY)
    try:
        org = (graph.get(f"{graph.base}/v1.0/organization?$select=id,displayName",
                         needs="Directory.Read.All").get("value") or [{}])[0]
        domains = graph.get(f"{graph.base}/v1.0/domains", needs="Directory.Read.All")
    except (ConnectorError, TransientError):
        return
    verified = sorted(str(d.get("id")) for d in domains.get("value") or []
                      if d.get("isVerified") and d.get("id"))
    connection.organization_name = str(org.get("displayName") or "")[:200]
    connection.verified_domains = verified[:500]
    connection.save(update_fields=["organization_name", "verified_domains"])
    tenant = connection.tenant
    if connection.organization_name and tenant.name == tenant.primary_domain:
        tenant.name = connection.organization_name  # the MSP gave no name: use Microsoft's
        tenant.save(update_fields=["name"])


# --- What consent cannot grant --------------------------------------------------------


def checklist(*, connection: TenantConnection) -> list[dict]:
    """One item per thing still missing after consent, with the command that fixes it."""
    checks = {c["key"]: c for c in (connection.permissions or {}).get("checks", [])}
    client = connection.effective_client_id
    directory = connection.directory_id
    items = []
    if checks.get("exchange_role", {}).get("status") == "missing":
        items.append({"key": "exchange_role", "label": "Global Reader role for the app "
                      "(the Exchange admin API needs a directory role; consent cannot "
                      "assign one)", "command": (
                          f"Connect-MgGraph -TenantId {directory} -Scopes "
                          "RoleManagement.ReadWrite.Directory; "
                          "New-MgRoleManagementDirectoryRoleAssignment -PrincipalId "
                          f"(Get-MgServicePrincipal -Filter \"appId eq '{client}'\").Id "
                          f"-RoleDefinitionId {GLOBAL_READER_ROLE_ID} -DirectoryScopeId '/'")})
    if checks.get("entra_p1", {}).get("status") == "missing":
        items.append({"key": "entra_p1", "label": "Entra ID P1 licence (sign-in logs); "
                      "without it, import the Exchange admin center's SMTP AUTH reports",
                      "command": (f"Connect-MgGraph -TenantId {directory} -Scopes "
                                  "Organization.Read.All; Get-MgSubscribedSku | Where-Object "
                                  "{ $_.ServicePlans.ServicePlanName -contains 'AAD_PREMIUM' }")})
    for key in ("AuditLog.Read.All", "Directory.Read.All", "Policy.Read.All",
                "Exchange.ManageAsApp"):
        if checks.get(key, {}).get("status") == "missing":
            items.append({"key": key, "label": f"Permission {key} is not granted: the "
                          "customer's admin grants it again with the consent link",
                          "command": "consent-link"})
    for key in ("graph_token", "exchange_token"):
        if checks.get(key, {}).get("status") == "missing":
            items.append({"key": key, "label": checks[key]["label"] + ": "
                          + (checks[key].get("detail") or checks[key].get("fix") or ""),
                          "command": "consent-link"})
    return items
