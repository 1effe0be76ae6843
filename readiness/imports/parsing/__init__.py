"""Streaming parser for the Exchange admin center "SMTP AUTH clients" report files.

Two formats are recognised from the header: the detailed "Request report"
(``SmtpCSReport_*.csv``, one row per message) and the on-screen report's Export
(per-sender totals, no dates). The file is read in binary chunks and decoded
incrementally, so memory stays flat however big the file is. Any problem with
the file's content is raised as :class:`ReportFormatError` with a message meant
for the person who uploaded it. No Django here: the import service calls this.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from ._csvfile import DETAILED, Header, open_csv, open_csv_text, require_data
from ._dates import day_parser, scan_date_order
from ._model import BadValue, DetailedRow, ExportRow, FileInfo, ReportFormatError
from ._rows import detailed_builder, export_builder, parse_rows
from ._text import Source, open_binary, sniff_encoding
from ._values import auth_method, sender_address

__all__ = [
    "DETAILED",
    "BadValue",
    "DetailedRow",
    "ExportRow",
    "FileInfo",
    "Header",
    "ReportFormatError",
    "Source",
    "auth_method",
    "day_parser",
    "detailed_builder",
    "inspect_report",
    "iter_report_rows",
    "open_records",
    "sender_address",
]


def inspect_report(source: Source, *, dates: bool = True) -> FileInfo:
    """Sniff encoding, delimiter and format, and pre-scan the dates for their order.

    dates=False skips the pre-scan of a detailed report (date_order is then None): for
    a caller that checks every date itself (imports/rawstage.py)."""
    with open_binary(source) as f:
        encoding, codec = sniff_encoding(f)
        header, reader = open_csv(f, codec)
        if header.format == "export":
            require_data(reader)
            order, ambiguous = None, False
        elif not dates:
            order, ambiguous = None, False
        else:
            order, ambiguous = scan_date_order(reader, header.index["date"])
    return FileInfo(
        format=header.format,
        encoding=encoding,
        delimiter=header.delimiter,
        date_order=order,
        date_order_ambiguous=ambiguous,
        columns=header.names,
    )


def open_records(f: BinaryIO, info: FileInfo) -> tuple[Header, Iterator[list[str]]]:
    """The header and the csv records after it, of an open binary file that
    :func:`inspect_report` described, for a caller that checks the cells itself and
    gives up on any problem (csv.Error, UnicodeDecodeError, ReportFormatError) rather
    than report it: the fast path of imports/rawstage.py."""
    encoding, codec = sniff_encoding(f)
    header, reader = open_csv_text(f, codec)
    if (encoding, header.delimiter, header.names) != (info.encoding, info.delimiter,
                                                      info.columns):
        raise ReportFormatError(_("The file changed after it was inspected; upload it again."))
    return header, reader


def iter_report_rows(source: Source, info: FileInfo) -> Iterator[DetailedRow | ExportRow]:
    """Yield parsed rows; raise ReportFormatError at the first bad one.

    ``info`` must come from :func:`inspect_report` on the same file: the date
    order it decided is applied here.
    """
    with open_binary(source) as f:
        encoding, codec = sniff_encoding(f)
        header, reader = open_csv(f, codec)
        if (encoding, header.delimiter, header.names) != (
            info.encoding,
            info.delimiter,
            info.columns,
        ):
            raise ReportFormatError(_("The file changed after it was inspected; upload it again."))
        if header.format == "detailed":
            build = detailed_builder(header.index, day_parser(info.date_order))
        else:
            build = export_builder(header.index)
        yield from parse_rows(reader, header, build)
