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


# Excel: a byte order mark, the locale's separator, typed XLSX cells.

class DatedTable(tables.Table):
    name = tables.Column()
    due = tables.DateColumn()
    seen = tables.Column()
    count = tables.Column()


def _dated_rows():
    from datetime import UTC, date, datetime

    return [{"name": "Kovář Tisk s.r.o.", "due": date(2026, 12, 31),
             "seen": datetime(2026, 12, 1, 12, 21, tzinfo=UTC), "count": 42}]


def test_csv_starts_with_a_utf8_bom_so_excel_reads_czech_names():
    text = SafeTableExport("csv", DatedTable(_dated_rows()), separator=",").export()
    assert text.startswith("\ufeff")
    body = text.encode("utf-8")
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Kovář Tisk s.r.o." in body.decode("utf-8-sig")


def test_csv_takes_the_requested_separator_and_the_czech_default():
    from django.utils import translation

    rows = list(csv.reader(io.StringIO(
        SafeTableExport("csv", DatedTable(_dated_rows()), separator=";").export()
        .lstrip("\ufeff"), newline=""), delimiter=";"))
    assert rows[1][:2] == ["Kovář Tisk s.r.o.", "2026-12-31"]
    with translation.override("cs"):
        assert SafeTableExport("csv", DatedTable(_dated_rows())).separator == ";"
    with translation.override("en"):
        assert SafeTableExport("csv", DatedTable(_dated_rows())).separator == ","


def test_xlsx_holds_real_dates_and_numbers():
    from datetime import date, datetime

    book = openpyxl.load_workbook(io.BytesIO(
        SafeTableExport("xlsx", DatedTable(_dated_rows())).export()))
    name, due, seen, count = next(book.active.iter_rows(min_row=2, values_only=True))
    assert name == "Kovář Tisk s.r.o."
    # openpyxl reads a date cell back as a datetime at midnight.
    assert isinstance(due, datetime) and due.date() == date(2026, 12, 31)
    assert isinstance(seen, datetime) and seen.tzinfo is None
    assert count == 42
    cells = next(book.active.iter_rows(min_row=2))
    assert cells[1].is_date and cells[2].is_date and cells[3].data_type == "n"


def test_a_hostile_value_in_a_date_column_stays_neutralised_text():
    exporter = SafeTableExport("xlsx", DatedTable([]))
    assert exporter.cell("=1+1", tables.DateColumn()) == "'=1+1"
    assert exporter.cell("2026-13-45", tables.DateColumn()) == "2026-13-45"
