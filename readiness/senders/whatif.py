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
from readiness.senders.choices import WATCHED_STATUSES
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant

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


@dataclass
class SenderImpact:
    sender: Sender
    mailbox_address: str
    basic: int
    oauth: int
    before: str
    after: str
    outcome: str  # breaks / safe / unknown
    why: str

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
    safe: list[SenderImpact] = field(default_factory=list)
    unknown: list[SenderImpact] = field(default_factory=list)
    scripts: list[guidance.Script] = field(default_factory=list)


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
    for sender in active_senders(tenant=tenant, today=today):
        mailbox = sender.mailbox or mailboxes.get(sender.address.lower())
        base = Inputs(mailbox_switch=mailbox.smtp_auth if mailbox else SmtpAuthSwitch.INHERIT,
                      user_policy=(mailbox.authentication_policy or None) if mailbox else None,
                      mailbox_object_id=mailbox.object_id if mailbox else "", **context)
        variants = {ORG_OFF: replace(base, org_smtp_disabled=True),
                    BASIC_DEFAULT_OFF: replace(base, extra_gates=(basic_default_off_gate,))}
        for key, inputs in variants.items():
            impact = _impact(sender, mailbox, resolve(base).state, resolve(inputs))
            getattr(plans[key], impact.outcome).append(impact)
    for plan in plans.values():
        plan.scripts = exception_scripts(plan)
    return plans


def _impact(sender, mailbox, before_state, verdict) -> SenderImpact:
    basic, oauth = sender.basic_30d, sender.oauth_30d
    now, then = _works(before_state, basic, oauth), _works(verdict.state, basic, oauth)
    if then is None:
        outcome, why = "unknown", verdict.reason
    elif then:
        outcome = "safe"
        why = (str(_("OAuth-only usage: ")) if not basic else "") + verdict.reason
    elif now is False:
        outcome, why = "safe", str(_("already blocked today: ")) + verdict.reason
    else:
        outcome, why = "breaks", verdict.reason
    return SenderImpact(sender, mailbox.address if mailbox else sender.address, basic, oauth,
                        before_state, verdict.state, outcome, why)


def exception_scripts(plan: Plan) -> list[guidance.Script]:
    """Per-mailbox exceptions first, the organisation-wide change last."""
    addresses = sorted({i.mailbox_address for i in plan.breaks})
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
