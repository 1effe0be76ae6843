"""A bad file changes nothing: not usage, not senders, not the import list, not the audit."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from readiness.imports import services
from readiness.imports.models import ReportImport
from tests.imports.helpers import (
    DETAILED_HEADER,
    EXPORT_HEADER,
    SAMPLES,
    build_csv,
    detailed_row,
    snapshot,
)

GOOD = [detailed_row(n) for n in range(1, 4)]


def _bad_rows(**cells):
    return build_csv([*GOOD, detailed_row(9, **cells)])


CASES = {
    "empty": (b"", "empty"),
    "header only": (build_csv([], header=DETAILED_HEADER), "no data rows"),
    "missing column": (build_csv([{k: v for k, v in detailed_row(1).items()
                                   if k != "message_id"}],
                                 header=DETAILED_HEADER[:-1]), "message_id"),
    "non-numeric count": (_bad_rows(message_count="lots"), "not a whole number"),
    "impossible date": (_bad_rows(date="2026-02-30T10:00:00Z"), "Line 5"),
    "unknown auth method": (_bad_rows(authMethod="NTLM"), "authentication method"),
    "truncated UTF-16": (build_csv(GOOD, encoding="utf-16-le")[:-1], "truncated UTF-16"),
    "binary garbage": (bytes(range(256)) * 20, ""),
    "excel workbook": (b"PK\x03\x04" + b"\x00" * 100, "Excel workbook"),
    "over-long message id": (_bad_rows(message_id="<" + "x" * 1200 + ">"), "longer than"),
}


@pytest.fixture
def existing(tenant_a):
    """Something already imported, so "unchanged" is tested against real data."""
    services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")


@pytest.mark.parametrize("case", CASES)
def test_a_rejected_file_leaves_the_database_unchanged(tenant_a, existing, write_file, case):
    data, needle = CASES[case]
    before = snapshot()
    with pytest.raises(services.ReportRejected) as caught:
        services.report_import(tenant=tenant_a, path=write_file(data))
    assert needle in caught.value.message
    assert snapshot() == before


def test_the_error_names_line_column_and_value(tenant_a, write_file):
    with pytest.raises(services.ReportRejected) as caught:
        services.report_import(tenant=tenant_a, path=write_file(_bad_rows(message_count="x7")))
    assert (caught.value.line, caught.value.column, caught.value.value) == (
        5, "message_count", "x7")


def test_a_bad_last_row_of_a_big_file_rejects_all_of_it(tenant_a, write_file):
    rows = [detailed_row(n) for n in range(25_000)] + [detailed_row(99_999, date="yesterday")]
    before = snapshot()
    with pytest.raises(services.ReportRejected):
        services.report_import(tenant=tenant_a, path=write_file(build_csv(rows)))
    assert snapshot() == before


@pytest.mark.parametrize(("period", "needle"), [
    (None, "no dates"),
    (services.Period(date(2026, 11, 10), date(2026, 11, 1)), "starts after"),
    (services.Period(date(2026, 1, 1), date(2026, 6, 1)), "longer than 90 days"),
    (services.Period(date(2026, 11, 1), date(2099, 1, 1)), "future"),
])
def test_an_export_needs_a_sensible_stated_period(tenant_a, period, needle):
    before = snapshot()
    with pytest.raises(services.ReportRejected, match=needle):
        services.report_import(tenant=tenant_a, period=period,
                               path=SAMPLES / "smtp-auth-clients-export_sample.csv")
    assert snapshot() == before


def test_an_export_with_a_negative_count_is_rejected(tenant_a, write_file):
    data = build_csv([{"Sender address": "a@contoso.cz", "Domain": "contoso.cz", "TLS 1.0": "0",
                       "TLS 1.1": "0", "TLS 1.2": "100", "Messages sent": "-5",
                       "Authentication protocol": "Basic"}], header=EXPORT_HEADER)
    with pytest.raises(services.ReportRejected, match="negative"):
        services.report_import(tenant=tenant_a, path=write_file(data),
                               period=services.Period(date(2026, 11, 1), date(2026, 11, 7)))
    assert not ReportImport.objects.exists()


def test_a_rejected_file_leaves_no_stored_copy(tenant_a, write_file, report_dirs):
    with pytest.raises(services.ReportRejected):
        services.report_import(tenant=tenant_a, path=write_file(_bad_rows(message_count="?")))
    stored = list(report_dirs.REPORT_UPLOAD_DIR.rglob("*")) if (
        report_dirs.REPORT_UPLOAD_DIR.exists()) else []
    assert [p for p in stored if p.is_file()] == []


def test_utf16_without_bom_is_refused_with_advice(tenant_a, write_file):
    data = build_csv(GOOD, encoding="utf-16-le")[len(codecs.BOM_UTF16_LE):]
    with pytest.raises(services.ReportRejected, match="byte order mark"):
        services.report_import(tenant=tenant_a, path=write_file(data))


# --- issue 10, finding 7: impossible values are rejected with line and column ----------

IMPOSSIBLE = {
    "year one": ({"date": "0001-01-01T00:00:00Z"}, "date", "before 2015-01-01"),
    "before 2015": ({"date": "12/31/2014 6:01 AM"}, "date", "before 2015-01-01"),
    "far future": ({"date": "2099-01-01T00:00:00Z"}, "date", "in the future"),
    "huge count": ({"message_count": "99999999999999999999999"}, "message_count",
                   "larger than"),
    "count above the bound": ({"message_count": "1000000001"}, "message_count", "larger than"),
    "negative count": ({"message_count": "-5"}, "message_count", "negative"),
}


@pytest.mark.parametrize("case", IMPOSSIBLE)
def test_impossible_values_are_rejected_and_nothing_is_imported(tenant_a, existing,
                                                                write_file, case):
    cells, column, needle = IMPOSSIBLE[case]
    before = snapshot()
    with pytest.raises(services.ReportRejected) as caught:
        services.report_import(tenant=tenant_a, path=write_file(_bad_rows(**cells)))
    assert (caught.value.line, caught.value.column) == (5, column)
    assert needle in caught.value.message and "Line 5" in caught.value.message
    assert snapshot() == before


def test_tomorrow_is_still_accepted(tenant_a, write_file):
    # A report written in a time zone ahead of UTC may carry tomorrow's date.
    from datetime import UTC, datetime, timedelta
    tomorrow = (datetime.now(UTC) + timedelta(hours=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    report = services.report_import(tenant=tenant_a, path=write_file(
        build_csv([detailed_row(1, date=tomorrow)])))
    assert report.status == "imported"


def test_counts_that_add_up_past_the_bound_are_rejected(tenant_a, write_file):
    rows = [detailed_row(n, message_count="600000000") for n in range(1, 3)]
    before = snapshot()
    with pytest.raises(services.ReportRejected, match="add up to more than"):
        services.report_import(tenant=tenant_a, path=write_file(build_csv(rows)))
    assert snapshot() == before


def test_an_export_period_before_2015_is_rejected(tenant_a, write_file):
    with pytest.raises(services.ReportRejected, match="before 1 Jan 2015"):
        services.report_import(
            tenant=tenant_a, path=write_file(build_csv([], header=EXPORT_HEADER) + b"a@b.example,"
                                             b"b.example,0,0,100,5,Basic\n"),
            period=services.Period(date(1, 1, 1), date(1, 1, 30)))
