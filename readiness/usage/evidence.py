"""Evidence against configuration: what Basic SMTP AUTH actually did, per mailbox and per
sender, beside what the configuration says it can do (docs/domain.md, "Evidence").

The joins (reference §3.1, §4):
  - a sign-in belongs to the mailbox whose Entra object id (ExternalDirectoryObjectId)
    is the sign-in's userId: the UPN often differs from the primary address; a sign-in
    without a user id falls back to its UPN, matched against the primary address and
    every proxy address;
  - a report row belongs to its sender, and the sender to the mailbox with that primary
    or proxy address (readiness.senders.identity links them).

A mailbox is in CONFLICT when its effective state says Basic cannot work (oauth_only,
smtp_auth_off) but a Basic SMTP AUTH sign-in succeeded, or a report counted Basic
messages, in the period. When a snapshot showed the block begin (Mailbox.blocked_since)
and every success came before it, that is history, not a conflict: "Basic last
succeeded before the block of DATE: watch for failures".

Every function here reads; the period is UTC days, both inclusive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from readiness.inventory.choices import BASIC_BLOCKED_STATES
from readiness.inventory.models import Mailbox
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
from readiness.usage.models import DailyUsage, SignInEvent


@dataclass
class Evidence:
    basic_signins: int = 0  # successful Basic SMTP AUTH sign-ins in the period
    failed_basic_signins: int = 0
    basic_messages: int = 0  # Basic messages counted by report files in the period
    last_basic_message_day: date | None = None
    last_basic_success: datetime | None = None  # the latest stored, any period
    last_failure: datetime | None = None
    last_failure_code: int | None = None
    failure_codes: list[int] = field(default_factory=list)  # in the period, distinct
    first_failure_after_block: datetime | None = None
    failures_after_block: int = 0

    @property
    def basic_used(self) -> bool:
        return bool(self.basic_signins or self.basic_messages)


@dataclass(frozen=True)
class Conflict:
    """Why the configuration and the evidence disagree, and what to check."""

    summary: str
    explanations: tuple[str, ...]
    checks: tuple[str, ...]


# Up to this many mailboxes (a table page, 50 to a few hundred), the usage is read for
# them alone; more (the overview's every blocked mailbox), one pass over the tenant is
# cheaper than a long IN list (and stays under SQLite's parameter limit).
PAGE_SUBSET_MAX = 1000
# conflicted_mailboxes: the blocked mailboxes with Basic messages it reads, at most.
CANDIDATES_MAX = 500


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, time.min, tzinfo=UTC),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC))


def mailbox_evidence(*, tenant: Tenant, start: date, end: date,
                     mailboxes: list[Mailbox] | None = None) -> dict[int, Evidence]:
    """Evidence per mailbox id, for every mailbox of the tenant (or those given).
    A constant number of queries, whatever the number of mailboxes."""
    given = mailboxes
    mailboxes = list(Mailbox.objects.for_tenant(tenant)) if mailboxes is None else mailboxes
    by_user = {m.object_id.lower(): m.pk for m in mailboxes if m.object_id}
    by_address = {}
    for mailbox in mailboxes:
        for address in [mailbox.address, *mailbox.proxy_addresses]:
            by_address.setdefault(address.lower(), (mailbox.pk, bool(mailbox.object_id)))
    result = {m.pk: Evidence() for m in mailboxes}
    # A page's mailboxes (the sender and mailbox tables): read only their sign-ins and
    # their senders' usage, not the whole tenant's (50,000 senders: 2 s and 600,000
    # rows; a million sign-ins walked in Python), for 50 rows shown.
    subset = None if given is None or len(result) > PAGE_SUBSET_MAX else list(result)
    events = SignInEvent.objects.for_tenant(tenant)
    if subset is not None:
        events = _of_identities(events, by_user, by_address)
    _signins_into(events, start, end, result, by_user, by_address)
    _messages_into(tenant, start, end, result, mailbox_ids=subset)
    _after_block_into(events, result, {m.pk: m for m in mailboxes}, by_user, by_address)
    return result


def _of_identities(events, by_user: dict, by_address: dict):
    """The sign-ins that _mailbox_of could give to one of these mailboxes: their user ids
    or their addresses as UPN, compared without case as _mailbox_of does."""
    return (events.alias(uid=Lower("user_id"), upn=Lower("user_principal_name"))
            .filter(Q(uid__in=list(by_user)) | Q(upn__in=list(by_address))))


def _mailbox_of(row: dict, by_user: dict, by_address: dict) -> int | None:
    """By the user id when the sign-in has one; by the UPN against primary and proxy
    addresses only when it has none, or for a mailbox whose object id was not read (a
    mailbox with a known id is joined by that id alone: its UPN may be anything)."""
    if row["user_id"] and row["user_id"].lower() in by_user:
        return by_user[row["user_id"].lower()]
    pk, has_id = by_address.get(row["user_principal_name"].lower(), (None, False))
    if row["user_id"] and has_id:
        return None  # another user's sign-in (its id is not this mailbox's)
    return pk


def _signins_into(events, start, end, result, by_user, by_address) -> None:
    since, until = period_bounds(start, end)
    in_period = Q(created_at__gte=since, created_at__lt=until)
    rows = (events.values("user_id", "user_principal_name")
            .annotate(ok=Count("pk", filter=in_period & Q(error_code=0)),
                      failed=Count("pk", filter=in_period & ~Q(error_code=0)),
                      last_ok=Max("created_at", filter=Q(error_code=0)),
                      last_failed=Max("created_at", filter=~Q(error_code=0))))
    for row in rows:
        evidence = result.get(_mailbox_of(row, by_user, by_address))
        if evidence is None:
            continue
        evidence.basic_signins += row["ok"]
        evidence.failed_basic_signins += row["failed"]
        evidence.last_basic_success = _latest(evidence.last_basic_success, row["last_ok"])
        evidence.last_failure = _latest(evidence.last_failure, row["last_failed"])
    _failure_codes_into(events, since, until, result, by_user, by_address)


def _failure_codes_into(events, since, until, result, by_user, by_address) -> None:
    """The code of each mailbox's last failure, and the distinct codes in the period."""
    latest = {pk: e.last_failure for pk, e in result.items() if e.last_failure}
    if not latest:
        return
    rows = (events.exclude(error_code=0)
            .filter(Q(created_at__in=set(latest.values()))
                    | Q(created_at__gte=since, created_at__lt=until))
            .values("user_id", "user_principal_name", "created_at", "error_code")
            .order_by("created_at"))
    for row in rows:
        pk = _mailbox_of(row, by_user, by_address)
        evidence = result.get(pk)
        if evidence is None:
            continue
        if row["created_at"] == latest.get(pk):
            evidence.last_failure_code = row["error_code"]
        if since <= row["created_at"] < until and row["error_code"] not in (
                evidence.failure_codes):
            evidence.failure_codes.append(row["error_code"])


