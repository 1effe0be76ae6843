"""Streaming parser for the Exchange admin center "SMTP AUTH clients" report files.

Two formats are recognised from the header: the detailed "Request report"
(``SmtpCSReport_*.csv``, one row per message) and the on-screen report's Export
(per-sender totals, no dates). The file is read in binary chunks and decoded
incrementally, so memory stays flat however big the file is. Any problem with
the file's content is raised as :class:`ReportFormatError` with a message meant
for the person who uploaded it. No Django here: the import service calls this.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import BinaryIO

Source = str | os.PathLike[str] | BinaryIO

_CHUNK = 1 << 20  # bytes read per step: big enough to amortise Python overhead
_MAX_LINE = 1 << 20  # characters; a longer "line" means binary garbage, not a CSV
_HEAD = 4096

_DETAILED = (
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
_EXPORT = ("Sender address", "Domain", "TLS 1.0", "TLS 1.1", "TLS 1.2", "Messages sent")
_EXPORT_PROTOCOL = "Authentication protocol"

_AUTH_METHODS = {
    "basic": "basic",
    "basicauth": "basic",
    "basic authentication": "basic",
    "oauth": "oauth",
    "oauth2": "oauth",
    "xoauth2": "oauth",
    "modern": "oauth",
    "modern authentication": "oauth",
}


class ReportFormatError(ValueError):
    """The uploaded file is not a report we can import; ``str()`` is user-facing."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.value = value


@dataclass(frozen=True, slots=True)
class DetailedRow:
    line: int
    day: date
    sender: str
    auth_method: str  # "basic" | "oauth"
    client_ip: str
    tls_version: str
    tls_cipher: str
    message_count: int
    message_id: str


@dataclass(frozen=True, slots=True)
class ExportRow:
    line: int
    sender: str
    domain: str
    auth_method: str  # "basic" | "oauth" | "unknown"
    tls10: float
    tls11: float
    tls12: float
    messages: int


@dataclass(frozen=True, slots=True)
class FileInfo:
    format: str  # "detailed" | "export"
    encoding: str  # "utf-16-le" | "utf-16-be" | "utf-8-sig" | "utf-8"
    delimiter: str
    date_order: str | None  # "iso" | "mdy" | "dmy"; None for the export
    date_order_ambiguous: bool
    columns: list[str]


# --------------------------------------------------------------------------- public API


def inspect_report(source: Source) -> FileInfo:
    """Sniff encoding, delimiter and format, and pre-scan the dates for their order."""
    with _binary(source) as f:
        encoding, codec = _sniff_encoding(f)
        header, reader = _open_csv(f, codec)
        if header.format == "export":
            _require_data(reader)
            order, ambiguous = None, False
        else:
            order, ambiguous = _scan_date_order(reader, header.index["date"])
    return FileInfo(
        format=header.format,
        encoding=encoding,
        delimiter=header.delimiter,
        date_order=order,
        date_order_ambiguous=ambiguous,
        columns=header.names,
    )


def iter_report_rows(source: Source, info: FileInfo) -> Iterator[DetailedRow | ExportRow]:
    """Yield parsed rows; raise ReportFormatError at the first bad one.

    ``info`` must come from :func:`inspect_report` on the same file: the date
    order it decided is applied here.
    """
    with _binary(source) as f:
        encoding, codec = _sniff_encoding(f)
        header, reader = _open_csv(f, codec)
        if (encoding, header.delimiter, header.names) != (
            info.encoding,
            info.delimiter,
            info.columns,
        ):
            raise ReportFormatError("The file changed after it was inspected; upload it again.")
        if header.format == "detailed":
            build = _detailed_builder(header.index, _day_parser(info.date_order))
        else:
            build = _export_builder(header.index)
        yield from _rows(reader, header, build)


# --------------------------------------------------------------------------- bytes -> lines


@contextmanager
def _binary(source: Source) -> Iterator[BinaryIO]:
    # A caller's file object is rewound afterwards so inspect + iterate can share it.
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as f:
            yield f
        return
    if not (hasattr(source, "read") and hasattr(source, "seek")):
        raise TypeError("expected a path or a seekable binary file")
    start = source.tell()
    try:
        yield source
    finally:
        source.seek(start)


