"""What-if planner (reads only): which ACTIVE senders break if (a) SMTP AUTH is turned
off org-wide, or (b) Basic SMTP goes off by default (Microsoft's end-of-December-2026
plan), and the exception script that keeps the un-migrated ones working meanwhile.

Every mailbox goes through the real resolver with modified inputs. For (b) the switch
Microsoft will add is not published: we model it as a fifth gate that blocks Basic
unless the mailbox's OWN authentication policy allows Basic SMTP — the same lever the
generated script pulls — and say so on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness.inventory.choices import EffectiveState, SmtpAuthSwitch
from readiness.inventory.models import Mailbox
from readiness.inventory.resolver import Inputs, find_policy, resolve
from readiness.inventory.services import resolver_context
from readiness.senders import guidance
from readiness.senders.choices import WATCHED_STATUSES, SenderStatus
from readiness.senders.models import Sender
from readiness.tenancy.domains import is_foreign_address, tenant_domain_names
from readiness.tenancy.models import Tenant
from readiness.usage.evidence import sender_evidence
from readiness.usage.models import SenderRollup

ORG_OFF = "org_smtp_auth_off"
BASIC_DEFAULT_OFF = "basic_default_off"
SCENARIOS = {ORG_OFF: _("Turn SMTP AUTH off for the whole organisation"),
             BASIC_DEFAULT_OFF: _("Basic SMTP off by default (end of December 2026)")}


def basic_default_off_gate(inputs: Inputs):
    """The assumed default-off switch: only an explicit per-user allowance survives it."""
    if inputs.user_policy and inputs.policies is not None:
        policy = find_policy(inputs.user_policy, inputs.policies)
        if policy is not None and policy.allow_basic_auth_smtp:
            return ("allow", str(_("user policy “%(name)s” re-enables Basic SMTP")
                                 % {"name": policy.name}))
    return ("block", str(_("Basic SMTP off by default (end of December 2026)")))


# The outcomes, in the words every page uses. Nothing here is "safe": a sender that keeps
# working is not done, and one blocked today while it sends is a contradiction to verify.
KEEPS_WORKING, BREAKS, ALREADY_BROKEN, CONFLICT, UNKNOWN = (
    "keeps working", "breaks", "already broken", "conflict: verify", "unknown")
# In the order the page lists them: what needs a decision first.
OUTCOME_ATTRS = {BREAKS: "breaks", CONFLICT: "conflict", ALREADY_BROKEN: "already_broken",
                 UNKNOWN: "unknown", KEEPS_WORKING: "keeps_working"}


@dataclass
class SenderImpact:
    sender: Sender
    mailbox_address: str
    # The sender table's figures (SenderRollup, 30 days, largest across sources): the
    # same numbers under the same labels as on every other page.
    basic_messages: int
    oauth_messages: int
    basic_signins: int
    before: str  # EffectiveState value; the page shows its label
    after: str
    outcome: str  # one of OUTCOME_ATTRS
    why: str
    accepted_risk: bool = False  # status "won't fix": the owner accepted that it breaks
    foreign: bool = False  # on another tenant's domain: never given a script

    @property
    def before_label(self) -> str:
        return EffectiveState(self.before).label

    @property
    def after_label(self) -> str:
        return EffectiveState(self.after).label


@dataclass
class Plan:
    scenario: str
    title: str
    breaks: list[SenderImpact] = field(default_factory=list)
    conflict: list[SenderImpact] = field(default_factory=list)
    already_broken: list[SenderImpact] = field(default_factory=list)
    unknown: list[SenderImpact] = field(default_factory=list)
    keeps_working: list[SenderImpact] = field(default_factory=list)
    scripts: list[guidance.Script] = field(default_factory=list)

    @property
    def exceptions_proposed(self) -> list[SenderImpact]:
        """The breaking senders that get an exception (and a line of the script); never
        one on another tenant's domain (it came from a wrong-tenant file)."""
        return [i for i in self.breaks if not i.accepted_risk and not i.foreign]

    @property
    def accepted_risks(self) -> list[SenderImpact]:
        return [i for i in self.breaks if i.accepted_risk]

    @property
    def foreign_breaks(self) -> list[SenderImpact]:
        """Breaking senders on a foreign domain: counted, but no exception and no script,
        so that breaks = exceptions proposed + accepted risks + foreign still adds up."""
        return [i for i in self.breaks if i.foreign and not i.accepted_risk]

    @property
    def rows(self) -> list[tuple[str, SenderImpact]]:
        return [(outcome, impact) for outcome, attr in OUTCOME_ATTRS.items()
                for impact in getattr(self, attr)]


def _works(state: str, basic: int, oauth: int) -> bool | None:
    if state == EffectiveState.UNKNOWN:
        return None
    if basic:
        return state == EffectiveState.BASIC_POSSIBLE
    return state in (EffectiveState.BASIC_POSSIBLE, EffectiveState.OAUTH_ONLY)


