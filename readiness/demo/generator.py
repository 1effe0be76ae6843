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
from dataclasses import dataclass, field, replace
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
BLOCKED_BY_CA = (53003, "Access has been blocked by Conditional Access policies.")
# Migrated senders switch before this share of the period: their Basic use ends more than
# 30 days before today, so a mailbox blocked today contradicts no traffic in the window.
MIGRATE_BEFORE = 0.6
# Deliberate conflicts (docs/domain.md, "Demo data"): a Basic sender whose mailbox was
# given a blocking authentication policy while it still sends. Every other mailbox's
# state agrees with its traffic.
DELIBERATE_CONFLICT = {
    "kovar-tisk": "skener2",
    "northwind": "skener2",
}
CONFLICT_STORY = ("deliberate: the 'Block Basic Auth' policy was assigned to this mailbox "
                  "while its scanner still sends with Basic")
# A printer that was cut over and keeps trying Basic: the breakage watch's demo.
DELIBERATE_BREAKAGE = {"fabrikam": "tiskarna2"}
# Users whose UPN is not their primary address (sign-ins must join on the user id).
UPN_DIFFERS = {"backup"}


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
    upn: str = ""  # Get-User UserPrincipalName; empty: the primary address

    @property
    def user_principal_name(self) -> str:
        return self.upn or self.address


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
    conflict: str = ""  # why this sender's mailbox deliberately contradicts its traffic
    breaks_on: int | None = None  # day index from which a cut-over device fails Basic


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

    @property
    def deliberate_conflicts(self) -> dict[str, str]:
        """Sender address -> why its configuration contradicts its traffic."""
        return {s.address: s.conflict for s in self.senders if s.conflict}

    def mailbox(self, address: str) -> DemoMailbox | None:
        return next((m for m in self.mailboxes if m.address == address), None)

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
        policies=policies, conditional_access=_conditional_access(profile, mailboxes),
        mailboxes=mailboxes, senders=senders,
        start=today - timedelta(days=days - 1), today=today, seed=seed,
    )


def _policies(domain: str) -> list[DemoPolicy]:
    base = f"CN=Auth Policies,CN={domain},CN=Microsoft Exchange,CN=Services,CN=Configuration"
    return [
        DemoPolicy("Block Basic Auth", f"CN=Block Basic Auth,{base}", False),
        DemoPolicy("Allow Basic SMTP", f"CN=Allow Basic SMTP,{base}", True),
    ]


def _conditional_access(profile: dict, mailboxes: list[DemoMailbox]) -> list[dict]:
    """The tenant-wide legacy block (enforced once the migration is done), plus the
    policies that look like blocks but do not cover SMTP AUTH for sure (gate 4): one on
    Exchange ActiveSync only, and one on a single scanner that spares the office's trusted
    IPs (the classic case: that mailbox is unknown, never "OAuth only")."""
    def policy(name, state, conditions):
        return {"id": _guid(profile["slug"], "ca", name), "displayName": name, "state": state,
                "conditions": {"applications": {"includeApplications": ["All"]},
                               "users": {"includeUsers": ["All"]}, **conditions},
                "grantControls": {"operator": "OR", "builtInControls": ["block"]}}

    done = profile["progress"] >= 1.0
    policies = [
        policy("Block legacy authentication",
               "enabled" if done else "enabledForReportingButNotEnforced",
               {"clientAppTypes": ["exchangeActiveSync", "other"]}),
        policy("Block ActiveSync basic", "enabled", {"clientAppTypes": ["exchangeActiveSync"]}),
    ]
    scanner = next((m for m in mailboxes if m.address.startswith("skener1@")), None)
    if scanner is not None and not done:
        policies.append(policy("Block legacy outside the office", "enabled", {
            "clientAppTypes": ["other"],
            "users": {"includeUsers": [scanner.object_id]},
            "locations": {"includeLocations": ["All"], "excludeLocations": ["AllTrusted"]}}))
    return policies