def _messages_into(tenant, start, end, result, mailbox_ids: list[int] | None = None) -> None:
    """Basic messages that report files counted, over the mailbox's senders: per sender
    and day the largest figure of any source, as everywhere (two files describing the
    same mail must not be added up). `mailbox_ids`: only those mailboxes' senders."""
    rows = (DailyUsage.objects.for_tenant(tenant)
            .filter(day__range=(start, end), auth_method="basic", messages__gt=0,
                    sender__mailbox__isnull=False)
            .filter(**({} if mailbox_ids is None else {"sender__mailbox_id__in": mailbox_ids}))
            .values("sender__mailbox_id", "sender_id", "day")
            .annotate(n=Max("messages")))
    for row in rows:
        evidence = result.get(row["sender__mailbox_id"])
        if evidence is not None:
            _add_messages(evidence, row["day"], row["n"])


def _add_messages(evidence: Evidence, day, count: int) -> None:
    day = date.fromisoformat(day) if isinstance(day, str) else day
    evidence.basic_messages += count
    evidence.last_basic_message_day = max(filter(None, (evidence.last_basic_message_day,
                                                        day)))


def _after_block_into(events, result, mailboxes, by_user, by_address) -> None:
    """Failed Basic attempts after a mailbox's block began (or, with no known date, after
    its last Basic success): the breakage watch reads them."""
    blocked = {pk for pk, m in mailboxes.items()
               if m.effective_state in BASIC_BLOCKED_STATES}
    if not blocked:
        return
    rows = (events.exclude(error_code=0)
            .values("user_id", "user_principal_name", "created_at").order_by("created_at"))
    for row in rows.iterator(chunk_size=2000):
        pk = _mailbox_of(row, by_user, by_address)
        if pk not in blocked:
            continue
        evidence, mailbox = result[pk], mailboxes[pk]
        after = max(filter(None, [mailbox.blocked_since, evidence.last_basic_success]),
                    default=None)
        if after is None or row["created_at"] > after:
            evidence.failures_after_block += 1
            evidence.first_failure_after_block = (evidence.first_failure_after_block
                                                  or row["created_at"])


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max(filter(None, (a, b)), default=None)