def _sniff_encoding(f: BinaryIO) -> tuple[str, str]:
    """Return (label, codec) from the BOM; the stream is left just past the BOM."""
    start = f.tell()
    size = f.seek(0, io.SEEK_END) - start
    f.seek(start)
    head = f.read(_HEAD)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReportFormatError(
            "This looks like an Excel workbook; export it as CSV and upload the CSV file."
        )
    bom, label, codec = _bom(head)
    if size == len(bom):
        raise ReportFormatError("The file is empty.")
    if codec.startswith("utf-16") and size % 2:
        raise ReportFormatError("The file is truncated UTF-16 (odd number of bytes).")
    if not bom and b"\x00" in head:
        raise ReportFormatError(_nul_message(head))
    f.seek(start + len(bom))
    return label, codec


def _bom(head: bytes) -> tuple[bytes, str, str]:
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    )
    for bom, label, codec in boms:
        if head.startswith(bom):
            return bom, label, codec
    return b"", "utf-8", "utf-8"


def _nul_message(head: bytes) -> str:
    # Text saved as UTF-16 without a BOM has a NUL in every other byte.
    if head[1:64:2].count(0) > 24 or head[0:64:2].count(0) > 24:
        return (
            "The file looks like UTF-16 text without a byte order mark; "
            "save it again as CSV UTF-8 or as Unicode text."
        )
    return "The file contains NUL bytes: this is not a CSV text file."


def _line_batches(f: BinaryIO, codec: str) -> Iterator[list[str]]:
    """Decode binary chunks incrementally and yield lists of complete lines.

    Yielding lists (chained in C by the caller) keeps per-line cost out of Python.
    Lines end at CR, LF or CRLF exactly as csv expects with ``newline=''``.
    """
    decoder = codecs.getincrementaldecoder(codec)("strict")
    carry, done = "", 0
    while True:
        raw = f.read(_CHUNK)
        final = not raw
        try:
            text = carry + decoder.decode(raw, final)
        except UnicodeDecodeError as exc:
            raise _decode_error(codec, exc, done, carry) from None
        if "\x00" in text:
            line = done + text.count("\n", 0, text.index("\x00")) + 1
            raise ReportFormatError(
                f"Line {line} contains a NUL character: this is not a CSV text file.", line=line
            )
        lines = io.StringIO(text, newline="").readlines()
        # A last line without LF may be incomplete (or a CR whose LF is in the next chunk).
        carry = lines.pop() if lines and not final and not lines[-1].endswith("\n") else ""
        if len(carry) > _MAX_LINE:
            raise ReportFormatError(
                f"Line {done + len(lines) + 1} is longer than {_MAX_LINE} characters: "
                "this is not a CSV report.",
                line=done + len(lines) + 1,
            )
        done += len(lines)
        if lines:
            yield lines
        if final:
            return


def _decode_error(
    codec: str, exc: UnicodeDecodeError, done: int, carry: str
) -> ReportFormatError:
    if codec.startswith("utf-16") and exc.reason == "truncated data":
        return ReportFormatError("The file is truncated UTF-16 (odd number of bytes).")
    before = carry + exc.object[: exc.start].decode(codec, "replace")
    line = done + before.count("\n") + 1
    byte = exc.object[exc.start : exc.start + 1].hex()
    kind = "UTF-16" if codec.startswith("utf-16") else "UTF-8"
    return ReportFormatError(
        f"Line {line} is not valid {kind} text (byte 0x{byte}). "
        'If you saved the file from Excel, choose "CSV UTF-8".',
        line=line,
    )


# --------------------------------------------------------------------------- header


@dataclass(frozen=True, slots=True)
class _Header:
    format: str
    delimiter: str
    names: list[str]  # as written in the file, stripped
    index: dict[str, int]  # canonical column name -> position


def _norm(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).casefold()


_CANONICAL = {_norm(n): n for n in (*_DETAILED, *_EXPORT, _EXPORT_PROTOCOL)}


def _open_csv(f: BinaryIO, codec: str) -> tuple[_Header, Iterator[list[str]]]:
    lines = itertools.chain.from_iterable(_line_batches(f, codec))
    first = next(lines, None)
    if first is None or not first.strip():
        if first is None or all(not line.strip() for line in lines):
            raise ReportFormatError("The file is empty.")
        raise ReportFormatError("Line 1 is empty; expected the header row.", line=1)
    header = _parse_header(first)
    reader = csv.reader(lines, delimiter=header.delimiter, strict=True)
    return header, reader


