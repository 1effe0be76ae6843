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

from django.utils.translation import gettext as _

from ._csvfile import open_csv, require_data
from ._dates import day_parser, scan_date_order
from ._model import DetailedRow, ExportRow, FileInfo, ReportFormatError
from ._rows import detailed_builder, export_builder, parse_rows
from ._text import Source, open_binary, sniff_encoding

__all__ = [
    "DetailedRow",
    "ExportRow",
    "FileInfo",
    "ReportFormatError",
    "Source",
    "inspect_report",
    "iter_report_rows",
]


def inspect_report(source: Source) -> FileInfo:
    """Sniff encoding, delimiter and format, and pre-scan the dates for their order."""
    with open_binary(source) as f:
        encoding, codec = sniff_encoding(f)
        header, reader = open_csv(f, codec)
        if header.format == "export":
            require_data(reader)
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
