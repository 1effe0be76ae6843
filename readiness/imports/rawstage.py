"""PostgreSQL's fast path for detailed reports: the csv module (in C) splits the file,
the raw cells go to a TEMP table by COPY, and the merge normalises them in SQL. The
checks run column by column over each batch of 10,000 records with C-level loops (map,
set, Counter, one compiled regex), and the few distinct senders, methods, counts and
days are checked once each by the row parser's own functions: no Python code runs per
row, where the row parser (parsing/_rows.py) validates every cell in Python at about
5x the cost of csv.reader (bench/README.md). PostgreSQL's regular expressions were
tried for the checks and cost more than the whole parse (5 s per million dates).

The fast path is exact by construction. It accepts a file only when

- every record has the header's width (so no blank lines either);
- every date is ISO 8601 in UTC ("2026-11-18", "...T06:01:12[.fffffff][Z]"), a real
  calendar day from EARLIEST_DAY to latest_day(): the day is the text's first ten
  characters, as the row parser makes it;
- every count is 1 to 9 ASCII digits, every message ID, client IP and TLS version is
  within its length and has no leading or trailing space or control character (so
  Python's strip() would not change it), and no message ID is empty;
- every distinct (senderName, senderDomain) pair and authMethod passes the very
  functions the row parser calls (sender_address, auth_method), in Python: a file
  names a few thousand senders, not a million;
- the message counts add up to at most MAX_COUNT.

Anything else (a bad row, a slash date, a count written "1,280", a trailing blank
line, a zone offset) makes it give up: raw_stage_load returns None, and the caller
runs the row parser, which imports the file the same way or rejects it with the line
and the reason. So the results and the messages are the row parser's in every case.
"""

from __future__ import annotations

import csv
import gc
import os
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from itertools import islice
from operator import itemgetter
from pathlib import Path

import psycopg
from django.db import DatabaseError, connection

from readiness.core.values import EARLIEST_DAY, MAX_COUNT, latest_day
from readiness.imports.models import MESSAGE_ID_MAX, ReportMessage
from readiness.imports.parsing import (
    DETAILED,
    BadValue,
    FileInfo,
    Header,
    ReportFormatError,
    auth_method,
    day_parser,
    detailed_builder,
    open_records,
    sender_address,
)
from readiness.imports.scanning import BATCH, PREVIEW_ROWS, Summary, preview_row
from readiness.imports.staging import DEDUPE
from readiness.senders.models import Sender

MAX_DISTINCT = 200_000  # distinct sender pairs (or counts) checked; more: the row parser
# The ISO 8601 UTC forms the row parser reads as "the first ten characters are the day".
ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}(?:[Tt ](?:[01]\d|2[0-3]):[0-5]\d"
                     r"(?::[0-5]\d(?:[.,]\d{1,9})?)?)?[Zz]?", re.ASCII)
DAY = itemgetter(slice(0, 10))


class _GiveUp(Exception):
    """The file is not in the plain form the fast path handles."""