def _parse_header(line: str) -> _Header:
    # The delimiter is whichever candidate splits the header into the most known columns.
    best: tuple[int, str, list[str]] = (0, ",", [])
    for delimiter in (",", ";", "\t"):
        try:
            fields = next(csv.reader([line], delimiter=delimiter, strict=True), [])
        except csv.Error:
            continue
        known = sum(_norm(f) in _CANONICAL for f in fields)
        if known > best[0]:
            best = (known, delimiter, fields)
    known, delimiter, fields = best
    if known < 2:
        raise ReportFormatError(
            "This is not an SMTP AUTH clients report: expected columns "
            f"{', '.join(_DETAILED)} (detailed report) or "
            f"{', '.join(_EXPORT)}[, {_EXPORT_PROTOCOL}] (Export).",
            line=1,
        )
    return _header_from_fields(delimiter, [f.strip() for f in fields])


def _header_from_fields(delimiter: str, names: list[str]) -> _Header:
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        canonical = _CANONICAL.get(_norm(name))
        if canonical is None:
            continue  # extra columns are allowed and ignored
        if canonical in index:
            raise ReportFormatError(f'Column "{name}" appears twice in the header.', line=1)
        index[canonical] = position
    detailed = sum(n in index for n in _DETAILED)
    fmt, required = ("detailed", _DETAILED) if detailed >= len(index) / 2 else ("export", _EXPORT)
    missing = [n for n in required if n not in index]
    if missing:
        label = "detailed report" if fmt == "detailed" else "Export"
        listed = ", ".join(f'"{n}"' for n in missing)
        plural = "columns" if len(missing) > 1 else "column"
        raise ReportFormatError(
            f"The file looks like the SMTP AUTH {label} but the {plural} {listed} "
            f"{'are' if len(missing) > 1 else 'is'} missing.",
            line=1,
            column=missing[0],
        )
    return _Header(fmt, delimiter, names, index)


# --------------------------------------------------------------------------- rows