def failing_label(evidence: Evidence) -> str:
    """ "failing since 2026-11-26 (15 attempts, error codes 53003)", or ""."""
    if not evidence.failures_after_block:
        return ""
    codes = ", ".join(str(c) for c in sorted(evidence.failure_codes)) or _("unknown")
    return ngettext("failing since %(date)s (%(count)d attempt, error codes %(codes)s)",
                    "failing since %(date)s (%(count)d attempts, error codes %(codes)s)",
                    evidence.failures_after_block) % {
        "date": evidence.first_failure_after_block.date().isoformat(),
        "count": evidence.failures_after_block, "codes": codes}


def is_conflict(mailbox: Mailbox, evidence: Evidence | None) -> bool:
    """Configuration says Basic cannot work, the evidence says it did (module docstring)."""
    if evidence is None or mailbox.effective_state not in BASIC_BLOCKED_STATES:
        return False
    if not evidence.basic_used:
        return False
    if mailbox.blocked_since:
        # Use that predates the block we saw begin is history, not a contradiction.
        block = mailbox.blocked_since
        return bool((evidence.basic_signins and evidence.last_basic_success
                     and evidence.last_basic_success >= block)
                    or (evidence.last_basic_message_day
                        and evidence.last_basic_message_day >= block.date()))
    return True


def block_note(mailbox: Mailbox, evidence: Evidence | None) -> str:
    """ "Basic last succeeded before the block of DATE: watch for failures", when so."""
    if (evidence and mailbox.blocked_since and evidence.last_basic_success
            and evidence.last_basic_success < mailbox.blocked_since):
        return _("Basic last succeeded before the block of %(date)s: watch for "
                 "failures") % {"date": mailbox.blocked_since.date().isoformat()}
    return ""


def conflict_explain(mailbox: Mailbox, evidence: Evidence) -> Conflict:
    """The likely explanations and what to check, most likely first."""
    said = mailbox.get_effective_state_display()
    seen = []
    if evidence.basic_signins:
        seen.append(ngettext("%(count)d successful Basic sign-in",
                             "%(count)d successful Basic sign-ins",
                             evidence.basic_signins) % {"count": evidence.basic_signins})
    if evidence.basic_messages:
        seen.append(ngettext("%(count)d Basic message in report files",
                             "%(count)d Basic messages in report files",
                             evidence.basic_messages) % {"count": evidence.basic_messages})
    explanations = [
        _("the setting changed after the traffic (policy changes take up to 24 hours; "
          "the next snapshot dates the change)"),
        _("a gate the product does not read lets this sender through (for example a "
          "Conditional Access block scoped by location or group)"),
    ]
    checks = [
        _("the Entra sign-in log: Authenticated SMTP sign-ins of this user since the "
          "change"),
        _("Get-CASMailbox and Get-User for this mailbox, and the organisation's default "
          "authentication policy"),
    ]
    if evidence.basic_messages and not evidence.basic_signins:
        explanations.append(_("the report file belongs to another tenant or an alias of "
                              "another mailbox"))
        checks.append(_("which tenant the uploaded report file was downloaded from"))
    if evidence.basic_signins:
        explanations.append(_("the sign-in belongs to a user whose UPN differs from the "
                              "mailbox address (joined here on the user id)"))
    summary = _("Conflict: %(configured)s, yet %(seen)s in the period") % {
        "configured": said, "seen": _(" and ").join(seen)}
    return Conflict(summary=summary,
                    explanations=tuple(explanations), checks=tuple(checks))