class RawStage:
    """The raw cells of one file, c0..cN as text, in a session TEMP table."""

    def __init__(self, header: Header) -> None:
        self.table = f"import_raw_{uuid.uuid4().hex[:12]}"
        self.width = len(header.names)
        self.index = {name: header.index[name] for name in DETAILED}
        self.summary = Summary()
        # Distinct values seen, checked once each in check().
        self.pairs: set[tuple[str, str]] = set()  # (senderName, senderDomain)
        self.tally: Counter[tuple[str, str]] = Counter()  # (authMethod, count) -> rows
        self.days: set[str] = set()
        self.addresses: dict[tuple[str, str], str] = {}
        self.methods: dict[str, str] = {}
        cells = ", ".join(f"c{i} text" for i in range(self.width))
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({cells})")

    # -- loading ---------------------------------------------------------------------

    def copy_from(self, f, reader, progress: Callable[[int, int], None] | None) -> None:
        """COPY every record, checking each batch; _GiveUp at the first doubt.

        The COPY of a batch runs in a thread while the next batch is read and checked:
        PostgreSQL takes the rows on the other core (1,000,000 rows: ~0.9 s of waiting
        hidden, bench/README.md). The progress is written between two COPYs, from this
        thread: a connection in the middle of a COPY cannot take another statement."""
        total, done = os.fstat(f.fileno()).st_size, 0
        copier = _Copier(self.table)
        with _no_cyclic_gc(), ThreadPoolExecutor(1) as pool:
            pending = None
            try:
                while batch := list(islice(reader, BATCH)):
                    self._take(batch)
                    text = _copy_text(batch, self.width)
                    if pending is not None:
                        pending.result()
                    if progress is not None:
                        done = max(done, min(f.tell(), total))
                        progress(done, total)
                    pending = pool.submit(copier.copy, text)
            finally:
                if pending is not None:
                    pending.result()  # never leave a COPY running; raises its error
        if progress is not None:
            progress(total, total)
        with connection.cursor() as cursor:  # a TEMP table has no statistics otherwise
            cursor.execute(f"ANALYZE {self.table}")

    def _take(self, batch: list[list[str]]) -> None:
        """Check a batch column by column (C-level loops) and note its distinct values."""
        if set(map(len, batch)) != {self.width}:  # also a blank line: the row parser
            raise _GiveUp
        if not self.summary.preview:
            self._preview(batch)
        columns = list(zip(*batch, strict=True))  # transposed in C
        i = self.index
        column = lambda name: columns[i[name]]  # noqa: E731
        dates = column("date")
        if not all(map(ISO_UTC.fullmatch, dates)):
            raise _GiveUp
        self.days.update(map(DAY, dates))
        # Message ID, client IP, TLS version: as the row parser would store them (its
        # strip() changes nothing) and within their columns' widths.
        for name, limit, empty_ok in (("message_id", MESSAGE_ID_MAX, False),
                                      ("original_client_ip", 64, True),
                                      ("tls_version", 16, True)):
            cells = column(name)
            if (tuple(map(str.strip, cells)) != cells or max(map(len, cells)) > limit
                    or not (empty_ok or all(cells))):
                raise _GiveUp
        self.pairs.update(zip(column("senderName"), column("senderDomain"), strict=True))
        self.tally.update(zip(column("authMethod"), column("message_count"), strict=True))
        if len(self.pairs) > MAX_DISTINCT or len(self.tally) > MAX_DISTINCT:
            raise _GiveUp
        self.summary.rows += len(batch)

    def _preview(self, batch: list[list[str]]) -> None:
        build = detailed_builder(self.index, day_parser("iso"))
        try:
            self.summary.preview = [preview_row(build(row, line))
                                    for line, row in enumerate(batch[:PREVIEW_ROWS], 2)]
        except BadValue:
            raise _GiveUp from None

    # -- checking --------------------------------------------------------------------

    def check(self) -> None:
        """Check the distinct values with the row parser's own functions and fill the
        summary; _GiveUp when the row parser must handle the file."""
        latest = latest_day()
        try:
            days = {_iso_day(text) for text in self.days}
            self.addresses = {pair: sender_address(*pair, 0) for pair in self.pairs}
            self.methods = {m: auth_method(m) for m, _ in self.tally}
        except (BadValue, ValueError):
            raise _GiveUp from None
        if not days or min(days) < EARLIEST_DAY or max(days) > latest:
            raise _GiveUp
        messages = {"basic": 0, "oauth": 0, "unknown": 0}
        for (method, count), rows in self.tally.items():
            # The cast in the merge must read what whole_number() reads: plain digits.
            if not (count.isdigit() and count.isascii() and len(count) < 10):
                raise _GiveUp
            messages[self.methods[method]] += int(count) * rows
        if sum(messages.values()) > MAX_COUNT:
            raise _GiveUp
        self.summary.first_day, self.summary.last_day = min(days), max(days)
        self.summary.messages = messages
        self.summary.senders = set(self.addresses.values())

    # -- merging (the same contract as staging.MessageStage) --------------------------

    def merge_statement(self, *, tenant_id: int, import_id: int,
                        dedupe: bool = True) -> tuple[str, list]:
        """The INSERT of the staged messages not already known (statement, params).
        Senders must exist already (senders_ensure): their ids are looked up here, once
        per distinct (senderName, senderDomain), into a small analysed TEMP table."""
        c = {name: f"r.c{index}" for name, index in self.index.items()}
        names, domains = zip(*self.addresses, strict=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table}_snd AS SELECT m.name, m.domain, "  # noqa: S608
                "s.id AS sender_id FROM unnest(%s::text[], %s::text[], %s::text[]) "
                f"AS m(name, domain, address) JOIN {Sender._meta.db_table} s "
                "ON s.tenant_id = %s AND s.address = m.address",
                [list(names), list(domains), list(self.addresses.values()), tenant_id])
            # With the statistics the planner hashes this small table and reads the
            # messages in file order: a hash of the million rows instead (its guess
            # without them) inserted them in sender order, at twice the index cost.
            cursor.execute(f"ANALYZE {self.table}_snd")
        method = "CASE " + " ".join(["WHEN %s THEN %s"] * len(self.methods)) + " END"
        messages = ReportMessage._meta.db_table
        sql = (
            f"INSERT INTO {messages} (tenant_id, message_id, report_import_id, day, "  # noqa: S608
            "sender_id, auth_method, count, client_ip, tls_version) "
            f"SELECT %s, {c['message_id']}, %s, left({c['date']}, 10)::date, m.sender_id, "
            f"{method.replace('WHEN', 'WHEN ' + c['authMethod'] + ' =')}, "
            f"{c['message_count']}::integer, {c['original_client_ip']}, {c['tls_version']} "
            f"FROM {self.table} r JOIN {self.table}_snd m ON m.name = {c['senderName']} "
            f"AND m.domain = {c['senderDomain']} WHERE true "
            + (DEDUPE if dedupe else ""))
        methods = [value for pair in self.methods.items() for value in pair]
        return sql, [tenant_id, import_id, *methods]

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}, {self.table}_snd")


