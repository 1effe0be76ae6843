"""Header recognition and csv-level helpers shared by both passes."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ._model import ReportFormatError
from ._text import line_batches

DETAILED = (
    "date",
    "senderName",
    "senderDomain",
    "authMethod",
    "original_client_ip",
    "tls_version",
    "tls_cipher",
    "message_count",
    "message_id",
)
EXPORT = ("Sender address", "Domain", "TLS 1.0", "TLS 1.1", "TLS 1.2", "Messages sent")
EXPORT_PROTOCOL = "Authentication protocol"


@dataclass(frozen=True, slots=True)
class Header:
    format: str
    delimiter: str
    names: list[str]  # as written in the file, stripped
    index: dict[str, int]  # canonical column name -> position


def normalize(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).casefold()


_CANONICAL = {normalize(n): n for n in (*DETAILED, *EXPORT, EXPORT_PROTOCOL)}


def open_csv(f: BinaryIO, codec: str) -> tuple[Header, Iterator[list[str]]]:
    lines = itertools.chain.from_iterable(line_batches(f, codec))
    first = next(lines, None)
    if first is None or not first.strip():
        if first is None or all(not line.strip() for line in lines):
            raise ReportFormatError(_("The file is empty."))
        raise ReportFormatError(_("Line 1 is empty; expected the header row."), line=1)
    header = _parse_header(first)
    reader = csv.reader(lines, delimiter=header.delimiter, strict=True)
    return header, reader


def open_csv_text(f: BinaryIO, codec: str) -> tuple[Header, Iterator[list[str]]]:
    """open_csv for a caller that gives up on any problem rather than report it (the
    PostgreSQL fast path): the csv module reads an io text layer directly, without
    line_batches' per-line checks; a decoding error raises UnicodeDecodeError."""
    text = io.TextIOWrapper(f, encoding=codec, errors="strict", newline="")
    header = _parse_header(text.readline())
    return header, csv.reader(text, delimiter=header.delimiter, strict=True)


def _parse_header(line: str) -> Header:
    # The delimiter is whichever candidate splits the header into the most known columns.
    best: tuple[int, str, list[str]] = (0, ",", [])
    for delimiter in (",", ";", "\t"):
        try:
            fields = next(csv.reader([line], delimiter=delimiter, strict=True), [])
        except csv.Error:
            continue
        known = sum(normalize(f) in _CANONICAL for f in fields)
        if known > best[0]:
            best = (known, delimiter, fields)
    known, delimiter, fields = best
    if known < 2:
        raise ReportFormatError(
            _("This is not an SMTP AUTH clients report: expected columns %(detailed)s "
              "(detailed report) or %(export)s (Export).")
            % {"detailed": ", ".join(DETAILED),
               "export": f"{', '.join(EXPORT)}[, {EXPORT_PROTOCOL}]"},
            line=1,
        )
    return _header_from_fields(delimiter, [f.strip() for f in fields])


def _header_from_fields(delimiter: str, names: list[str]) -> Header:
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        canonical = _CANONICAL.get(normalize(name))
        if canonical is None:
            continue  # extra columns are allowed and ignored
        if canonical in index:
            raise ReportFormatError(_('Column "%(name)s" appears twice in the header.')
                                    % {"name": name}, line=1)
        index[canonical] = position
    detailed = sum(n in index for n in DETAILED)
    fmt, required = ("detailed", DETAILED) if detailed >= len(index) / 2 else ("export", EXPORT)
    missing = [n for n in required if n not in index]
    if missing:
        listed = ", ".join(f'"{n}"' for n in missing)
        if fmt == "detailed":
            text = ngettext("The file looks like the SMTP AUTH detailed report but the column "
                            "%(columns)s is missing.",
                            "The file looks like the SMTP AUTH detailed report but the columns "
                            "%(columns)s are missing.", len(missing))
        else:
            text = ngettext("The file looks like the SMTP AUTH Export but the column "
                            "%(columns)s is missing.",
                            "The file looks like the SMTP AUTH Export but the columns "
                            "%(columns)s are missing.", len(missing))
        raise ReportFormatError(
            text % {"columns": listed},
            line=1,
            column=missing[0],
        )
    return Header(fmt, delimiter, names, index)


def csv_error(reader: Iterator[list[str]], exc: csv.Error) -> ReportFormatError:
    line = getattr(reader, "line_num", 0) + 1  # +1: the header was read outside the reader
    return ReportFormatError(_("Line %(line)s is not valid CSV (%(problem)s).")
                             % {"line": line, "problem": exc}, line=line)


def is_blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def require_data(reader: Iterator[list[str]]) -> None:
    try:
        if all(is_blank(row) for row in reader):
            raise ReportFormatError(_("The file has a header but no data rows."))
    except csv.Error as exc:
        raise csv_error(reader, exc) from None
