"""The second pass: turn csv records into row objects, all or nothing."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date

from django.utils.translation import gettext as _

from readiness.core.values import EARLIEST_DAY, day_problem, latest_day

from ._csvfile import DETAILED, EXPORT, EXPORT_PROTOCOL, Header, csv_error, is_blank
from ._model import BadValue, DetailedRow, ExportRow, ReportFormatError
from ._values import auth_method, percent, sender_address, whole_number

SENDER_CACHE = 100_000  # bounded: a file of a million different senders stays flat


def parse_rows(
    reader: Iterator[list[str]],
    header: Header,
    build: Callable[[list[str], int], DetailedRow | ExportRow],
) -> Iterator[DetailedRow | ExportRow]:
    width, blank_at, count = len(header.names), 0, 0
    try:
        for line, row in enumerate(reader, 2):
            if len(row) == width:
                try:
                    item = build(row, line)
                except BadValue as exc:
                    if not is_blank(row):
                        raise _cell_error(line, header, row, exc) from None
                    blank_at = blank_at or line
                    continue
            elif is_blank(row):
                blank_at = blank_at or line
                continue
            else:
                raise ReportFormatError(
                    _("Line %(line)s has %(fields)s fields but the header has %(width)s.")
                    % {"line": line, "fields": len(row), "width": width}, line=line
                )
            if blank_at:  # blank lines are tolerated only as trailing ones
                raise ReportFormatError(
                    _("Line %(line)s is empty; blank lines are allowed only at the end.")
                    % {"line": blank_at},
                    line=blank_at,
                )
            count += 1
            yield item
    except csv.Error as exc:
        raise csv_error(reader, exc) from None
    if not count:
        raise ReportFormatError(_("The file has a header but no data rows."))


def _cell_error(line: int, header: Header, row: list[str], exc: BadValue) -> ReportFormatError:
    index = exc.index if exc.index is not None else 0
    column, value = header.names[index], row[index]
    shown = value if len(value) <= 80 else value[:77] + "..."
    return ReportFormatError(
        _('Line %(line)s, column "%(column)s": "%(value)s" %(problem)s.')
        % {"line": line, "column": column, "value": shown, "problem": exc.problem},
        line=line,
        column=column,
        value=value,
    )


def detailed_builder(
    index: dict[str, int], parse_day: Callable[[str], date]
) -> Callable[[list[str], int], DetailedRow]:
    i_date, i_name, i_domain, i_auth, i_ip, i_ver, i_cipher, i_count, i_id = (
        index[n] for n in DETAILED
    )

    latest = latest_day()  # once per file: a long import must not move the bound
    # A file names few senders many times: each (name, domain) is checked once.
    senders: dict[tuple[str, str], str] = {}

    def build(row: list[str], line: int) -> DetailedRow:
        k = i_date  # which cell is being parsed, for the error message
        try:
            day = parse_day(row[k])
            if not EARLIEST_DAY <= day <= latest:
                raise BadValue(day_problem(day) or _("is in the future"))
            k = i_auth
            auth = auth_method(row[k])
            k = i_count
            count = whole_number(row[k])
            k = i_id
            message_id = row[k].strip()
            if not message_id:
                raise BadValue(_("is empty; every message needs an ID"))
            k = i_name
            pair = (row[k], row[i_domain])
            sender = senders.get(pair)
            if sender is None:
                sender = sender_address(*pair, i_domain)
                if len(senders) < SENDER_CACHE:
                    senders[pair] = sender
        except BadValue as exc:
            exc.index = k if exc.index is None else exc.index
            raise
        ip, version, cipher = row[i_ip].strip(), row[i_ver].strip(), row[i_cipher].strip()
        return DetailedRow(line, day, sender, auth, ip, version, cipher, count, message_id)

    return build


def export_builder(index: dict[str, int]) -> Callable[[list[str], int], ExportRow]:
    i_sender, i_domain, i_10, i_11, i_12, i_sent = (index[n] for n in EXPORT)
    i_proto = index.get(EXPORT_PROTOCOL)

    def build(row: list[str], line: int) -> ExportRow:
        k = i_sender
        try:
            sender = sender_address(row[k], row[i_domain], i_domain)
            k = i_10
            tls10 = percent(row[k])
            k = i_11
            tls11 = percent(row[k])
            k = i_12
            tls12 = percent(row[k])
            k = i_sent
            messages = whole_number(row[k])
            k = i_proto if i_proto is not None else k
            auth = "unknown" if i_proto is None else auth_method(row[k])
        except BadValue as exc:
            exc.index = k if exc.index is None else exc.index
            raise
        domain = row[i_domain].strip().lower() or sender.partition("@")[2]
        return ExportRow(line, sender, domain, auth, tls10, tls11, tls12, messages)

    return build
