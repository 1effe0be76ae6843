"""Whether Basic SMTP AUTH can still work for one mailbox, and why.

A pure function of the four gates (microsoft-365.md §2), evaluated in order:
  1. the SMTP AUTH protocol switch (mailbox tri-state, else the organisation's);
  2. Entra security defaults;
  3. the Exchange authentication policy (the user's own, else the org default);
  4. enabled Conditional Access policies that block "Other clients" (where SMTP AUTH
     falls) for Exchange Online; a block narrowed by location, platform, client app,
     risk, group or role may miss a device, so it makes the mailbox unknown, never
     oauth_only (reference gate 4, corrected 2026-12-01).
Gate 1 closed -> smtp_auth_off. Otherwise any of 2-4 blocking -> oauth_only (even when
gate 1 itself is unknown: Basic cannot work either way). Otherwise an input we could
not collect makes the answer unknown, never "not blocked". `extra_gates` keeps
room for the switch Microsoft will add at the end of December 2026.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from readiness.inventory.choices import EffectiveState, SmtpAuthSwitch

UNKNOWN = None  # an input that was not collected


@dataclass(frozen=True)
class Policy:
    name: str
    distinguished_name: str = ""
    allow_basic_auth_smtp: bool = False


@dataclass(frozen=True)
class Inputs:
    mailbox_switch: str  # SmtpAuthSwitch value
    org_smtp_disabled: bool | None
    security_defaults: bool | None
    user_policy: str | None  # Get-User AuthenticationPolicy: name, DN or None
    default_policy: str | None  # Get-OrganizationConfig DefaultAuthenticationPolicy
    policies: Sequence[Policy] | None  # None: Get-AuthenticationPolicy not read
    # Enabled legacy-auth blocks as ca_legacy_blocks() summarises them (a bare name is a
    # block on everyone); None: the policies could not be read.
    ca_blocking_policies: Sequence[str | dict] | None
    extra_gates: Sequence[Callable[[Inputs], tuple[str, str] | None]] = field(default=())
    mailbox_object_id: str = ""  # Entra object ID of the mailbox's user, for CA scoping


@dataclass(frozen=True)
class Verdict:
    state: str
    reason: str


def resolve(inputs: Inputs) -> Verdict:
    kind_of_protocol, protocol = _protocol_gate(inputs)
    kind = kind_of_protocol
    if kind == "closed":
        return Verdict(EffectiveState.SMTP_AUTH_OFF,
                       _("SMTP AUTH off: %(why)s") % {"why": protocol})
    blockers: list[str] = []
    unknowns: list[str] = [protocol] if kind == "unknown" else []
    allowances: list[str] = [protocol] if kind == "open" else []
    for gate in (_security_defaults_gate, _policy_gate, _conditional_access_gate,
                 *inputs.extra_gates):
        outcome = gate(inputs)
        if outcome is None:
            continue
        kind, text = outcome
        {"block": blockers, "unknown": unknowns, "allow": allowances}[kind].append(text)
    if blockers and kind_of_protocol == "open":
        return Verdict(EffectiveState.OAUTH_ONLY,
                       _("OAuth only: %(why)s") % {"why": "; ".join(blockers)})
    if blockers:
        # Basic cannot work, but with the protocol switch unread we cannot tell "OAuth
        # only" from "SMTP AUTH off" — and those need different advice.
        return Verdict(EffectiveState.UNKNOWN,
                       _("Unknown: Basic is blocked (%(blockers)s) but %(why)s")
                       % {"blockers": "; ".join(blockers), "why": protocol})
    if unknowns:
        return Verdict(EffectiveState.UNKNOWN, _("Unknown: %(why)s") % {"why": "; ".join(unknowns)})
    return Verdict(EffectiveState.BASIC_POSSIBLE,
                   _("Basic possible: %(why)s") % {"why": "; ".join(allowances)})


def _protocol_gate(inputs: Inputs) -> tuple[str, str]:
    """Gate 1: ("closed" | "open" | "unknown", why). The mailbox value wins over the org."""
    switch = inputs.mailbox_switch
    if switch == SmtpAuthSwitch.DISABLED:
        return "closed", _("disabled on the mailbox (overrides the organisation)")
    if switch == SmtpAuthSwitch.ENABLED:
        return "open", _("mailbox enables SMTP AUTH explicitly (overrides the organisation)")
    if inputs.org_smtp_disabled is None:
        return "unknown", _("mailbox inherits the organisation setting, which was not read "
                            "(Get-TransportConfig)")
    if inputs.org_smtp_disabled:
        return "closed", _("mailbox inherits the organisation setting (SMTP AUTH off)")
    return "open", _("mailbox inherits the organisation setting (SMTP AUTH on)")


def _security_defaults_gate(inputs: Inputs):
    if inputs.security_defaults is None:
        return ("unknown", _("security defaults not readable (needs Policy.Read.All)"))
    if inputs.security_defaults:
        return ("block", _("Entra security defaults block legacy authentication"))
    return None


def _policy_gate(inputs: Inputs):
    user = bool(inputs.user_policy)
    reference = inputs.user_policy if user else inputs.default_policy
    if not reference:
        return ("allow", _("no authentication policy applies"))
    if inputs.policies is None:
        text = (_("user policy “%(name)s” could not be read") if user
                else _("default policy “%(name)s” could not be read"))
        return ("unknown", text % {"name": reference})
    policy = find_policy(reference, inputs.policies)
    if policy is None:
        text = (_("user policy “%(name)s” not found among the tenant's policies") if user
                else _("default policy “%(name)s” not found among the tenant's policies"))
        return ("unknown", text % {"name": reference})
    if policy.allow_basic_auth_smtp:
        text = (_("user policy “%(name)s” allows Basic SMTP") if user
                else _("default policy “%(name)s” allows Basic SMTP"))
        return ("allow", text % {"name": policy.name})
    text = (_("user policy “%(name)s” blocks Basic SMTP (AllowBasicAuthSmtp false)") if user
            else _("default policy “%(name)s” blocks Basic SMTP (AllowBasicAuthSmtp false)"))
    return ("block", text % {"name": policy.name})


def find_policy(reference: str, policies: Sequence[Policy]) -> Policy | None:
    """Get-User may return the policy's name or its distinguished name: match both."""
    wanted = reference.strip().casefold()
    for policy in policies:
        if wanted in (policy.name.casefold(), policy.distinguished_name.casefold()):
            return policy
    return None


