"""Every format and variant goes through the service end to end into the database."""

from __future__ import annotations

from datetime import date

import pytest

from readiness.imports import services
from readiness.imports.choices import ImportStatus
from readiness.imports.models import ExportAggregate, ReportMessage
from readiness.senders.models import Sender
from readiness.usage.models import ClientObservation, DailyUsage
from tests.imports.helpers import EXPORT_HEADER, SAMPLES, build_csv, detailed_row, usage_of


def test_it_imports_the_real_detailed_sample(tenant_a):
    report = services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    assert report.status == ImportStatus.IMPORTED
    assert (report.format, report.encoding, report.rows, report.senders) == (
        "detailed", "utf-16-le", 5, 4)
    assert (report.period_start, report.period_end) == (date(2026, 11, 18), date(2026, 11, 19))
    assert ReportMessage.objects.for_tenant(tenant_a).count() == 5
    usage = usage_of(tenant_a, "detailed_report")
    assert usage[("skener2@contoso.cz", "2026-11-18", "basic")] == 2
    assert usage[("erp@contoso.cz", "2026-11-18", "basic")] == 3
    assert usage[("monitoring@contoso.cz", "2026-11-19", "oauth")] == 1
    assert ClientObservation.objects.filter(
        tenant=tenant_a, source="detailed_report", client_ip="198.51.100.7",
        tls_version="TLS1_0").exists()
    erp = Sender.objects.get(tenant=tenant_a, address="erp@contoso.cz")
    assert erp.last_basic_day == date(2026, 11, 18)


def test_it_imports_the_real_export_sample_over_a_stated_period(tenant_a):
    period = services.Period(date(2026, 11, 1), date(2026, 11, 28))
    report = services.report_import(
        tenant=tenant_a, path=SAMPLES / "smtp-auth-clients-export_sample.csv", period=period)
    assert (report.format, report.encoding, report.rows, report.period_stated) == (
        "export", "utf-8-sig", 3, True)
    erp = ExportAggregate.objects.get(tenant=tenant_a, sender__address="erp@contoso.cz")
    assert (erp.messages, erp.auth_method, erp.tls10) == (1280, "basic", 100.0)
    usage = usage_of(tenant_a, "export")
    erp_days = {k: v for k, v in usage.items() if k[0] == "erp@contoso.cz"}
    assert len(erp_days) == 28 and sum(erp_days.values()) == 1280


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_every_encoding_delimiter_and_newline_lands_the_same_facts(
        tenant_a, write_file, encoding, delimiter, newline):
    rows = [detailed_row(1, message_count="2"), detailed_row(2, authMethod="OAuth")]
    path = write_file(build_csv(rows, encoding=encoding, delimiter=delimiter, newline=newline,
                                quote_all=encoding == "utf-16-le"))
    report = services.report_import(tenant=tenant_a, path=path)
    assert (report.encoding, report.delimiter) == (encoding, delimiter)
    assert usage_of(tenant_a) == {("skener2@contoso.cz", "2026-11-18", "basic"): 2,
                                  ("skener2@contoso.cz", "2026-11-18", "oauth"): 1}


def test_headers_with_other_case_spaces_order_and_extra_columns_are_accepted(
        tenant_a, write_file):
    header = ["Message_ID", " SenderName ", "senderdomain", "AUTHMETHOD", "Date", "Extra",
              "original_client_ip", "tls_version", "tls_cipher", "message_count"]
    row = detailed_row(1)
    cells = {"Message_ID": row["message_id"], " SenderName ": "skener2",
             "senderdomain": "contoso.cz", "AUTHMETHOD": "Basic", "Date": row["date"],
             "Extra": "ignored", "original_client_ip": "203.0.113.25", "tls_version": "TLS1_2",
             "tls_cipher": "x", "message_count": "4"}
    services.report_import(tenant=tenant_a, path=write_file(build_csv([cells], header=header)))
    assert usage_of(tenant_a) == {("skener2@contoso.cz", "2026-11-18", "basic"): 4}


