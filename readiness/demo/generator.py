"""Deterministic demo universe: tenants, mailboxes, senders and their daily usage.

This is the single source of demo data. `seed_demo` writes it into the database for a
quick start, and the Microsoft 365 emulator serves the very same universe over the
real APIs (sign-in logs, InvokeCommand), so the demo exercises the real connectors.
Everything is a pure function of (seed, sizes, today): no database, no clock.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

# Customer profiles the generator cycles through. `progress` is how far the tenant's
# migration has come over the period (0 = not started, 1 = done).
PROFILES = [
    {"slug": "kovar-tisk", "name": "Kovář Tisk s.r.o.", "domain": "kovartisk.cz",
     "progress": 0.15, "org_smtp_off": False, "p1": True, "role": True, "sec_defaults": False},
    {"slug": "northwind", "name": "Northwind Traders", "domain": "northwind.example",
     "progress": 0.6, "org_smtp_off": False, "p1": True, "role": True, "sec_defaults": False},
    {"slug": "fabrikam", "name": "Fabrikam Ltd", "domain": "fabrikam.example",
     "progress": 1.0, "org_smtp_off": True, "p1": True, "role": True, "sec_defaults": False},
    {"slug": "contoso-retail", "name": "Contoso Retail", "domain": "contosoretail.example",
     "progress": 0.35, "org_smtp_off": False, "p1": False, "role": True, "sec_defaults": False},
    {"slug": "adatum", "name": "Adatum Health", "domain": "adatum.example",
     "progress": 0.8, "org_smtp_off": False, "p1": True, "role": False, "sec_defaults": True},
]

# (local part, display name, device type, vendor, model, basic share at start, msgs/day)
SENDER_KINDS = [
    ("skener", "Scanner {n}", "scanner", "Canon", "imageRUNNER ADVANCE C5535", 1.0, 30),
    ("tiskarna", "Printer {n}", "printer", "HP", "LaserJet MFP M528", 1.0, 12),
    ("erp", "ERP notifications", "erp_crm", "Helios", "Helios Green", 1.0, 400),
    ("monitoring", "Monitoring alerts", "monitoring", "Zabbix", "7.0", 0.6, 80),
    ("backup", "Backup reports", "script", "Veeam", "Backup & Replication", 1.0, 6),
    ("crm", "CRM mailer", "erp_crm", "Dynamics", "CRM 2016 on-prem", 0.9, 150),
    ("faktury", "Invoicing script", "script", "in-house", "PowerShell", 1.0, 20),
]
FIRST_NAMES = ["Jana", "Petr", "Eva", "Tomáš", "Lucie", "Martin", "Anna", "Jakub", "Alex", "Sam"]
LAST_NAMES = ["Nováková", "Svoboda", "Dvořák", "Černá", "Procházka", "Smith", "Jones", "Lee"]
FAILURE_CODES = [(50126, "Error validating credentials due to invalid username or password."),
                 (50053, "Account is locked."), (50034, "The user account does not exist.")]


@dataclass(frozen=True)
class DemoPolicy:
    name: str
    distinguished_name: str
    allow_basic_auth_smtp: bool


@dataclass(frozen=True)
class DemoMailbox:
    address: str
    display_name: str
    object_id: str
    recipient_type: str  # UserMailbox, SharedMailbox, ...
    smtp_auth_disabled: bool | None  # Get-CASMailbox tri-state: None = inherit
    authentication_policy: str | None  # as Get-User returns it: name, DN or None


@dataclass(frozen=True)
class DemoSender:
    address: str
    display_name: str
    device_type: str
    vendor: str
    model: str
    client_ip: str
    tls_version: str
    messages_per_day: int
    basic_share_start: float
    migrate_on: int | None  # day index at which the sender switches to OAuth, if ever


@dataclass(frozen=True)
class DemoUsage:
    day: date
    sender: str
    auth_method: str  # basic | oauth
    messages: int
    tls_version: str
    client_ip: str


@dataclass(frozen=True)
class DemoSignIn:
    id: str
    created: datetime
    user_principal_name: str
    user_display_name: str
    user_id: str
    ip_address: str
    client_app: str
    error_code: int
    failure_reason: str


@dataclass
class DemoTenant:
    slug: str
    name: str
    domain: str
    tenant_id: str
    client_id: str
    client_secret: str
    has_p1: bool
    has_directory_role: bool
    org_smtp_auth_disabled: bool
    security_defaults: bool
    default_policy: str | None
    policies: list[DemoPolicy]
    conditional_access: list[dict]
    mailboxes: list[DemoMailbox]
    senders: list[DemoSender]
    start: date
    today: date
    seed: int
    _usage: list[DemoUsage] = field(default_factory=list, repr=False)

    @property
    def days(self) -> list[date]:
        count = (self.today - self.start).days + 1
        return [self.start + timedelta(days=i) for i in range(count)]

    def usage(self) -> list[DemoUsage]:
        if not self._usage:
            self._usage = list(_usage_for(self))
        return self._usage

    def signins(self, start: datetime, end: datetime) -> list[DemoSignIn]:
        """Basic SMTP sign-ins in [start, end], newest first, as Graph returns them."""
        events = [e for e in _signins_for(self) if start <= e.created <= end]
        return sorted(events, key=lambda e: e.created, reverse=True)


def _guid(*parts: object) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def build_universe(*, seed: int = 42, tenants: int = 3, mailboxes: int = 40, days: int = 90,
                   today: date | None = None) -> list[DemoTenant]:
    """The demo tenants. `today` defaults to the real date so the demo looks current."""
    today = today or datetime.now(tz=UTC).date()
    return [_tenant(seed, index, mailboxes, days, today) for index in range(tenants)]


def _tenant(seed: int, index: int, mailbox_count: int, days: int, today: date) -> DemoTenant:
    profile = dict(PROFILES[index % len(PROFILES)])
    if index >= len(PROFILES):
        profile["slug"] = f"{profile['slug']}-{index}"
        profile["name"] = f"{profile['name']} #{index}"
        profile["domain"] = f"t{index}.{profile['domain']}"
    rng = random.Random(f"{seed}:{index}")
    policies = _policies(profile["domain"])
    senders = _senders(rng, profile, days)
    mailboxes = _mailboxes(rng, profile, mailbox_count, senders, policies)
    return DemoTenant(
        slug=profile["slug"], name=profile["name"], domain=profile["domain"],
        tenant_id=_guid(seed, "tenant", index), client_id=_guid(seed, "app", index),
        client_secret=f"demo-secret-{profile['slug']}",
        has_p1=profile["p1"], has_directory_role=profile["role"],
        org_smtp_auth_disabled=profile["org_smtp_off"],
        security_defaults=profile["sec_defaults"],
        default_policy=policies[0].name if profile["progress"] >= 0.5 else None,
        policies=policies, conditional_access=_conditional_access(profile),
        mailboxes=mailboxes, senders=senders,
        start=today - timedelta(days=days - 1), today=today, seed=seed,
    )


def _policies(domain: str) -> list[DemoPolicy]:
    base = f"CN=Auth Policies,CN={domain},CN=Microsoft Exchange,CN=Services,CN=Configuration"
    return [
        DemoPolicy("Block Basic Auth", f"CN=Block Basic Auth,{base}", False),
        DemoPolicy("Allow Basic SMTP", f"CN=Allow Basic SMTP,{base}", True),
    ]


def _conditional_access(profile: dict) -> list[dict]:
    block = {
        "id": _guid(profile["slug"], "ca"), "displayName": "Block legacy authentication",
        "state": "enabledForReportingButNotEnforced",
        "conditions": {"clientAppTypes": ["exchangeActiveSync", "other"]},
        "grantControls": {"operator": "OR", "builtInControls": ["block"]},
    }
    if profile["progress"] >= 1.0:
        block["state"] = "enabled"
    return [block]


def _senders(rng: random.Random, profile: dict, days: int) -> list[DemoSender]:
    senders = []
    for kind_index, kind in enumerate(SENDER_KINDS):
        local, label, dtype, vendor, model, share, volume = kind
        copies = 3 if local in {"skener", "tiskarna"} else 1
        for n in range(1, copies + 1):
            name = f"{local}{n}" if copies > 1 else local
            migrated = rng.random() < profile["progress"]
            migrate_on = int(days * rng.uniform(0.1, 0.9)) if migrated else None
            senders.append(DemoSender(
                address=f"{name}@{profile['domain']}", display_name=label.format(n=n),
                device_type=dtype, vendor=vendor, model=model,
                client_ip=f"203.0.113.{10 + kind_index * 4 + n}",
                tls_version="TLS1_0" if local in {"erp", "crm"} else "TLS1_2",
                messages_per_day=max(1, int(volume * rng.uniform(0.6, 1.4))),
                basic_share_start=share, migrate_on=migrate_on,
            ))
    return senders


def _mailboxes(rng: random.Random, profile: dict, count: int, senders: list[DemoSender],
               policies: list[DemoPolicy]) -> list[DemoMailbox]:
    boxes = []
    for sender in senders:
        boxes.append(_mailbox(rng, sender.address, sender.display_name, "SharedMailbox",
                              policies, profile, sender.migrate_on is not None))
    for i in range(max(0, count - len(senders))):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        address = f"{_ascii(first)}.{_ascii(last)}{i}@{profile['domain']}".lower()
        boxes.append(_mailbox(rng, address, f"{first} {last}", "UserMailbox", policies,
                              profile, rng.random() < profile["progress"]))
    return boxes


def _mailbox(rng, address, display_name, rtype, policies, profile, migrated) -> DemoMailbox:
    # The tri-state mix: most inherit, some explicitly enabled, some disabled.
    roll = rng.random()
    if migrated and roll < 0.5:
        switch: bool | None = True
    elif roll < 0.2:
        switch = False
    else:
        switch = None
    policy_roll = rng.random()
    if policy_roll < 0.15:
        policy = policies[1].distinguished_name  # referenced by DN
    elif policy_roll < 0.3:
        policy = policies[0].name
    else:
        policy = None
    return DemoMailbox(address=address, display_name=display_name,
                       object_id=_guid(profile["slug"], address), recipient_type=rtype,
                       smtp_auth_disabled=switch, authentication_policy=policy)


def _ascii(text: str) -> str:
    table = str.maketrans("áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ", "acdeeinorstuuyzACDEEINORSTUUYZ")
    return text.translate(table)


def _usage_for(tenant: DemoTenant) -> Iterator[DemoUsage]:
    for sender in tenant.senders:
        rng = random.Random(f"{tenant.seed}:{tenant.slug}:{sender.address}")
        for index, day in enumerate(tenant.days):
            yield from _sender_day(rng, sender, index, day)


def _sender_day(rng: random.Random, sender: DemoSender, index: int, day: date):
    # Weekends are quiet and some days are missing entirely, as real devices are.
    weekend = day.weekday() >= 5
    if rng.random() < 0.05:
        return
    volume = int(sender.messages_per_day * (0.2 if weekend else 1) * rng.uniform(0.5, 1.5))
    if volume <= 0:
        return
    migrated = sender.migrate_on is not None and index >= sender.migrate_on
    share = 0.0 if migrated else sender.basic_share_start
    basic = round(volume * share)
    for method, count in (("basic", basic), ("oauth", volume - basic)):
        if count > 0:
            yield DemoUsage(day, sender.address, method, count, sender.tls_version,
                            sender.client_ip)


def _signins_for(tenant: DemoTenant) -> Iterator[DemoSignIn]:
    """Basic usage becomes sign-ins (one per ~10 messages), plus a password spray."""
    names = {s.address: s.display_name for s in tenant.senders}
    for usage in tenant.usage():
        if usage.auth_method != "basic":
            continue
        for n in range(max(1, usage.messages // 10)):
            yield _signin(tenant, usage.sender, names[usage.sender], usage.day, n,
                          usage.client_ip, 0, "Other.")
    rng = random.Random(f"{tenant.seed}:{tenant.slug}:spray")
    for day in tenant.days[-14:]:
        for n in range(rng.randint(0, 6)):
            code, reason = rng.choice(FAILURE_CODES)
            victim = rng.choice(tenant.mailboxes).address
            yield _signin(tenant, victim, "", day, 1000 + n, f"198.51.100.{rng.randint(1, 250)}",
                          code, reason)


def _signin(tenant, upn, display, day, n, ip, code, reason) -> DemoSignIn:
    created = datetime.combine(day, time(6, 0), tzinfo=UTC) + timedelta(minutes=37 * n % 1380)
    return DemoSignIn(
        id=_guid(tenant.slug, upn, day, n), created=created, user_principal_name=upn,
        user_display_name=display, user_id=_guid(tenant.slug, "user", upn), ip_address=ip,
        client_app="Authenticated SMTP", error_code=code, failure_reason=reason,
    )