def _conditional_access_gate(inputs: Inputs):
    if inputs.ca_blocking_policies is None:
        return ("unknown", _("Conditional Access not readable (needs Policy.Read.All)"))
    blocking, uncertain, not_covering = [], [], []
    for block in inputs.ca_blocking_policies:
        name = block if isinstance(block, str) else block["name"]
        applies = ca_block_applies(block, inputs.mailbox_object_id)
        if applies is None:
            uncertain.append(f"'{name}' ({ca_uncertainty(block, inputs.mailbox_object_id)})")
        else:
            (blocking if applies else not_covering).append(f"'{name}'")
    if blocking:
        return ("block", _("Conditional Access %(policies)s blocks legacy clients")
                % {"policies": ", ".join(blocking)})
    if uncertain:
        return ("unknown", _("Conditional Access %(policies)s may not cover this sender: check "
                             "the sign-in log for successful Authenticated SMTP sign-ins")
                % {"policies": ", ".join(uncertain)})
    if not_covering:
        return ("allow", _("Conditional Access %(policies)s does not cover this user")
                % {"policies": ", ".join(not_covering)})
    return None


def ca_block_applies(block: str | dict, object_id: str) -> bool | None:
    """Does an enabled legacy-auth block cover this mailbox's user? None: cannot tell.

    Admins commonly exclude the scanner's service account from "Block legacy
    authentication": ignoring the exclusion would call that very sender safe. A block
    narrowed by anything we cannot evaluate per device (a location such as "all except
    trusted IPs", a platform, a client application, a risk level, a group or a role)
    may let the scanner behind the trusted IP through: never call that "OAuth only".
    """
    if isinstance(block, str):
        return True
    if object_id and object_id in block.get("exclude_users", ()):
        return False
    named_only = not block.get("include_all", True) and not block.get("group_or_role_scoped")
    if named_only and not (object_id and object_id in block.get("include_users", ())):
        return False  # only named users are included, and this one is not among them
    if ca_uncertainty(block, object_id):
        return None
    return True