def test_sender_name_may_be_the_local_part_or_the_full_address(tenant_a, write_file):
    rows = [detailed_row(1, senderName="Skener2"),
            detailed_row(2, senderName="skener2@contoso.cz", senderDomain="")]
    services.report_import(tenant=tenant_a, path=write_file(build_csv(rows)))
    assert usage_of(tenant_a) == {("skener2@contoso.cz", "2026-11-18", "basic"): 2}
    assert Sender.objects.for_tenant(tenant_a).count() == 1


@pytest.mark.parametrize(("raw", "method"), [
    ("Basic", "basic"), ("BASIC", "basic"), ("Basic authentication", "basic"),
    ("OAuth", "oauth"), ("oauth2", "oauth"), ("XOAUTH2", "oauth"),
])
def test_auth_method_spellings_map_onto_basic_and_oauth(tenant_a, write_file, raw, method):
    services.report_import(tenant=tenant_a,
                           path=write_file(build_csv([detailed_row(1, authMethod=raw)])))
    assert DailyUsage.objects.get(tenant=tenant_a).auth_method == method


@pytest.mark.parametrize(("raw", "day", "order"), [
    ("2026-11-18T06:01:12Z", date(2026, 11, 18), "iso"),
    ("11/18/2026 6:01:12 AM", date(2026, 11, 18), "mdy"),
    ("18.11.2026 6:01", date(2026, 11, 18), "dmy"),
])
def test_iso_us_and_dotted_dates(tenant_a, write_file, raw, day, order):
    report = services.report_import(
        tenant=tenant_a, path=write_file(build_csv([detailed_row(1, date=raw)])))
    assert report.date_order == order
    assert DailyUsage.objects.get(tenant=tenant_a).day == day


def test_ambiguous_slash_dates_are_flagged_and_read_month_first(tenant_a, write_file):
    report = services.report_import(
        tenant=tenant_a, path=write_file(build_csv([detailed_row(1, date="03/04/2026 10:00")])))
    assert report.date_order_ambiguous is True
    assert DailyUsage.objects.get(tenant=tenant_a).day == date(2026, 3, 4)


def test_an_export_without_the_protocol_column_is_imported_as_unknown(tenant_a, write_file):
    data = build_csv([{"Sender address": "erp@contoso.cz", "Domain": "contoso.cz",
                       "TLS 1.0": "0%", "TLS 1.1": "0%", "TLS 1.2": "100%",
                       "Messages sent": "70"}], header=EXPORT_HEADER[:-1], encoding="utf-8-sig")
    report = services.report_import(tenant=tenant_a, path=write_file(data, "export.csv"),
                                    period=services.Period(date(2026, 11, 1), date(2026, 11, 7)))
    assert report.messages_unknown == 70
    assert set(usage_of(tenant_a, "export").values()) == {10}
    assert {k[2] for k in usage_of(tenant_a)} == {"unknown"}


def test_a_dry_run_summarises_and_writes_nothing(tenant_a):
    report = services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv",
                                    dry_run=True)
    assert report.pk is None and report.rows == 5 and report.messages_basic == 5
    assert not DailyUsage.objects.exists() and not ReportMessage.objects.exists()


def test_values_with_tabs_backslashes_and_newlines_survive_the_staging_copy(tenant_a, write_file):
    odd = "<a\tb\\c\nd@contoso.cz>"
    rows = [detailed_row(1, message_id=odd), detailed_row(2, message_id="\\.")]
    services.report_import(tenant=tenant_a, path=write_file(build_csv(rows)))
    assert set(ReportMessage.objects.values_list("message_id", flat=True)) == {odd, "\\."}


def test_an_export_records_tls_observations_per_version(tenant_a):
    services.report_import(tenant=tenant_a, path=SAMPLES / "smtp-auth-clients-export_sample.csv",
                           period=services.Period(date(2026, 11, 1), date(2026, 11, 28)))
    erp = ClientObservation.objects.get(tenant=tenant_a, source="export",
                                        sender__address="erp@contoso.cz")
    assert (erp.tls_version, erp.messages, erp.first_day, erp.last_day) == (
        "TLS1_0", 1280, date(2026, 11, 1), date(2026, 11, 28))
