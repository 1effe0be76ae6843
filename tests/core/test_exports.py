from __future__ import annotations

import csv
import io

import django_tables2 as tables
import openpyxl
import pytest

from readiness.core.exports import FORMULA_PREFIXES, SafeTableExport, neutralise

HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-1+1", "@SUM(A1)", "\tx", "\rx"]


class RowTable(tables.Table):
    name = tables.Column()


@pytest.mark.parametrize("value", HOSTILE)
def test_it_prefixes_every_formula_trigger(value):
    assert neutralise(value) == "'" + value


def test_it_leaves_plain_text_and_numbers_alone():
    assert neutralise("printer@a.example") == "printer@a.example"
    assert neutralise(-5) == -5


def test_csv_exports_are_neutralised():
    table = RowTable([{"name": v} for v in HOSTILE])
    text = SafeTableExport("csv", table).export()
    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert cells == ["'" + v for v in HOSTILE]


def test_xlsx_exports_are_neutralised():
    table = RowTable([{"name": v} for v in HOSTILE])
    book = openpyxl.load_workbook(io.BytesIO(SafeTableExport("xlsx", table).export()))
    sheet = book.active
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # XLSX stores text as XML, where a lone CR reads back as LF.
    assert values == ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert not any(v.startswith(FORMULA_PREFIXES) for v in values)
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row)