def ca_uncertainty(block: dict | str, object_id: str) -> str:
    """Why a block may not cover this user's device, in words ("" when it surely does)."""
    if isinstance(block, str):
        return ""
    # Stored in English in the snapshot's JSON (marked with gettext_noop): shown translated.
    reasons = [_(reason) for reason in block.get("narrowed_by") or []]
    if block.get("group_or_role_scoped"):
        reasons.append(_("scoped by group or role, and whether it covers this user was not "
                         "read"))
    if block.get("exclude_users") and not object_id:
        reasons.append(_("excludes users, and this mailbox's user id is unknown"))
    return "; ".join(reasons)


# Office 365 Exchange Online's application id, and the groupings that contain it.
EXCHANGE_ONLINE_APP = "00000002-0000-0ff1-ce00-000000000000"
EXCHANGE_TARGETS = {"all", "office365", EXCHANGE_ONLINE_APP}
# Client app types under which SMTP AUTH falls: "Other clients" (or every client type).
# exchangeActiveSync is a separate type and does not cover SMTP (reference, gate 4).
SMTP_CLIENT_APP_TYPES = {"other", "all"}


def ca_legacy_blocks(policies: Sequence[dict]) -> list[dict]:
    """Enabled CA policies that block legacy SMTP AUTH for Exchange Online, with who they
    cover and what narrows them; JSON-ready. Report-only policies block nothing; a block
    on Exchange ActiveSync only, or on applications other than Exchange Online, does not
    touch SMTP AUTH and is left out."""
    blocks = []
    for policy in policies:
        conditions = policy.get("conditions") or {}
        client_types = {t.casefold() for t in conditions.get("clientAppTypes") or []}
        controls = (policy.get("grantControls") or {}).get("builtInControls") or []
        if (policy.get("state") == "enabled" and "block" in controls
                and client_types & SMTP_CLIENT_APP_TYPES
                and _targets_exchange(conditions.get("applications"))):
            blocks.append(_ca_summary(policy, conditions))
    return blocks


def _targets_exchange(applications: dict | None) -> bool:
    applications = applications or {}
    included = {a.casefold() for a in applications.get("includeApplications") or []}
    excluded = {a.casefold() for a in applications.get("excludeApplications") or []}
    return bool(included & EXCHANGE_TARGETS) and not (
        excluded & {"office365", EXCHANGE_ONLINE_APP})


def _ca_summary(policy: dict, conditions: dict) -> dict:
    users = conditions.get("users") or {"includeUsers": ["All"]}
    include = [u for u in users.get("includeUsers") or [] if u != "None"]
    by_group_or_role = any(users.get(key) for key in (
        "includeGroups", "includeRoles", "excludeGroups", "excludeRoles"))
    return {"name": policy.get("displayName") or policy.get("id") or "unnamed policy",
            "include_all": "All" in include, "include_users": [u for u in include if u != "All"],
            "exclude_users": list(users.get("excludeUsers") or []),
            "group_or_role_scoped": by_group_or_role,
            "narrowed_by": _narrowing(conditions)}


def _narrowing(conditions: dict) -> list[str]:
    """The conditions that make a block cover only some sign-ins, in words."""
    reasons = []
    locations = conditions.get("locations") or {}
    included = [x for x in locations.get("includeLocations") or [] if x != "All"]
    if included or locations.get("excludeLocations"):
        reasons.append(gettext_noop("scoped by location (all except some locations, e.g. "
                                    "trusted IPs)") if locations.get("excludeLocations")
                       else gettext_noop("scoped by location"))
    platforms = conditions.get("platforms") or {}
    if platforms.get("excludePlatforms") or [
            p for p in platforms.get("includePlatforms") or [] if p != "all"]:
        reasons.append(gettext_noop("scoped by device platform"))
    if conditions.get("clientApplications") or (conditions.get("applications") or {}).get(
            "applicationFilter"):
        reasons.append(gettext_noop("scoped by client application"))
    if any(conditions.get(key) for key in ("userRiskLevels", "signInRiskLevels",
                                           "servicePrincipalRiskLevels")):
        reasons.append(gettext_noop("applies only at some risk levels"))
    if conditions.get("devices"):
        reasons.append(gettext_noop("scoped by device filter"))
    return reasons