class _BadValue(Exception):
    """A cell could not be parsed; the row loop adds line and column."""

    def __init__(self, problem: str, index: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.index = index


def _csv_error(reader: Iterator[list[str]], exc: csv.Error) -> ReportFormatError:
    line = getattr(reader, "line_num", 0) + 1  # +1: the header was read outside the reader
    return ReportFormatError(f"Line {line} is not valid CSV ({exc}).", line=line)


def _is_blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _require_data(reader: Iterator[list[str]]) -> None:
    try:
        if all(_is_blank(row) for row in reader):
            raise ReportFormatError("The file has a header but no data rows.")
    except csv.Error as exc:
        raise _csv_error(reader, exc) from None


def _rows(
    reader: Iterator[list[str]],
    header: _Header,
    build: Callable[[list[str], int], DetailedRow | ExportRow],
) -> Iterator[DetailedRow | ExportRow]:
    width, blank_at, count = len(header.names), 0, 0
    try:
        for line, row in enumerate(reader, 2):
            if len(row) == width:
                try:
                    item = build(row, line)
                except _BadValue as exc:
                    if not _is_blank(row):
                        raise _cell_error(line, header, row, exc) from None
                    blank_at = blank_at or line
                    continue
            elif _is_blank(row):
                blank_at = blank_at or line
                continue
            else:
                raise ReportFormatError(
                    f"Line {line} has {len(row)} fields but the header has {width}.", line=line
                )
            if blank_at:  # blank lines are tolerated only as trailing ones
                raise ReportFormatError(
                    f"Line {blank_at} is empty; blank lines are allowed only at the end.",
                    line=blank_at,
                )
            count += 1
            yield item
    except csv.Error as exc:
        raise _csv_error(reader, exc) from None
    if not count:
        raise ReportFormatError("The file has a header but no data rows.")


def _cell_error(line: int, header: _Header, row: list[str], exc: _BadValue) -> ReportFormatError:
    index = exc.index if exc.index is not None else 0
    column, value = header.names[index], row[index]
    shown = value if len(value) <= 80 else value[:77] + "..."
    return ReportFormatError(
        f'Line {line}, column "{column}": "{shown}" {exc.problem}.',
        line=line,
        column=column,
        value=value,
    )


def _detailed_builder(
    index: dict[str, int], parse_day: Callable[[str], date]
) -> Callable[[list[str], int], DetailedRow]:
    i_date, i_name, i_domain, i_auth, i_ip, i_ver, i_cipher, i_count, i_id = (
        index[n] for n in _DETAILED
    )

    def build(row: list[str], line: int) -> DetailedRow:
        k = i_date  # which cell is being parsed, for the error message
        try:
            day = parse_day(row[k])
            k = i_auth
            auth = _auth_method(row[k])
            k = i_count
            count = _whole_number(row[k])
            k = i_id
            message_id = row[k].strip()
            if not message_id:
                raise _BadValue("is empty; every message needs an ID")
            k = i_name
            sender = _sender(row[k], row[i_domain], i_domain)
        except _BadValue as exc:
            exc.index = k if exc.index is None else exc.index
            raise
        ip, version, cipher = row[i_ip].strip(), row[i_ver].strip(), row[i_cipher].strip()
        return DetailedRow(line, day, sender, auth, ip, version, cipher, count, message_id)

    return build


def _export_builder(index: dict[str, int]) -> Callable[[list[str], int], ExportRow]:
    i_sender, i_domain, i_10, i_11, i_12, i_sent = (index[n] for n in _EXPORT)
    i_proto = index.get(_EXPORT_PROTOCOL)

    def build(row: list[str], line: int) -> ExportRow:
        k = i_sender
        try:
            sender = _sender(row[k], row[i_domain], i_domain)
            k = i_10
            tls10 = _percent(row[k])
            k = i_11
            tls11 = _percent(row[k])
            k = i_12
            tls12 = _percent(row[k])
            k = i_sent
            messages = _whole_number(row[k])
            k = i_proto if i_proto is not None else k
            auth = "unknown" if i_proto is None else _auth_method(row[k])
        except _BadValue as exc:
            exc.index = k if exc.index is None else exc.index
            raise
        domain = row[i_domain].strip().lower() or sender.partition("@")[2]
        return ExportRow(line, sender, domain, auth, tls10, tls11, tls12, messages)

    return build


# --------------------------------------------------------------------------- cell values

_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+")


def _sender(name: str, domain: str, domain_index: int) -> str:
    # senderName is either the local part or already the whole address.
    name = name.strip()
    if not name:
        raise _BadValue("is empty; expected a sender")
    if "@" not in name:
        domain = domain.strip()
        if not domain:
            raise _BadValue("is empty; needed to complete the sender address", domain_index)
        name = f"{name}@{domain}"
    if not _ADDRESS.fullmatch(name):
        raise _BadValue("is not an e-mail address")
    return name.lower()


def _auth_method(value: str) -> str:
    method = _AUTH_METHODS.get(value) or _AUTH_METHODS.get(_norm(value))
    if method is None:
        raise _BadValue("is not a known authentication method (expected Basic or OAuth)")
    return method


_GROUPED = re.compile(r"\d{1,3}(?P<sep>[ \u00a0\u202f',.])\d{3}(?:(?P=sep)\d{3})*")


def _whole_number(value: str) -> int:
    if value.isdigit() and value.isascii():
        return int(value)  # the common case, kept cheap
    text = value.strip()
    if text.isdigit() and text.isascii():
        return int(text)
    if text.startswith("-") and _whole_number_or_none(text[1:]) is not None:
        raise _BadValue("is negative; expected a count of 0 or more")
    number = _whole_number_or_none(text)
    if number is None:
        raise _BadValue("is not a whole number")
    return number


def _whole_number_or_none(text: str) -> int | None:
    # One separator kind in strict groups of three is a thousands separator
    # ("1 280", "1,280", "1.280"); counts have no fraction, so that reading is the
    # only one. Anything else ("1,28", "1.280,5", "1,280.000") is refused.
    if text.isdigit() and text.isascii():
        return int(text)
    match = _GROUPED.fullmatch(text)
    return int(text.replace(match["sep"], "")) if match else None


_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%?")


def _percent(value: str) -> float:
    match = _PERCENT.fullmatch(value.strip())
    if not match:
        raise _BadValue("is not a percentage (expected e.g. 100% or 99.5)")
    number = float(match[1].replace(",", "."))
    if number > 100:
        raise _BadValue("is not a percentage between 0 and 100")
    return number


# --------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_TAIL = re.compile(
    r"(?:[Tt ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:[.,]\d{1,9})?)?)?"
    r"\s*(?:[Zz]|([+-])([01]\d|2[0-3]):?([0-5]\d))?"
)
_SLASH = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4})"
    r"(?:[ T]+(\d{1,2}):([0-5]\d)(?::([0-5]\d))?(?:\s*([AaPp])\.?\s*[Mm]\.?)?)?"
)
_DOT = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?:\s+(\d{1,2}):([0-5]\d)(?::([0-5]\d))?)?")
_DATE_HINT = (
    "is not a date (expected e.g. 2026-11-18T06:01:12Z, 11/18/2026 6:01 AM or 18.11.2026 6:01)"
)