def raw_stage_load(path: Path, info: FileInfo, *,
                   progress: Callable[[int, int], None] | None = None) -> RawStage | None:
    """Stage and check a detailed report on PostgreSQL; None when the row parser must
    handle it (the file is not in the plain form, or is bad: it then says why)."""
    stage = None
    try:
        with open(path, "rb") as f:
            header, reader = open_records(f, info)
            stage = RawStage(header)
            stage.copy_from(f, reader, progress)
        stage.check()
        return stage
    except (_GiveUp, ReportFormatError, csv.Error, UnicodeDecodeError, DatabaseError):
        if stage is not None:
            stage.drop()
        return None


class _Copier:
    """One COPY per batch on the Django connection's psycopg connection, from a worker
    thread (Django's own wrapper is bound to the thread that opened it). Inside a
    transaction each COPY is in its own savepoint, so a refused batch (a NUL byte, say)
    leaves the caller's transaction usable for the row parser; a refusal is raised as a
    DatabaseError, which makes raw_stage_load give up."""

    def __init__(self, table: str) -> None:
        connection.ensure_connection()
        self.pg = connection.connection
        self.table = table
        self.savepoint = connection.in_atomic_block

    def copy(self, text: str) -> None:
        try:
            with self.pg.cursor() as cursor:
                if self.savepoint:
                    cursor.execute("SAVEPOINT import_raw_copy")
                try:
                    with cursor.copy(f"COPY {self.table} FROM STDIN") as copy:
                        copy.write(text)
                except Exception:
                    if self.savepoint:
                        cursor.execute("ROLLBACK TO SAVEPOINT import_raw_copy")
                    raise
                if self.savepoint:
                    cursor.execute("RELEASE SAVEPOINT import_raw_copy")
        except psycopg.Error as exc:
            raise DatabaseError(str(exc)) from exc


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Records are lists of strings (no cycles to collect), but a million of them make
    the cyclic collector run thousands of times: 15-25 % of the read (bench/README.md)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _copy_text(batch: list[list[str]], width: int) -> str:
    """COPY's text format for a batch, joined in C (map, str.join). A cell holding a
    character that format must escape sends its batch through the escaping path."""
    text = "\n".join(map("\t".join, batch)) + "\n"
    if ("\\" not in text and "\r" not in text and text.count("\n") == len(batch)
            and text.count("\t") == (width - 1) * len(batch)):
        return text
    return "".join("\t".join(map(_escape, row)) + "\n" for row in batch)


def _escape(cell: str) -> str:
    return (cell.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _iso_day(text: str) -> date:
    """The day of an ISO prefix (ValueError when no such day), as the row parser reads it."""
    if not text[:4].isdigit():
        raise ValueError(text)
    return date(int(text[:4]), int(text[5:7]), int(text[8:10]))

