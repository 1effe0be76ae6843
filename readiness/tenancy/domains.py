"""Whose mail is this? The wrong-tenant rule for report files and senders.

A report file exported in one Microsoft 365 tenant and uploaded to another would add
foreign senders, lower the wrong tenant's score and hand out `Set-CASMailbox` lines for
mailboxes that tenant does not own. Every sender of an SMTP AUTH report sends from a
mailbox of the tenant, so its domain is one of the tenant's domains (or a subdomain).

The rule (docs/domain.md, "Wrong-tenant files"):
- the tenant has no known domains -> "cannot check" (said, never blocked);
- most of the file's distinct sender domains are not the tenant's -> stop, unless the
  person importing explicitly overrides (recorded in the audit log);
- otherwise go on; senders on foreign domains are still marked foreign.

Naming the tenant a foreign domain belongs to is itself information about another
customer: it is named only to someone who may see that tenant (an MSP admin, or a
member of both); everyone else reads "another tenant".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from readiness.tenancy import scoping
from readiness.tenancy.models import Tenant, TenantDomain

OK, UNCHECKED, FOREIGN = "ok", "unchecked", "foreign"
LISTED = 10  # foreign domains named in a message (the largest first)


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower().rstrip(".")


def is_own_domain(domain: str, own: Iterable[str]) -> bool:
    """The domain or a parent of it is the tenant's (mail.contoso.cz is contoso.cz's)."""
    domain = domain.lower()
    return any(domain == d or domain.endswith("." + d) for d in own)


def is_foreign_address(address: str, own: frozenset[str]) -> bool:
    """True only when the tenant's domains are known and the address is on none of them."""
    return bool(own) and not is_own_domain(domain_of(address), own)


@dataclass(frozen=True)
class DomainCheck:
    """What a file's senders say about whose file it is. Plain data: stored in the preview."""

    status: str
    domains: int = 0
    foreign: dict[str, int] = field(default_factory=dict)  # domain -> senders

    @property
    def stops(self) -> bool:
        return self.status == FOREIGN

    def as_dict(self) -> dict:
        return {"status": self.status, "domains": self.domains, "foreign": self.foreign}

    @classmethod
    def from_dict(cls, data: dict | None) -> DomainCheck | None:
        if not data:
            return None
        return cls(data.get("status", OK), int(data.get("domains", 0)),
                   {str(k): int(v) for k, v in (data.get("foreign") or {}).items()})


def domain_rule(addresses: Iterable[str], own: frozenset[str]) -> DomainCheck:
    """Pure: the verdict for a file's sender addresses against the tenant's domains."""
    per_domain: dict[str, int] = {}
    for address in addresses:
        d = domain_of(address)
        per_domain[d] = per_domain.get(d, 0) + 1
    if not own:
        return DomainCheck(UNCHECKED, len(per_domain))
    foreign = {d: n for d, n in sorted(per_domain.items()) if not is_own_domain(d, own)}
    status = FOREIGN if len(foreign) * 2 > len(per_domain) else OK
    return DomainCheck(status, len(per_domain), foreign)


def tenant_domain_names(tenant: Tenant) -> frozenset[str]:
    return frozenset(TenantDomain.objects.for_tenant(tenant).values_list("name", flat=True))


def file_domain_check(*, tenant: Tenant, addresses: Iterable[str]) -> DomainCheck:
    return domain_rule(addresses, tenant_domain_names(tenant))


def foreign_owners(*, tenant: Tenant, domains: Iterable[str], user=None) -> list[str]:
    """Names of our other tenants that own these domains, as this user may learn them.

    user=None is the command line (an operator with the whole database): names are
    shown. A tenant the user cannot see is "another tenant", so a manager learns that
    the file is someone else's without learning whose.
    """
    # A file domain belongs to whoever owns it or one of its parents (mail.x.cz -> x.cz).
    candidates = {".".join(parts[i:]) for d in domains for parts in (d.lower().split("."),)
                  for i in range(len(parts) - 1)}
    owning = {row.tenant for row in TenantDomain.objects.exclude(tenant=tenant)
              .filter(name__in=candidates).select_related("tenant")}
    if not owning:
        return []
    visible = set(scoping.visible_tenants(user).filter(pk__in=[t.pk for t in owning])
                  .values_list("pk", flat=True)) if user is not None else {t.pk for t in owning}
    labels = sorted({t.name for t in owning if t.pk in visible})
    if len(labels) < len(owning):
        labels.append(_("another tenant"))
    return labels


def domain_check_message(check: DomainCheck, owners: list[str]) -> str:
    """The sentence the upload page, the preview and the command line all show."""
    if check.status == UNCHECKED:
        return _("This tenant has no known domains, so the file's sender domains cannot be "
                 "checked: connect Microsoft 365 or add the tenant's domains by hand.")
    listed = _foreign_listed(check)
    if check.status == OK:
        return _("Senders on domains that are not this tenant's: %(listed)s.") % {
            "listed": listed} if listed else ""
    whose = _(" These domains belong to %(owners)s.") % {
        "owners": _(" and ").join(owners)} if owners else ""
    return _("Most of this file's sender domains are not this tenant's: %(listed)s.%(whose)s "
             "It was probably exported from another tenant. Import it only if you are sure, "
             "with the explicit override (recorded in the audit log).") % {
                 "listed": listed, "whose": whose}


def _foreign_listed(check: DomainCheck) -> str:
    # The largest first, at most LISTED of them: a hostile file may name thousands.
    top = sorted(check.foreign.items(), key=lambda item: (-item[1], item[0]))
    listed = ", ".join(ngettext("%(domain)s (%(count)d sender)", "%(domain)s (%(count)d senders)",
                                n) % {"domain": d, "count": n} for d, n in top[:LISTED])
    if len(top) > LISTED:
        listed += _(" and %(count)d more") % {"count": len(top) - LISTED}
    return listed
