"""One streaming pass over a report file: validate every row, summarise, and hand
batches to an optional sink (the staging table). Nothing here writes usage."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path

from django.utils.translation import gettext as _

from readiness.core.values import MAX_COUNT
from readiness.imports.models import MESSAGE_ID_MAX
from readiness.imports.parsing import (
    DetailedRow,
    ExportRow,
    FileInfo,
    ReportFormatError,
    iter_report_rows,
)

BATCH = 10_000  # rows per sink call and per progress update
PREVIEW_ROWS = 20
# Column widths of the tables the rows land in; a longer value is refused, not cut.
LIMITS = {"sender": 320, "client_ip": 64, "tls_version": 16, "message_id": MESSAGE_ID_MAX}
COLUMN_NAMES = {"sender": "senderName", "client_ip": "original_client_ip",
                "tls_version": "tls_version", "message_id": "message_id"}

Progress = Callable[[int, int], None]
Row = DetailedRow | ExportRow


@dataclass
class Summary:
    """What a pass learned about the file: the preview and the import's figures."""

    rows: int = 0
    senders: set[str] = field(default_factory=set)
    messages: dict[str, int] = field(default_factory=lambda: {"basic": 0, "oauth": 0,
                                                               "unknown": 0})
    first_day: date | None = None
    last_day: date | None = None
    preview: list[dict] = field(default_factory=list)

    def add(self, batch: list[Row]) -> None:
        if len(self.preview) < PREVIEW_ROWS:
            self.preview.extend(preview_row(r) for r in batch[: PREVIEW_ROWS - len(self.preview)])
        self.rows += len(batch)
        if isinstance(batch[0], DetailedRow):
            self._add_detailed(batch)
        else:
            for row in batch:
                self.senders.add(row.sender)
                self.messages[row.auth_method] += row.messages
        if sum(self.messages.values()) > MAX_COUNT:
            # Each row is in range, but the rollups sum them: the file as a whole must be.
            line = batch[-1].line
            raise ReportFormatError(
                _("Up to line %(line)s, the message counts add up to more than %(max)s, which "
                  "no report can contain.") % {"line": line, "max": f"{MAX_COUNT:,}"},
                line=line,
                column="message_count" if isinstance(batch[0], DetailedRow) else "Messages sent")

    def _add_detailed(self, batch: list[DetailedRow]) -> None:
        senders, messages = self.senders, self.messages
        days = set()
        for row in batch:
            senders.add(row.sender)
            messages[row.auth_method] += row.message_count
            days.add(row.day)
            if len(row.message_id) > MESSAGE_ID_MAX or len(row.tls_version) > 16 or (
                len(row.client_ip) > 64 or len(row.sender) > 320
            ):
                raise _too_long(row)
        low, high = min(days), max(days)
        self.first_day = low if self.first_day is None else min(self.first_day, low)
        self.last_day = high if self.last_day is None else max(self.last_day, high)


def _too_long(row: DetailedRow) -> ReportFormatError:
    for attr, limit in LIMITS.items():
        value = getattr(row, attr)
        if len(value) > limit:
            column = COLUMN_NAMES[attr]
            return ReportFormatError(
                _('Line %(line)s, column "%(column)s": the value is longer than %(limit)s '
                  "characters.") % {"line": row.line, "column": column, "limit": limit},
                line=row.line, column=column, value=value[:200])
    raise AssertionError("no value was too long")


def preview_row(row: Row) -> dict:
    if isinstance(row, DetailedRow):
        return {"line": row.line, "day": row.day.isoformat(), "sender": row.sender,
                "auth_method": row.auth_method, "client_ip": row.client_ip,
                "tls_version": row.tls_version, "messages": row.message_count,
                "message_id": row.message_id[:120]}
    return {"line": row.line, "sender": row.sender, "auth_method": row.auth_method,
            "tls10": row.tls10, "tls11": row.tls11, "tls12": row.tls12,
            "messages": row.messages}


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


def file_scan(path: Path, info: FileInfo, *, sink: Callable[[list[Row]], None] | None = None,
              progress: Progress | None = None) -> Summary:
    """Read every row once; raise ReportFormatError at the first bad one.

    Progress is reported as (bytes read, file size) after every batch.
    """
    summary, done = Summary(), 0
    with open(path, "rb") as f:
        total = os.fstat(f.fileno()).st_size
        for batch in _batches(iter_report_rows(f, info)):
            summary.add(batch)
            if sink is not None:
                sink(batch)
            if progress is not None:
                # max(): the parser rewinds the file once its last row is read.
                done = max(done, min(f.tell(), total))
                progress(done, total)
    if progress is not None:
        progress(total, total)
    return summary
