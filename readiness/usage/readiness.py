"""What "ready" means, in one place: the score, the portfolio state, the blockers.

The portfolio, the tenant overview, the API summary and `readiness_report
--fail-if-not-ready` all decide through this module, from the tenant's rollup
(readiness.usage.models.TenantRollup), so they cannot disagree.

A tenant is READY when it has usage data and:
  - its score is at least READY_SCORE,
  - no Basic SMTP AUTH message or sign-in was seen in the last 30 days (the rollup window),
  - no mailbox can still use Basic SMTP AUTH;
  - no mailbox is in conflict: its configuration says Basic cannot work, yet Basic
    succeeded in the window (readiness.usage.evidence). The configuration is then wrong
    or incomplete, so it cannot be trusted to be done.
"""

from __future__ import annotations

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

READY_SCORE = 90
AT_RISK_SCORE = 50
SCORE_WEIGHTS = {"messages": 0.5, "senders": 0.3, "mailboxes": 0.2}


class PortfolioState:
    READY = "ready"
    IN_PROGRESS = "in_progress"
    AT_RISK = "at_risk"
    NO_DATA = "no_data"
    NOT_CONNECTED = "not_connected"
    CHOICES = [
        (READY, gettext_lazy("Ready")), (IN_PROGRESS, gettext_lazy("In progress")),
        (AT_RISK, gettext_lazy("At risk")), (NO_DATA, gettext_lazy("Connected, no data yet")),
        (NOT_CONNECTED, gettext_lazy("Not yet connected")),
    ]
    LABELS = dict(CHOICES)


def readiness_score(*, smtp_messages: int, basic_messages: int, senders_total: int,
                    senders_done: int, mailboxes_total: int,
                    mailboxes_basic_possible: int) -> int | None:
    """Readiness score 0-100 (docs/domain.md, "Readiness score").

    100 x weighted mean of three shares, each in [0, 1]:
      0.5 x SMTP AUTH messages of the last 30 days that were NOT Basic,
      0.3 x senders migrated, verified or accepted as an exception,
      0.2 x mailboxes where Basic SMTP AUTH is NOT possible (unknown, and a conflict
            between configuration and evidence, count as possible).
    A share whose denominator is zero is unknown (no data is not "no usage"): it is left
    out and the remaining weights are rescaled. All unknown -> None.
    """
    parts = []
    if smtp_messages:
        parts.append((SCORE_WEIGHTS["messages"], 1 - basic_messages / smtp_messages))
    if senders_total:
        parts.append((SCORE_WEIGHTS["senders"], senders_done / senders_total))
    if mailboxes_total:
        parts.append((SCORE_WEIGHTS["mailboxes"], 1 - mailboxes_basic_possible / mailboxes_total))
    if not parts:
        return None
    weight = sum(w for w, _ in parts)
    return round(100 * sum(w * share for w, share in parts) / weight)


def _ready(prefix: str = "usage_rollup__") -> Q:
    return Q(**{f"{prefix}score__gte": READY_SCORE, f"{prefix}basic_messages_30d": 0,
                f"{prefix}basic_signins_30d": 0, f"{prefix}mailboxes_basic_possible": 0,
                f"{prefix}mailboxes_conflict": 0})


def readiness_state_expression() -> Case:
    """The portfolio state of a tenant, as a database expression (filterable, sortable).

    not_connected: no usage data and no working connection; no_data: a connection but no
    usage data yet; ready: see the module docstring; at_risk: score < AT_RISK_SCORE or
    unknown; in_progress: everything else.
    """
    no_data = Q(usage_rollup__isnull=True) | Q(usage_rollup__data_days=0)
    unconnected = Q(connection__isnull=True) | Q(connection__health="never")
    return Case(
        When(no_data & unconnected, then=Value(PortfolioState.NOT_CONNECTED)),
        When(no_data, then=Value(PortfolioState.NO_DATA)),
        When(_ready(), then=Value(PortfolioState.READY)),
        When(Q(usage_rollup__score__lt=AT_RISK_SCORE) | Q(usage_rollup__score__isnull=True),
             then=Value(PortfolioState.AT_RISK)),
        default=Value(PortfolioState.IN_PROGRESS), output_field=CharField(),
    )


def tenant_state(tenant) -> str:
    """One tenant's portfolio state, by the same expression as the portfolio."""
    return (type(tenant).objects.filter(pk=tenant.pk)
            .annotate(state=readiness_state_expression()).values_list("state", flat=True)
            .get())


def with_states(tenants: QuerySet) -> QuerySet:
    return tenants.annotate(readiness_state=readiness_state_expression())


def readiness_blockers(rollup) -> list[str]:
    """Why a tenant is not ready, in words (empty exactly when its state is READY)."""
    if rollup is None or not rollup.data_days:
        return [_("no usage data yet")]
    reasons = []
    if rollup.mailboxes_basic_possible:
        count = rollup.mailboxes_basic_possible
        reasons.append(ngettext("%(count)d mailbox can still use Basic SMTP AUTH",
                                "%(count)d mailboxes can still use Basic SMTP AUTH", count)
                       % {"count": count})
    if rollup.mailboxes_conflict:
        count = rollup.mailboxes_conflict
        reasons.append(ngettext("%(count)d mailbox in conflict: configured to block Basic, yet "
                                "Basic SMTP AUTH succeeded (conflict: verify)",
                                "%(count)d mailboxes in conflict: configured to block Basic, "
                                "yet Basic SMTP AUTH succeeded (conflict: verify)", count)
                       % {"count": count})
    if rollup.basic_messages_30d or rollup.basic_signins_30d:
        messages = ngettext("%(count)s message", "%(count)s messages",
                            rollup.basic_messages_30d) % {
            "count": number_format(rollup.basic_messages_30d, force_grouping=True)}
        signins = ngettext("%(count)s sign-in", "%(count)s sign-ins",
                           rollup.basic_signins_30d) % {
            "count": number_format(rollup.basic_signins_30d, force_grouping=True)}
        reasons.append(_("Basic SMTP AUTH was used in the last 30 days (%(messages)s, "
                         "%(signins)s)") % {"messages": messages, "signins": signins})
    if rollup.score is None or rollup.score < READY_SCORE:
        score = _("unknown") if rollup.score is None else rollup.score
        reasons.append(_("the readiness score is %(score)s, below %(ready)s")
                       % {"score": score, "ready": READY_SCORE})
    return reasons
