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
"""

from __future__ import annotations

import html

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


class SafeTableExport(TableExport):
    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        headers = [export_cell(h) for h in dataset.headers or []]
        rows = [[export_cell(cell) for cell in row] for row in dataset]
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            dataset.append(row)
        return dataset


class SafeExportMixin(ExportMixin):
    export_class = SafeTableExport
    export_formats = ("csv", "xlsx")
