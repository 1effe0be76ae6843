"""Exports that are safe to open in Excel.

Every table in the product exports through `SafeExportMixin` (django-tables2's
`?_export=csv|xlsx` convention). Cells that a spreadsheet would run as a formula —
starting with =, +, -, @, a tab or a carriage return — are prefixed with a single
quote, so a hostile display name such as `=HYPERLINK(...)` stays text.
"""

from __future__ import annotations

from django_tables2.export import ExportMixin, TableExport

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeTableExport(TableExport):
    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        headers = [neutralise(h) for h in dataset.headers or []]
        rows = [[neutralise(cell) for cell in row] for row in dataset]
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            dataset.append(row)
        return dataset


class SafeExportMixin(ExportMixin):
    export_class = SafeTableExport
    export_formats = ("csv", "xlsx")
