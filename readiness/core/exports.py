"""Exports that carry plain, safe values.

Every table in the product exports through `SafeExportMixin` (django-tables2's
`?_export=csv|xlsx` convention). Each cell passes through `export_cell`, which:

- turns markup into its text. django-tables2 exports a column with its table's
  `value_<name>` method, else its `render_<name>` method — whose HTML (a badge, a link)
  would land in the file. Markup we built is a SafeString (format_html, mark_safe,
  templates, links); its tags are dropped and its entities decoded. A plain str is
  data, however it looks, and is left alone: a display name `<b>` stays `<b>`.
- prefixes with a single quote a cell that a spreadsheet would run as a formula
  (starting with =, +, -, @, a tab or a carriage return), so a hostile display name
  such as `=HYPERLINK(...)` stays text;
- makes Unicode controls (bidi overrides and the like) visible as [U+XXXX].

So that the files open cleanly in Excel:

- CSV starts with a UTF-8 byte order mark (without it Excel on a Czech Windows reads
  "Kovář" as mojibake) and takes the separator Excel expects in the reader's locale:
  `;` where the decimal mark is a comma (Czech), `,` otherwise; `?_sep=semicolon|comma`
  overrides it (the export links offer both);
- XLSX keeps dates, datetimes and numbers typed, so Excel sorts and sums them: a
  DateColumn's ISO text is turned back into a date, aware datetimes become the
  local wall-clock time (Excel has no time zones).
"""

from __future__ import annotations

import html
from datetime import date, datetime
from decimal import Decimal

import django_tables2 as tables
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django_tables2.export import ExportMixin, TableExport

from readiness.core.text import reveal_controls

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def plain(value):
    """Markup we rendered (a SafeString) as the text a person sees; data unchanged."""
    if isinstance(value, SafeData):
        return " ".join(html.unescape(strip_tags(str(value))).split())
    return value


def export_cell(value):
    value = plain(value)
    if isinstance(value, str):
        value = reveal_controls(value)
    return neutralise(value)


BOM = "\ufeff"
SEPARATORS = {"comma": ",", "semicolon": ";"}
# Locales whose Excel splits CSV on ";" (their decimal mark is a comma).
SEMICOLON_LANGUAGES = ("cs", "sk", "de", "pl", "fr", "es", "it", "nl", "hu")
TYPED = (int, float, Decimal, date)  # datetime is a date


def locale_separator() -> str:
    language = (translation.get_language() or "en").split("-")[0]
    return ";" if language in SEMICOLON_LANGUAGES else ","


def typed_cell(value, column):
    """A cell as XLSX should hold it: real dates and numbers, naive local datetimes."""
    if isinstance(value, str) and value:
        if isinstance(column, tables.DateTimeColumn):
            value = _parse(datetime.fromisoformat, value)
        elif isinstance(column, tables.DateColumn):
            value = _parse(date.fromisoformat, value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value)
    return value


def text_cell(value):
    """A cell as CSV should hold it: dates in ISO order, local wall-clock times."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def _parse(parse, text):
    try:
        return parse(text)
    except ValueError:
        return text


class SafeTableExport(TableExport):
    def __init__(self, export_format, table, exclude_columns=None, dataset_kwargs=None,
                 separator: str | None = None):
        self.separator = separator or locale_separator()
        super().__init__(export_format, table, exclude_columns, dataset_kwargs)

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        columns = [c.column for c in table.columns.iterall()
                   if not (c.column.exclude_from_export or c.name in (exclude_columns or ()))]
        headers = [export_cell(h) for h in dataset.headers or []]
        rows = [[self.cell(value, column) for value, column in zip(row, columns, strict=False)]
                for row in dataset]
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            dataset.append(row)
        return dataset

    def cell(self, value, column):
        if isinstance(value, TYPED):
            return typed_cell(value, column) if self.format == self.XLSX else text_cell(value)
        if self.format == self.XLSX:
            typed = typed_cell(value, column)
            if typed is not value:
                return typed
        return export_cell(value)

    def export(self):
        if self.format == self.CSV:
            return BOM + self.dataset.export("csv", delimiter=self.separator)
        return super().export()


class SafeExportMixin(ExportMixin):
    """`?_export=csv|xlsx`, plus `?_sep=semicolon|comma` for CSV (default: the locale's)."""

    export_class = SafeTableExport
    export_formats = ("csv", "xlsx")

    def create_export(self, export_format):
        exporter = self.export_class(
            export_format=export_format,
            table=self.get_table(**self.get_table_kwargs()),
            exclude_columns=self.exclude_columns,
            dataset_kwargs=self.get_dataset_kwargs(),
            separator=SEPARATORS.get(self.request.GET.get("_sep", "")),
        )
        return exporter.response(filename=self.get_export_filename(export_format))