def _scan_date_order(reader: Iterator[list[str]], column: int) -> tuple[str, bool]:
    """Decide day/month order for slash dates over the whole file (pass one)."""
    day_first = month_first = 0  # first line that proves each order
    slash = dot = data = False
    try:
        for line, row in enumerate(reader, 2):
            value = row[column] if len(row) > column else ""
            if value[4:5] == "-":
                data = True
                continue  # ISO: says nothing about the order; the common, cheap case
            data = data or not _is_blank(row)
            text = value.strip()
            if match := _SLASH.fullmatch(text):
                slash = True
                first, second = int(match[1]), int(match[2])
                if first > 12 >= second and not day_first:
                    day_first = line
                elif second > 12 >= first and not month_first:
                    month_first = line
            elif _DOT.fullmatch(text):
                dot = True
    except csv.Error as exc:
        raise _csv_error(reader, exc) from None
    if not data:
        raise ReportFormatError("The file has a header but no data rows.")
    return _decide_order(day_first, month_first, slash, dot)


def _decide_order(day_first: int, month_first: int, slash: bool, dot: bool) -> tuple[str, bool]:
    if day_first and month_first:
        raise ReportFormatError(
            f"The dates mix two orders: line {day_first} is day/month/year but line "
            f"{month_first} is month/day/year.",
            line=max(day_first, month_first),
            column="date",
        )
    if day_first:
        return "dmy", False
    if month_first:
        return "mdy", False
    if slash:
        return "mdy", True  # Excel's US form is the likelier one; the preview flags it
    return ("dmy" if dot else "iso"), False


def _day_parser(order: str | None) -> Callable[[str], date]:
    days: dict[str, date] = {}  # "YYYY-MM-DD" -> date; a report spans few days

    def parse_day(value: str) -> date:
        if value[4:5] != "-":
            return _other_day(value, order)
        day = days.get(value[:10])
        if day is None:
            day = _iso_date(value[:10])
            if len(days) < 4096:
                days[value[:10]] = day
        tail = _ISO_TAIL.fullmatch(value, 10)
        if tail is None:
            raise _BadValue(_DATE_HINT)
        if tail[4] is None:
            return day  # "Z" or no zone: already UTC
        return _utc_day(day, tail)

    return parse_day


def _iso_date(text: str) -> date:
    match = _ISO_DATE.fullmatch(text)
    if not match:
        raise _BadValue(_DATE_HINT)
    return _make_date(int(match[1]), int(match[2]), int(match[3]))


def _utc_day(day: date, tail: re.Match[str]) -> date:
    # Zoned times are converted to UTC before the time is dropped.
    offset = timedelta(hours=int(tail[5]), minutes=int(tail[6]))
    zone = timezone(-offset if tail[4] == "-" else offset)
    hour, minute, second = (int(tail[i] or 0) for i in (1, 2, 3))
    moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone)
    return moment.astimezone(UTC).date()


def _other_day(value: str, order: str | None) -> date:
    text = value.strip()
    if text != value and text[4:5] == "-":
        return _day_parser(order)(text)
    if match := _SLASH.fullmatch(text):
        _check_time(match[4], twelve_hour=match[7] is not None)
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if order == "dmy":
            return _make_date(year, second, first)
        if order == "mdy":
            return _make_date(year, first, second)
        raise _BadValue("is not in the date format used elsewhere in this file")
    if match := _DOT.fullmatch(text):
        _check_time(match[4], twelve_hour=False)
        return _make_date(int(match[3]), int(match[2]), int(match[1]))
    raise _BadValue(_DATE_HINT)


def _check_time(hour: str | None, *, twelve_hour: bool) -> None:
    if hour is None:
        return
    low, high = (1, 12) if twelve_hour else (0, 23)
    if not low <= int(hour) <= high:
        raise _BadValue("has an impossible time")


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _BadValue("is not a valid date") from None
