"""The drop folder: REPORT_INBOX_DIR/<tenant slug>/ is watched by imports.scan_inbox.

Each file is claimed by renaming it into ``processing/`` (rename is atomic within a
file system, so two workers never take the same file), imported through the same
service as uploads, then moved to ``processed/`` or ``failed/``; a failed file gets a
``<name>.reason.txt`` beside it. Export files need their period, from the file name
(``..._2026-11-01_2026-11-28.csv``) or a sidecar ``<name>.period`` file holding
``2026-11-01 2026-11-28``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from readiness.imports.choices import ImportChannel
from readiness.imports.services import AlreadyImported, Period, ReportRejected, report_import
from readiness.imports.storage import file_move
from readiness.tenancy.models import Tenant

logger = logging.getLogger(__name__)
SUBFOLDERS = ("processing", "processed", "failed")
STALE_CLAIM_SECONDS = 2 * 3600  # longer than the scan task's hard time limit
SIDECAR = ".period"
_PERIOD = re.compile(r"(\d{4}-\d{2}-\d{2})\s*(?:_|\s|\.\.|/|to)\s*(\d{4}-\d{2}-\d{2})")
PERIOD_HELP = (
    "An Export file has no dates. Put the period in the file name, e.g. "
    "smtp-auth-clients_2026-11-01_2026-11-28.csv, or drop a file named "
    "'{name}.period' containing '2026-11-01 2026-11-28' next to it."
)


def inbox_scan(*, min_age_seconds: float = 10) -> dict[str, int]:
    """Import every waiting file of every tenant's inbox; return counts by outcome.

    Files younger than ``min_age_seconds`` may still be being copied in: next minute.
    """
    root = Path(settings.REPORT_INBOX_DIR)
    outcome = {"processed": 0, "failed": 0}
    if not root.is_dir():
        return outcome
    slugs = [d.name for d in root.iterdir() if d.is_dir()]
    for tenant in Tenant.objects.filter(slug__in=slugs).order_by("slug"):
        _release_stale(root / tenant.slug)
        for path in _waiting(root / tenant.slug, min_age_seconds):
            claimed = _claim(path)
            if claimed is not None:
                outcome[inbox_file_import(tenant=tenant, path=claimed, origin=path.parent)] += 1
    return outcome


def _waiting(folder: Path, min_age: float) -> list[Path]:
    cutoff = time.time() - min_age
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(
            (SIDECAR, ".reason.txt", ".part", ".tmp")) and p.stat().st_mtime <= cutoff
    )


def _claim(path: Path) -> Path | None:
    target = path.parent / "processing" / path.name
    target.parent.mkdir(exist_ok=True)
    try:
        path.rename(target)
    except FileNotFoundError:  # another worker claimed it first
        return None
    os.utime(target)  # the claim time, so a worker that died can be told from a slow one
    return target


def _release_stale(folder: Path) -> None:
    """Put back files whose worker died mid-import (claimed longer ago than any task
    may run), so the next scan retries them instead of leaving them stuck."""
    processing = folder / "processing"
    if not processing.is_dir():
        return
    cutoff = time.time() - STALE_CLAIM_SECONDS
    for path in processing.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            with contextlib.suppress(FileNotFoundError):  # another scan put it back first
                path.rename(folder / path.name)


def inbox_file_import(*, tenant: Tenant, path: Path, origin: Path) -> str:
    """Import one claimed file; move it (and its sidecar) to processed/ or failed/."""
    sidecar = origin / (path.name + SIDECAR)
    try:
        period = _period_for(path.name, sidecar)
        report = report_import(tenant=tenant, path=path, period=period,
                               channel=ImportChannel.INBOX)
    except (ReportRejected, AlreadyImported) as exc:
        return _fail(path, origin, sidecar, str(exc))
    except Exception:
        logger.exception("inbox import of %s for %s broke", path.name, tenant.slug)
        return _fail(path, origin, sidecar, "The import failed because of an internal error; "
                     "the file was left unchanged. Drop it again later or upload it.")
    file_move(path, origin / "processed")
    if sidecar.exists():
        file_move(sidecar, origin / "processed")
    logger.info("inbox import %s: %s rows for %s", report.pk, report.rows, tenant.slug)
    return "processed"


def _period_for(name: str, sidecar: Path) -> Period | None:
    if sidecar.exists():
        found = _PERIOD.search(sidecar.read_text(encoding="utf-8", errors="replace")[:200])
        if not found:
            raise ReportRejected(_("%(file)s does not hold a period like "
                                   "“2026-11-01 2026-11-28”.") % {"file": sidecar.name})
        return _as_period(found)
    found = _PERIOD.search(name)
    return _as_period(found) if found else None


def _as_period(found: re.Match) -> Period:
    try:
        return Period(date.fromisoformat(found[1]), date.fromisoformat(found[2]))
    except ValueError:
        raise ReportRejected(_("“%(text)s” is not a valid period of two dates.")
                             % {"text": found[0]}) from None


def _fail(path: Path, origin: Path, sidecar: Path, reason: str) -> str:
    if "An Export file has no dates" in reason:
        reason = PERIOD_HELP.format(name=path.name)
    moved = file_move(path, origin / "failed")
    moved.with_name(moved.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    if sidecar.exists():
        file_move(sidecar, origin / "failed")
    return "failed"
