"""Date cells: ISO 8601, US Excel and day-first forms, and the per-file order decision."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ._csvfile import csv_error, is_blank
from ._model import BadValue, ReportFormatError

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_ISO_TAIL = re.compile(
    r"(?:[Tt ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:[.,]\d{1,9})?)?)?"
    r"\s*(?:[Zz]|([+-])([01]\d|2[0-3]):?([0-5]\d))?",
    re.ASCII,
)
_SLASH = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4})"
    r"(?:[ T]+(\d{1,2}):([0-5]\d)(?::([0-5]\d))?(?:\s*([AaPp])\.?\s*[Mm]\.?)?)?",
    re.ASCII,
)
_DOT = re.compile(
    r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?:\s+(\d{1,2}):([0-5]\d)(?::([0-5]\d))?)?", re.ASCII
)
_DATE_HINT = gettext_noop(
    "is not a date (expected e.g. 2026-11-18T06:01:12Z, 11/18/2026 6:01 AM or 18.11.2026 6:01)"
)


def scan_date_order(reader: Iterator[list[str]], column: int) -> tuple[str, bool]:
    """Decide day/month order for slash dates over the whole file (pass one)."""
    day_first = month_first = 0  # first line that proves each order
    slash = dot = data = False
    try:
        for line, row in enumerate(reader, 2):
            value = row[column] if len(row) > column else ""
            if value[4:5] == "-":
                data = True
                continue  # ISO: says nothing about the order; the common, cheap case
            data = data or not is_blank(row)
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
        raise csv_error(reader, exc) from None
    if not data:
        raise ReportFormatError(_("The file has a header but no data rows."))
    return _decide_order(day_first, month_first, slash, dot)


def _decide_order(day_first: int, month_first: int, slash: bool, dot: bool) -> tuple[str, bool]:
    if day_first and month_first:
        raise ReportFormatError(
            _("The dates mix two orders: line %(day_first)s is day/month/year but line "
              "%(month_first)s is month/day/year.")
            % {"day_first": day_first, "month_first": month_first},
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


def day_parser(order: str | None) -> Callable[[str], date]:
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
            raise BadValue(_(_DATE_HINT))
        if tail[4] is None:
            return day  # "Z" or no zone: already UTC
        return _utc_day(day, tail)

    return parse_day


def _iso_date(text: str) -> date:
    match = _ISO_DATE.fullmatch(text)
    if not match:
        raise BadValue(_(_DATE_HINT))
    return _make_date(int(match[1]), int(match[2]), int(match[3]))


def _utc_day(day: date, tail: re.Match[str]) -> date:
    # Zoned times are converted to UTC before the time is dropped.
    offset = timedelta(hours=int(tail[5]), minutes=int(tail[6]))
    zone = timezone(-offset if tail[4] == "-" else offset)
    hour, minute, second = (int(tail[i] or 0) for i in (1, 2, 3))
    moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone)
    try:
        return moment.astimezone(UTC).date()
    except OverflowError:  # year 1 or 9999 pushed past the calendar's edge
        raise BadValue(_("is not a valid date")) from None


def _other_day(value: str, order: str | None) -> date:
    text = value.strip()
    if text != value and text[4:5] == "-":
        return day_parser(order)(text)
    if match := _SLASH.fullmatch(text):
        _check_time(match[4], twelve_hour=match[7] is not None)
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if order == "dmy":
            return _make_date(year, second, first)
        if order == "mdy":
            return _make_date(year, first, second)
        raise BadValue(_("is not in the date format used elsewhere in this file"))
    if match := _DOT.fullmatch(text):
        _check_time(match[4], twelve_hour=False)
        return _make_date(int(match[3]), int(match[2]), int(match[1]))
    raise BadValue(_(_DATE_HINT))


def _check_time(hour: str | None, *, twelve_hour: bool) -> None:
    if hour is None:
        return
    low, high = (1, 12) if twelve_hour else (0, 23)
    if not low <= int(hour) <= high:
        raise BadValue(_("has an impossible time"))


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue(_("is not a valid date")) from None