def active_senders(*, tenant: Tenant, today: date) -> list[Sender]:
    """Senders with SMTP AUTH usage in the last 30 days; for migrated/verified senders
    only usage after the status change counts (older traffic is the old setup)."""
    since = today - timedelta(days=29)
    after = Q(usage__day__gt=TruncDate("status_changed_at")) | ~Q(status__in=WATCHED_STATUSES)
    window = Q(usage__day__gte=since, usage__day__lte=today) & after

    def total(method):
        return Coalesce(Sum("usage__messages", filter=window & Q(usage__auth_method=method))
                        + Coalesce(Sum("usage__signins", filter=window & Q(
                            usage__auth_method=method)), 0), 0)

    return list(Sender.objects.for_tenant(tenant).select_related("mailbox")
                .annotate(basic_30d=total("basic"), oauth_30d=total("oauth"))
                .filter(Q(basic_30d__gt=0) | Q(oauth_30d__gt=0)).order_by("address"))


def what_if_plans(*, tenant: Tenant, today: date | None = None) -> dict[str, Plan]:
    today = today or timezone.now().date()
    context = resolver_context(tenant=tenant)
    mailboxes = {m.address.lower(): m for m in Mailbox.objects.for_tenant(tenant)}
    plans = {key: Plan(key, title) for key, title in SCENARIOS.items()}
    own = tenant_domain_names(tenant)
    senders = active_senders(tenant=tenant, today=today)
    figures = {r.sender_id: r for r in SenderRollup.objects.for_tenant(tenant).filter(
        sender__in=senders)}
    conflicts = {pk for pk, (_, conflict) in sender_evidence(
        tenant=tenant, start=today - timedelta(days=29), end=today, senders=senders).items()
        if conflict}
    for sender in senders:
        sender.figures = figures.get(sender.pk)
        sender.in_conflict = sender.pk in conflicts
        mailbox = sender.mailbox or mailboxes.get(sender.address.lower())
        base = Inputs(mailbox_switch=mailbox.smtp_auth if mailbox else SmtpAuthSwitch.INHERIT,
                      user_policy=(mailbox.authentication_policy or None) if mailbox else None,
                      mailbox_object_id=mailbox.object_id if mailbox else "", **context)
        variants = {ORG_OFF: replace(base, org_smtp_disabled=True),
                    BASIC_DEFAULT_OFF: replace(base, extra_gates=(basic_default_off_gate,))}
        for key, inputs in variants.items():
            impact = _impact(sender, mailbox, resolve(base).state, resolve(inputs))
            impact.foreign = mailbox is None and is_foreign_address(sender.address, own)
            getattr(plans[key], OUTCOME_ATTRS[impact.outcome]).append(impact)
    for plan in plans.values():
        plan.scripts = exception_scripts(plan)
    return plans


def _impact(sender, mailbox, before_state, verdict) -> SenderImpact:
    basic, oauth = sender.basic_30d, sender.oauth_30d
    now, then = _works(before_state, basic, oauth), _works(verdict.state, basic, oauth)
    if sender.in_conflict:
        outcome = CONFLICT
        why = str(_("configured to block Basic today, yet Basic succeeded in the last 30 "
                    "days: verify before relying on this plan"))
    elif now is False:
        outcome, why = ALREADY_BROKEN, str(_("blocked today while it still sends: ")) + (
            mailbox.effective_reason if mailbox else verdict.reason)
    elif then is None:
        outcome, why = UNKNOWN, verdict.reason
    elif then:
        outcome = KEEPS_WORKING
        why = (str(_("OAuth-only usage: ")) if not basic else "") + verdict.reason
    else:
        outcome, why = BREAKS, verdict.reason
    rollup = sender.figures
    return SenderImpact(
        sender, mailbox.address if mailbox else sender.address,
        basic_messages=rollup.basic_messages_30d if rollup else 0,
        oauth_messages=rollup.oauth_messages_30d if rollup else 0,
        basic_signins=rollup.basic_signins_30d if rollup else 0,
        before=before_state, after=verdict.state, outcome=outcome, why=why,
        accepted_risk=outcome == BREAKS and sender.status == SenderStatus.WONT_FIX)


def exception_scripts(plan: Plan) -> list[guidance.Script]:
    """Per-mailbox exceptions first, the organisation-wide change last."""
    addresses = sorted({i.mailbox_address for i in plan.exceptions_proposed})
    if plan.scenario == ORG_OFF:
        scripts = [guidance.keep_smtp_auth_script(a) for a in addresses]
        if scripts:
            scripts = [guidance.Script(
                _("Keep SMTP AUTH on for the mailboxes that still need it"),
                "\n".join(s.code for s in scripts),
                _("OAuth SMTP senders need SMTP AUTH on permanently; the others only "
                  "until they move."))]
        return [*scripts, guidance.ORG_SMTP_AUTH_OFF]
    return guidance.keep_basic_scripts(addresses) if addresses else []