def conflicted_mailbox_count(*, tenant: Tenant, start: date, end: date) -> int:
    blocked = list(Mailbox.objects.for_tenant(tenant).filter(
        effective_state__in=BASIC_BLOCKED_STATES))
    if not blocked:
        return 0
    evidence = mailbox_evidence(tenant=tenant, start=start, end=end, mailboxes=blocked)
    return sum(1 for m in blocked if is_conflict(m, evidence[m.pk]))


def conflicted_mailboxes(*, tenant: Tenant, start: date, end: date,
                         limit: int) -> tuple[list[tuple[Mailbox, Evidence]], bool]:
    """Blocked mailboxes in conflict, up to `limit`, by address, and whether there may be
    more: what a page can list, in time and queries that do not grow with the tenant.

    Only a blocked mailbox with some Basic use in the period can be in conflict: those
    with Basic messages come from SQL, those with a successful Basic sign-in from the
    period's distinct sign-in users (the same join as everywhere). The evidence is then
    computed once, for the first `2 * limit` of them (nearly all are conflicts). The
    exact total is the rollup's `mailboxes_conflict`, a task's work."""
    candidates = _basic_use_candidates(tenant, start, end)
    if not candidates:
        return [], False
    examined = candidates[:2 * limit]
    evidence = mailbox_evidence(tenant=tenant, start=start, end=end, mailboxes=examined)
    found = [(m, evidence[m.pk]) for m in examined if is_conflict(m, evidence[m.pk])]
    return found[:limit], len(found) > limit or len(candidates) > len(examined)


def _basic_use_candidates(tenant, start, end) -> list[Mailbox]:
    """Blocked mailboxes with Basic use in the period, by address (at most a few hundred
    from the messages: enough to know there are more than a page lists)."""
    blocked = Mailbox.objects.for_tenant(tenant).filter(effective_state__in=BASIC_BLOCKED_STATES)
    used = DailyUsage.objects.filter(
        tenant=tenant, sender__mailbox=OuterRef("pk"), day__range=(start, end),
        auth_method="basic", messages__gt=0)
    ids = set(blocked.filter(Exists(used)).order_by("address")
              .values_list("pk", flat=True)[:CANDIDATES_MAX])
    ids |= _signed_in_mailbox_ids(tenant, start, end, blocked)
    return list(blocked.filter(pk__in=ids).order_by("address")) if ids else []


def _signed_in_mailbox_ids(tenant, start, end, blocked) -> set[int]:
    since, until = period_bounds(start, end)
    users = set(SignInEvent.objects.for_tenant(tenant)
                .filter(created_at__gte=since, created_at__lt=until, error_code=0)
                .values_list("user_id", "user_principal_name").distinct())
    if not users:
        return set()
    rows = blocked.values_list("pk", "address", "proxy_addresses", "object_id")
    by_user = {object_id.lower(): pk for pk, _a, _p, object_id in rows if object_id}
    by_address = {}
    for pk, address, proxies, object_id in rows:
        for known in [address, *proxies]:
            by_address.setdefault(known.lower(), (pk, bool(object_id)))
    matched = (_mailbox_of({"user_id": user_id, "user_principal_name": upn}, by_user,
                           by_address) for user_id, upn in users)
    return {pk for pk in matched if pk is not None}