def _senders(rng: random.Random, profile: dict, days: int) -> list[DemoSender]:
    senders = []
    for kind_index, kind in enumerate(SENDER_KINDS):
        local, label, dtype, vendor, model, share, volume = kind
        copies = 3 if local in {"skener", "tiskarna"} else 1
        for n in range(1, copies + 1):
            name = f"{local}{n}" if copies > 1 else local
            # Security defaults block Basic for everyone: nobody there can still use it.
            migrated = rng.random() < profile["progress"] or profile["sec_defaults"]
            migrate_on = int(days * rng.uniform(0.1, MIGRATE_BEFORE)) if migrated else None
            conflict = DELIBERATE_CONFLICT.get(profile["slug"]) == name
            if conflict:
                migrate_on = None  # it still sends with Basic: that is the conflict
            breaks = DELIBERATE_BREAKAGE.get(profile["slug"]) == name
            senders.append(DemoSender(
                address=f"{name}@{profile['domain']}", display_name=label.format(n=n),
                device_type=dtype, vendor=vendor, model=model,
                client_ip=f"203.0.113.{10 + kind_index * 4 + n}",
                tls_version="TLS1_0" if local in {"erp", "crm"} else "TLS1_2",
                messages_per_day=max(1, int(volume * rng.uniform(0.6, 1.4))),
                basic_share_start=share, migrate_on=migrate_on,
                conflict=CONFLICT_STORY if conflict else "",
                breaks_on=days - 5 if breaks else None,
            ))
    return senders


def _mailboxes(rng: random.Random, profile: dict, count: int, senders: list[DemoSender],
               policies: list[DemoPolicy]) -> list[DemoMailbox]:
    boxes = []
    for sender in senders:
        mailbox = _mailbox(rng, sender.address, sender.display_name, "SharedMailbox",
                           policies, profile, sender.migrate_on is not None)
        boxes.append(_coherent(mailbox, sender, policies, profile))
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


def _coherent(mailbox: DemoMailbox, sender: DemoSender, policies: list[DemoPolicy],
              profile: dict) -> DemoMailbox:
    """A sender's mailbox agrees with its traffic: one still on Basic keeps SMTP AUTH on
    and an allowing policy, unless its conflict is deliberate (then a blocking policy)."""
    local = sender.address.split("@")[0]
    upn = f"svc.{local}@{profile['slug']}.onmicrosoft.com" if local in UPN_DIFFERS else ""
    if sender.conflict:
        return replace(mailbox, smtp_auth_disabled=False, upn=upn,
                       authentication_policy=policies[0].name)
    if sender.migrate_on is None:
        return replace(mailbox, smtp_auth_disabled=False, upn=upn,
                       authentication_policy=policies[1].distinguished_name)
    return replace(mailbox, upn=upn)


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
    """Basic usage becomes sign-ins (one per ~10 messages) of the sender's mailbox user
    (its UPN and object id), plus a password spray on users' mailboxes and the failed
    attempts of a device that was cut over."""
    senders = {s.address: s for s in tenant.senders}
    boxes = {m.address: m for m in tenant.mailboxes}
    for usage in tenant.usage():
        if usage.auth_method != "basic":
            continue
        for n in range(max(1, usage.messages // 10)):
            yield _signin(tenant, boxes[usage.sender], senders[usage.sender].display_name,
                          usage.day, n, usage.client_ip, 0, "Other.")
    yield from _breakage_signins(tenant, boxes)
    rng = random.Random(f"{tenant.seed}:{tenant.slug}:spray")
    users = [m for m in tenant.mailboxes if m.address not in senders]
    for day in tenant.days[-14:]:
        for n in range(rng.randint(0, 6)):
            code, reason = rng.choice(FAILURE_CODES)
            ip = f"198.51.100.{rng.randint(1, 250)}"
            if code == 50034:  # a guessed name: no such user, no user id
                yield _signin(tenant, None, "", day, 1000 + n, ip, code, reason,
                              upn=f"admin{n}@{tenant.domain}")
            elif users:
                yield _signin(tenant, rng.choice(users), "", day, 1000 + n, ip, code, reason)


def _breakage_signins(tenant: DemoTenant, boxes: dict) -> Iterator[DemoSignIn]:
    for sender in tenant.senders:
        if sender.breaks_on is None:
            continue
        for index in range(sender.breaks_on, len(tenant.days)):
            for n in range(3):
                yield _signin(tenant, boxes[sender.address], sender.display_name,
                              tenant.days[index], 2000 + n, sender.client_ip, *BLOCKED_BY_CA)


def _signin(tenant, mailbox, display, day, n, ip, code, reason, upn="") -> DemoSignIn:
    upn = upn or mailbox.user_principal_name
    created = datetime.combine(day, time(6, 0), tzinfo=UTC) + timedelta(minutes=37 * n % 1380)
    return DemoSignIn(
        id=_guid(tenant.slug, upn, day, n), created=created, user_principal_name=upn,
        user_display_name=display, user_id=mailbox.object_id if mailbox else "",
        ip_address=ip, client_app="Authenticated SMTP", error_code=code,
        failure_reason=reason,
    )
