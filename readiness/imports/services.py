"""The one importer: upload, command line and drop folder all come through here.

Flow: a file is stored privately (storage.py), inspected by a full streaming pass
that writes nothing but the preview (report_inspect), then applied by a second pass
that streams rows into a staging table and merges them in ONE transaction only after
every row parsed (report_apply). A bad row anywhere rejects the whole file with the
parser's message; usage is untouched. Usage facts are then recomputed from the
imports (recompute.py), so re-imports and overlaps never double-count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from readiness.core.values import EARLIEST_DAY
from readiness.imports import recompute, selectors
from readiness.imports.choices import (
    DELETABLE_STATUSES,
    LIVE_STATUSES,
    RUNNING_STATUSES,
    ImportChannel,
    ImportStatus,
    ReportFormat,
)
from readiness.imports.models import ExportAggregate, ReportImport, ReportMessage
from readiness.imports.parsing import ExportRow, FileInfo, ReportFormatError, inspect_report
from readiness.imports.rawstage import RawStage, raw_stage_load
from readiness.imports.scanning import Progress, Summary, file_scan
from readiness.imports.staging import MessageStage
from readiness.imports.storage import (
    file_chunks,
    file_discard,
    file_sha256,
    file_store,
    stored_file,
)
from readiness.tenancy.audit import audit_record
from readiness.tenancy.domains import (
    DomainCheck,
    domain_check_message,
    file_domain_check,
    foreign_owners,
)
from readiness.tenancy.models import Tenant
from readiness.tenancy.services import tenant_lock
from readiness.usage import sql
from readiness.usage.choices import UsageSource
from readiness.usage.services import coverage_replace, senders_ensure, senders_touch

MAX_PERIOD_DAYS = 90  # the Exchange admin center reports at most 90 days


class ReportRejected(Exception):
    """The file (or the stated period) cannot be imported; str() is for the user."""

    def __init__(self, message: str, *, line: int | None = None, column: str = "",
                 value: str = "") -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.value = message, line, column, value

    @classmethod
    def from_format_error(cls, exc: ReportFormatError) -> ReportRejected:
        return cls(exc.message, line=exc.line, column=exc.column or "",
                   value=(exc.value or "")[:200])


class ForeignFile(ReportRejected):
    """Most of the file's sender domains are not the tenant's: stopped until overridden."""

    def __init__(self, check: DomainCheck, owners: list[str]) -> None:
        super().__init__(domain_check_message(check, owners))
        self.check = check


def domain_gate(*, report: ReportImport, check: DomainCheck, override: bool, actor,
                ip: str = "", source: str = "web", user=None) -> None:
    """Stop a file that looks like another tenant's, unless explicitly overridden; an
    override is recorded in the audit log (once per import).

    `user` decides whether another tenant may be named (None = the command line)."""
    if not check.stops:
        return
    if not override:
        owners = foreign_owners(tenant=report.tenant, domains=check.foreign, user=user)
        raise ForeignFile(check, owners)
    if report.preview.get("domain_override"):
        return
    report.preview = {**report.preview, "domain_override": True}
    if report.pk:
        ReportImport.objects.filter(pk=report.pk).update(preview=report.preview)
    audit_record(actor=actor, tenant=report.tenant, action="import.foreign_override",
                 obj=report if report.pk else None, ip=ip, source=source,
                 after={"file_name": report.file_name, "sha256": report.sha256,
                        "foreign_domains": dict(list(check.foreign.items())[:100]),
                        "foreign_domain_count": len(check.foreign),
                        "domains": check.domains})


class AlreadyImported(Exception):
    """The same file (same SHA-256) is already imported for this tenant: a no-op."""

    def __init__(self, existing: ReportImport) -> None:
        self.existing = existing
        who = existing.imported_by or existing.uploaded_by or existing.get_channel_display()
        when = existing.imported_at or existing.created_at
        if existing.status != ImportStatus.IMPORTED:  # only a completed import "was imported"
            super().__init__(f"This file is being imported right now (started "
                             f"{when:%Y-%m-%d %H:%M} UTC by {who}); wait for it to finish.")
            return
        super().__init__(f"This file was already imported on {when:%Y-%m-%d %H:%M} UTC by {who}.")


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def period_validate(*, start: date | None, end: date | None) -> Period:
    """The stated period of an Export file, or ReportRejected saying what is wrong."""
    if start is None or end is None:
        raise ReportRejected(_("An Export file has no dates: state the period it covers "
                               "(the date range chosen in the Exchange admin center)."))
    if start > end:
        raise ReportRejected(_("The period starts after it ends."))
    if end > timezone.now().date():
        raise ReportRejected(_("The period ends in the future."))
    if start < EARLIEST_DAY:
        raise ReportRejected(_("The period starts before %(day)s; no SMTP AUTH report goes "
                               "back that far.") % {"day": date_format(EARLIEST_DAY)})
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ReportRejected(_("The period is longer than %(days)d days, the most the "
                               "Exchange admin center reports.") % {"days": MAX_PERIOD_DAYS})
    return Period(start, end)


def live_import(*, tenant: Tenant, sha256: str) -> ReportImport | None:
    return (ReportImport.objects.for_tenant(tenant).filter(sha256=sha256, status__in=LIVE_STATUSES)
            .select_related("imported_by", "uploaded_by").first())


# --- the upload page: store, inspect (preview), confirm, apply ----------------------------


def report_upload_save(*, tenant: Tenant, uploaded_file, actor, ip: str = "") -> ReportImport:
    """Store an upload privately and queue its inspection. AlreadyImported if known."""
    from readiness.imports import tasks

    relative, sha256, size = file_store(tenant=tenant, chunks=uploaded_file.chunks())
    existing = live_import(tenant=tenant, sha256=sha256)
    if existing is not None:
        file_discard(relative)
        raise AlreadyImported(existing)
    report = ReportImport(tenant=tenant, file_name=_display_name(uploaded_file.name),
                          sha256=sha256, file_size=size, stored_path=relative,
                          channel=ImportChannel.WEB, uploaded_by=actor)
    report.full_clean()
    report.save()
    audit_record(actor=actor, tenant=tenant, action="import.upload", obj=report,
                 after={"file_name": report.file_name, "sha256": sha256, "bytes": size}, ip=ip)
    transaction.on_commit(lambda: tasks.inspect_report.delay(report.pk))
    return report


def report_inspect(*, report: ReportImport) -> ReportImport:
    """Parse the stored file fully once and keep the preview; writes no usage."""
    if not _transition(report, ImportStatus.UPLOADED, ImportStatus.PARSING):
        return report
    path = stored_file(report.stored_path)
    try:
        info = inspect_report(path)
        summary = file_scan(path, info, progress=_db_progress(report))
    except ReportFormatError as exc:
        return _reject(report, ReportRejected.from_format_error(exc))
    _fill(report, info, summary)
    report.preview["domain_check"] = file_domain_check(
        tenant=report.tenant, addresses=summary.senders).as_dict()
    report.status = ImportStatus.PREVIEW_READY
    report.save()
    return report


def report_confirm(*, report: ReportImport, actor, period: Period | None = None,
                   ip: str = "", allow_foreign: bool = False) -> ReportImport:
    """The user said "import": claim the preview and queue the apply task.

    ForeignFile when the preview found the file to be another tenant's and the user
    did not override (the import stays waiting for confirmation)."""
    from readiness.imports import tasks

    if report.format == ReportFormat.EXPORT:
        period = period_validate(start=period and period.start, end=period and period.end)
        report.period_start, report.period_end = period.start, period.end
        report.period_stated = True
    check = DomainCheck.from_dict(report.preview.get("domain_check"))
    if check is not None:
        domain_gate(report=report, check=check, override=allow_foreign, actor=actor, ip=ip,
                    user=actor)
    try:
        with transaction.atomic():
            claimed = ReportImport.objects.filter(
                pk=report.pk, status=ImportStatus.PREVIEW_READY).update(
                status=ImportStatus.IMPORTING, imported_by=actor, progress_done=0,
                heartbeat_at=timezone.now(),
                period_start=report.period_start, period_end=report.period_end,
                period_stated=report.period_stated)
    except IntegrityError:
        raise AlreadyImported(live_import(tenant=report.tenant, sha256=report.sha256)) from None
    report.refresh_from_db()
    if claimed:
        audit_record(actor=actor, tenant=report.tenant, action="import.confirm", obj=report,
                     after=_figures(report), ip=ip)
        transaction.on_commit(lambda: tasks.apply_report.delay(report.pk))
    return report


def report_apply(*, report: ReportImport) -> ReportImport:
    """Second pass of a confirmed upload: stage, then merge all or nothing."""
    if report.status != ImportStatus.IMPORTING:
        return report
    path = stored_file(report.stored_path)
    try:
        info = inspect_report(path)
        _apply(report, path, info, progress=_db_progress(report), actor=report.imported_by,
               source="task", allow_foreign=bool(report.preview.get("domain_override")))
    except ReportFormatError as exc:
        return _reject(report, ReportRejected.from_format_error(exc))
    except ForeignFile as exc:  # the domains changed between the preview and now
        return _reject(report, exc)
    return report


def report_fail(*, report: ReportImport, error: str) -> None:
    """The code or the database broke (not the file): record it for the user."""
    ReportImport.objects.filter(pk=report.pk).exclude(status=ImportStatus.IMPORTED).update(
        status=ImportStatus.FAILED, error=error[:2000])


# --- command line and drop folder: the same passes, without a preview stop ---------------


def report_import(*, tenant: Tenant, path: Path, period: Period | None = None, actor=None,
                  dry_run: bool = False, progress: Progress | None = None,
                  channel: str = ImportChannel.CLI, file_name: str | None = None,
                  allow_foreign: bool = False) -> ReportImport:
    """Import one file end to end. Raises ReportRejected (nothing written; ForeignFile
    when the file looks like another tenant's and `allow_foreign` is not given),
    AlreadyImported (nothing written); returns the ReportImport (unsaved on dry_run)."""
    path = Path(path)
    report = ReportImport(tenant=tenant, file_name=_display_name(file_name or path.name),
                          channel=channel, uploaded_by=actor, imported_by=actor,
                          status=ImportStatus.IMPORTING)
    try:
        if dry_run:  # read in place, keep no copy
            report.sha256, report.file_size = file_sha256(path), path.stat().st_size
        else:  # one read both copies the file and hashes it
            report.stored_path, report.sha256, report.file_size = file_store(
                tenant=tenant, chunks=file_chunks(path))
            path = stored_file(report.stored_path)
        existing = live_import(tenant=tenant, sha256=report.sha256)
        if existing is not None:
            raise AlreadyImported(existing)
        # The date pre-scan is a full pass; PostgreSQL's import checks the dates itself.
        info = inspect_report(path, dates=dry_run or not sql.postgres())
        _stated_period(report, info, period)
        if dry_run:
            summary = file_scan(path, info, progress=progress)
            _fill(report, info, summary)
            report.preview["domain_check"] = file_domain_check(
                tenant=tenant, addresses=summary.senders).as_dict()
            return report
        return _apply(report, path, info, progress=progress, actor=actor,
                      source="cli" if channel == ImportChannel.CLI else "task",
                      allow_foreign=allow_foreign)
    except ReportFormatError as exc:
        file_discard(report.stored_path)
        raise ReportRejected.from_format_error(exc) from None
    except BaseException:
        file_discard(report.stored_path)
        raise


def _stated_period(report: ReportImport, info: FileInfo, period: Period | None) -> None:
    if info.format == ReportFormat.EXPORT:
        period = period_validate(start=period and period.start, end=period and period.end)
        report.period_start, report.period_end, report.period_stated = (
            period.start, period.end, True)


# --- the apply pass ----------------------------------------------------------------------


def _apply(report: ReportImport, path: Path, info: FileInfo, *, progress: Progress | None,
           actor, source: str, allow_foreign: bool = False) -> ReportImport:
    stage: MessageStage | RawStage | None = None
    rows: list[ExportRow] = []
    try:
        if info.format == ReportFormat.DETAILED:
            stage, summary, info = _stage_detailed(path, info, progress)
        else:
            summary = file_scan(path, info, progress=progress, sink=rows.extend)
        # Before any write: the one gate every channel (upload, CLI, drop folder) passes.
        domain_gate(report=report, check=file_domain_check(
            tenant=report.tenant, addresses=summary.senders), override=allow_foreign,
            actor=actor, source=source)
        try:
            with transaction.atomic():
                _merge(report, info, summary, stage, rows, actor=actor, source=source)
        except IntegrityError:
            existing = live_import(tenant=report.tenant, sha256=report.sha256)
            if existing is None:
                raise
            raise AlreadyImported(existing) from None
    finally:
        if stage is not None:
            stage.drop()
    return report


def _stage_detailed(path: Path, info: FileInfo, progress: Progress | None):
    """(stage, summary, info) of a detailed report: on PostgreSQL the raw cells are
    staged and checked in SQL (rawstage.py); a file that path does not take, and
    every file elsewhere, goes through the row parser into a MessageStage."""
    if sql.postgres():
        raw = raw_stage_load(path, info, progress=progress)
        if raw is not None:  # every date was ISO: what the pre-scan would have said
            return raw, raw.summary, replace(info, date_order="iso",
                                              date_order_ambiguous=False)
    if info.date_order is None:  # inspected without the date pre-scan
        info = inspect_report(path)
    stage = MessageStage()
    try:
        return stage, file_scan(path, info, progress=progress, sink=stage.write), info
    except BaseException:
        stage.drop()
        raise


def _merge(report: ReportImport, info: FileInfo, summary: Summary,
           stage: MessageStage | RawStage | None,
           rows: list[ExportRow], *, actor, source: str) -> None:
    """Everything the import changes, inside the caller's single transaction."""
    tenant = report.tenant
    _tenant_lock(tenant)
    _fill(report, info, summary)
    report.status, report.imported_at, report.error = ImportStatus.IMPORTED, timezone.now(), ""
    report.full_clean(validate_constraints=False)  # the DB enforces one live import per file
    report.save()
    sql.work_mem_for_bulk()
    ids = senders_ensure(tenant=tenant, addresses=summary.senders)
    if stage is not None:  # a detailed import only adds messages: add their facts
        report.new_messages = recompute.detailed_import_merge(report=report, stage=stage)
        report.save(update_fields=["new_messages"])
        senders_touch(tenant=tenant, sender_ids=set(ids.values()))
    else:
        _aggregates_upsert(report, rows, ids)
        _facts_recompute(report, sender_ids=set(ids.values()))
    audit_record(actor=actor, tenant=tenant, action="import.apply", obj=report,
                 after=_figures(report), source=source)
    start = report.period_start
    transaction.on_commit(lambda: recompute.usage_followup(tenant=tenant, start=start))


def _aggregates_upsert(report: ReportImport, rows: list[ExportRow], ids: dict[str, int]) -> None:
    # Several rows may share a key (sender, protocol) in one file: they add up.
    merged: dict[tuple[int, str], ExportAggregate] = {}
    for row in rows:
        key = (ids[row.sender], row.auth_method)
        agg = merged.get(key)
        if agg is None:
            merged[key] = ExportAggregate(
                tenant=report.tenant, sender_id=key[0], auth_method=row.auth_method,
                period_start=report.period_start, period_end=report.period_end,
                tls10=row.tls10, tls11=row.tls11, tls12=row.tls12, messages=row.messages,
                report_import=report)
        else:
            agg.messages += row.messages
    ExportAggregate.objects.bulk_create(
        list(merged.values()), update_conflicts=True,
        unique_fields=["tenant", "sender", "period_start", "period_end", "auth_method"],
        update_fields=["tls10", "tls11", "tls12", "messages", "report_import"])


def _facts_recompute(report: ReportImport, *, sender_ids: set[int]) -> None:
    tenant, start, end = report.tenant, report.period_start, report.period_end
    if report.format == ReportFormat.DETAILED:
        recompute.detailed_usage_recompute(tenant=tenant, start=start, end=end)
        source = UsageSource.DETAILED_REPORT
    else:
        recompute.export_usage_recompute(tenant=tenant, start=start, end=end)
        source = UsageSource.EXPORT
    recompute.observations_rebuild(tenant=tenant, source=source, sender_ids=sender_ids)
    covered = selectors.coverage_days(tenant=tenant, start=start, end=end)
    coverage_replace(tenant=tenant, source=source, start=start, end=end,
                     days=[day for day, sources in covered.items() if source in sources])
    senders_touch(tenant=tenant, sender_ids=sender_ids)


# --- deleting an import ------------------------------------------------------------------


def report_delete_request(*, report: ReportImport, actor, ip: str = "") -> bool:
    """Claim the import for deletion and queue the work: deleting a large import and
    re-merging what overlapped it is too long for a web request. False when the import
    is not in a deletable state (running, or already deleted)."""
    from readiness.imports import tasks

    claimed = ReportImport.objects.filter(pk=report.pk, status__in=DELETABLE_STATUSES).update(
        status=ImportStatus.DELETING, error="", progress_done=0, heartbeat_at=timezone.now())
    if claimed:
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        transaction.on_commit(lambda: tasks.delete_report.delay(report.pk, actor_id, ip))
    return bool(claimed)


def report_delete(*, report: ReportImport, actor, ip: str = "", source: str = "web") -> None:
    """Remove an import's contributions and recompute what they touched.

    Messages another import also contained were owned by whichever came first; the
    remaining overlapping imports are re-merged from their stored files so those
    messages stay counted.
    """
    with transaction.atomic():
        _tenant_lock(report.tenant)
        sql.work_mem_for_bulk()
        report = ReportImport.objects.select_for_update().get(pk=report.pk)
        was_imported = report.imported_at is not None  # its usage is in the facts
        before = {"status": report.status, **_figures(report)}
        if was_imported:
            _contributions_remove(report)
        report.status, report.deleted_at = ImportStatus.DELETED, timezone.now()
        report.save(update_fields=["status", "deleted_at"])
        audit_record(actor=actor, tenant=report.tenant, action="import.delete", obj=report,
                     before=before, after={"status": report.status}, ip=ip, source=source)
        stored = report.stored_path
        transaction.on_commit(lambda: file_discard(stored))
        if was_imported:
            tenant, start = report.tenant, report.period_start
            transaction.on_commit(lambda: recompute.usage_followup(tenant=tenant, start=start))


def _contributions_remove(report: ReportImport) -> None:
    if report.format == ReportFormat.DETAILED:  # (tenant, day) is the index to use
        owned = ReportMessage.objects.filter(
            tenant=report.tenant, day__range=(report.period_start, report.period_end),
            report_import=report)
    else:
        owned = report.aggregates.all()
    sender_ids = set(owned.values_list("sender_id", flat=True).distinct())
    owned.delete()
    report.status = ImportStatus.DELETED  # so the re-merge and recompute skip it
    report.save(update_fields=["status"])
    for other in _overlapping(report):
        _remerge(other)
    _facts_recompute(report, sender_ids=sender_ids)


def _overlapping(report: ReportImport):
    others = ReportImport.objects.for_tenant(report.tenant).filter(
        format=report.format, status=ImportStatus.IMPORTED).exclude(pk=report.pk)
    if report.format == ReportFormat.EXPORT:  # aggregates are keyed on the exact period
        others = others.filter(period_start=report.period_start, period_end=report.period_end)
    else:
        others = others.filter(period_start__lte=report.period_end,
                               period_end__gte=report.period_start)
    return others.order_by("imported_at", "pk")


def _remerge(report: ReportImport) -> None:
    path = stored_file(report.stored_path) if report.stored_path else None
    if path is None or not path.exists():
        return  # nothing to re-read; its own remaining rows still count
    info = inspect_report(path)
    if report.format == ReportFormat.EXPORT:
        rows: list[ExportRow] = []
        summary = file_scan(path, info, sink=rows.extend)
        _aggregates_upsert(report, rows, senders_ensure(tenant=report.tenant,
                                                        addresses=summary.senders))
        return
    stage = MessageStage()
    try:
        file_scan(path, info, sink=stage.write)
        stage.merge(tenant_id=report.tenant_id, import_id=report.pk)
    finally:
        stage.drop()


# --- small helpers -----------------------------------------------------------------------


def _tenant_lock(tenant: Tenant) -> None:
    """Serialise a tenant's imports and deletions: two recomputes of overlapping days
    running side by side would both insert the same DailyUsage keys."""
    tenant_lock(tenant)


def _transition(report: ReportImport, old: str, new: str) -> bool:
    """Claim a state change with a conditional UPDATE: exactly one worker wins."""
    won = ReportImport.objects.filter(pk=report.pk, status=old).update(
        status=new, heartbeat_at=timezone.now()) == 1
    if won:
        report.status = new
    return won


def _db_progress(report: ReportImport) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        report.progress_done, report.progress_total = done, total  # a later save keeps them
        ReportImport.objects.filter(pk=report.pk).update(progress_done=done,
                                                         progress_total=total,
                                                         heartbeat_at=timezone.now())
    return progress


def _reject(report: ReportImport, exc: ReportRejected) -> ReportImport:
    report.status = ImportStatus.REJECTED
    report.error, report.error_line = exc.message, exc.line
    report.error_column, report.error_value = exc.column[:100], exc.value[:200]
    report.save(update_fields=["status", "error", "error_line", "error_column", "error_value"])
    return report


def _fill(report: ReportImport, info: FileInfo, summary: Summary) -> None:
    report.format, report.encoding, report.delimiter = info.format, info.encoding, info.delimiter
    report.date_order = info.date_order or ""
    report.date_order_ambiguous = info.date_order_ambiguous
    report.rows, report.senders = summary.rows, len(summary.senders)
    report.messages_basic = summary.messages["basic"]
    report.messages_oauth = summary.messages["oauth"]
    report.messages_unknown = summary.messages["unknown"]
    if info.format == ReportFormat.DETAILED:
        report.period_start, report.period_end = summary.first_day, summary.last_day
    report.preview = {**{k: v for k, v in (report.preview or {}).items()
                         if k in ("domain_check", "domain_override")},
                      "rows": summary.preview, "senders": sorted(summary.senders)[:50]}


def _figures(report: ReportImport) -> dict:
    return {"file_name": report.file_name, "sha256": report.sha256, "format": report.format,
            "rows": report.rows, "senders": report.senders,
            "period": [str(report.period_start), str(report.period_end)]}


def _display_name(name: str) -> str:
    # Only the last path component, and only for display: never used as a path.
    return (Path(name.replace("\\", "/")).name or "report.csv")[:255]


# --- the sweeper: no import or deletion stays "running" after its worker died -------------

WORKER_LOST = ("The worker running this was lost (no heartbeat since {since:%Y-%m-%d %H:%M} "
               "UTC). Nothing was changed; import the file again or delete it.")
DELETE_LOST = ("The deletion was interrupted (worker lost); nothing was removed. Delete it "
               "again.")


def stuck_imports(*, now=None) -> list[ReportImport]:
    cutoff = (now or timezone.now()) - settings.READINESS_STALE_AFTER
    return list(ReportImport.objects.filter(status__in=RUNNING_STATUSES,
                                            heartbeat_at__lt=cutoff)
                .select_related("tenant")[:500])


def stuck_sweep(*, report: ReportImport, now=None) -> str:
    """Re-queue a stuck import or deletion once, else fail it so the user can act.

    Every change is a conditional UPDATE on the (status, heartbeat) the sweeper saw, so
    a worker that is alive after all, or a second sweeper, makes it a no-op. Returns
    "requeued", "failed" or "" (someone else moved it first)."""
    now = now or timezone.now()
    seen = ReportImport.objects.filter(pk=report.pk, status=report.status,
                                       heartbeat_at=report.heartbeat_at)
    task, restart_as = _requeue_plan(report)
    if report.sweeps == 0 and task is not None:
        if not seen.update(status=restart_as, sweeps=1, heartbeat_at=now):
            return ""
        transaction.on_commit(lambda: task.delay(*_task_args(report)))
        return "requeued"
    if report.status == ImportStatus.DELETING:
        # The deletion is one transaction: if it died, everything it would remove is there.
        back = ImportStatus.IMPORTED if report.imported_at else ImportStatus.FAILED
        won = seen.update(status=back, error=DELETE_LOST, heartbeat_at=now,
                          sweeps=report.sweeps + 1)
    else:
        won = seen.update(status=ImportStatus.FAILED, heartbeat_at=now,
                          sweeps=report.sweeps + 1,
                          error=WORKER_LOST.format(since=report.heartbeat_at))
    return "failed" if won else ""


def _requeue_plan(report: ReportImport):
    """(task, the status it starts from), or (None, None) when nothing can redo it: a
    command-line or drop-folder import has no stored file a worker could read again."""
    from readiness.imports import tasks

    if not report.stored_path:
        return None, None
    return {
        ImportStatus.UPLOADED: (tasks.inspect_report, ImportStatus.UPLOADED),
        ImportStatus.PARSING: (tasks.inspect_report, ImportStatus.UPLOADED),
        ImportStatus.IMPORTING: (tasks.apply_report, ImportStatus.IMPORTING),
        ImportStatus.DELETING: (tasks.delete_report, ImportStatus.DELETING),
    }.get(report.status, (None, None))


def _task_args(report: ReportImport) -> tuple:
    if report.status == ImportStatus.DELETING:
        return report.pk, None, ""
    return (report.pk,)