def sender_evidence(*, tenant: Tenant, start: date, end: date,
                    senders: list[Sender]) -> dict[int, tuple[Evidence, bool]]:
    """(evidence, conflict) per sender id: a linked sender shows its mailbox's evidence
    (the sign-ins joined on the user id); an unlinked one its own sign-ins and messages."""
    mailbox_ids = {s.mailbox_id for s in senders if s.mailbox_id}
    mailboxes = list(Mailbox.objects.for_tenant(tenant).filter(pk__in=mailbox_ids))
    by_mailbox = mailbox_evidence(tenant=tenant, start=start, end=end, mailboxes=mailboxes)
    mailbox_of = {m.pk: m for m in mailboxes}
    own = _own_evidence(tenant, start, end, [s.pk for s in senders if not s.mailbox_id])
    result = {}
    for sender in senders:
        if sender.mailbox_id in by_mailbox:
            mailbox = mailbox_of[sender.mailbox_id]
            evidence = by_mailbox[sender.mailbox_id]
            result[sender.pk] = (evidence, is_conflict(mailbox, evidence))
        else:
            result[sender.pk] = (own.get(sender.pk, Evidence()), False)
    return result


def _own_evidence(tenant, start, end, sender_ids) -> dict[int, Evidence]:
    if not sender_ids:
        return {}
    since, until = period_bounds(start, end)
    in_period = Q(created_at__gte=since, created_at__lt=until)
    result: dict[int, Evidence] = defaultdict(Evidence)
    for row in (SignInEvent.objects.for_tenant(tenant).filter(sender_id__in=sender_ids)
                .values("sender_id")
                .annotate(ok=Count("pk", filter=in_period & Q(error_code=0)),
                          failed=Count("pk", filter=in_period & ~Q(error_code=0)),
                          last_ok=Max("created_at", filter=Q(error_code=0)),
                          last_failed=Max("created_at", filter=~Q(error_code=0)))):
        evidence = result[row["sender_id"]]
        evidence.basic_signins, evidence.failed_basic_signins = row["ok"], row["failed"]
        evidence.last_basic_success, evidence.last_failure = row["last_ok"], row["last_failed"]
    for row in (DailyUsage.objects.for_tenant(tenant)
                .filter(sender_id__in=sender_ids, day__range=(start, end),
                        auth_method="basic", messages__gt=0)
                .values("sender_id", "day").annotate(n=Max("messages"))):
        _add_messages(result[row["sender_id"]], row["day"], row["n"])
    return dict(result)


def evidence_text(evidence: Evidence | None) -> str:
    if evidence is None:
        return str(_("no sign-in data"))
    parts = [str(_("%(count)d Basic success(es)") % {"count": evidence.basic_signins}),
             str(_("%(count)d failed") % {"count": evidence.failed_basic_signins})]
    if evidence.last_basic_success:
        parts.append(str(_("last success %(day)s")
                         % {"day": f"{evidence.last_basic_success:%Y-%m-%d}"}))
    if evidence.last_failure:
        parts.append(str(_("last failure %(day)s (error %(code)s)")
                         % {"day": f"{evidence.last_failure:%Y-%m-%d}",
                            "code": evidence.last_failure_code}))
    return ", ".join(parts)


def mailbox_evidence_rows(*, tenant: Tenant, start: date, end: date,
                          mailboxes: list[Mailbox]) -> dict[int, tuple[str, str, str]]:
    """For the mailbox page (readiness.inventory.tables): per mailbox id, the evidence in
    words, the block note, and the conflict summary ("" when none)."""
    found = mailbox_evidence(tenant=tenant, start=start, end=end, mailboxes=mailboxes)
    return {m.pk: (evidence_text(found[m.pk]), block_note(m, found[m.pk]),
                   conflict_explain(m, found[m.pk]).summary
                   if is_conflict(m, found[m.pk]) else "")
            for m in mailboxes}
