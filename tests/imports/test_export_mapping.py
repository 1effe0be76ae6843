"""How an Export's period totals become daily facts, and how overlapping Exports resolve."""

from __future__ import annotations

from datetime import date

from readiness.imports import services
from readiness.imports.models import ExportAggregate
from readiness.imports.selectors import coverage_days
from tests.imports.helpers import EXPORT_HEADER, build_csv, usage_of


def _export(write_file, name, messages, sender="erp@contoso.cz", protocol="Basic"):
    row = {"Sender address": sender, "Domain": "contoso.cz", "TLS 1.0": "100%",
           "TLS 1.1": "0%", "TLS 1.2": "0%", "Messages sent": str(messages),
           "Authentication protocol": protocol}
    return write_file(build_csv([row], header=EXPORT_HEADER, encoding="utf-8-sig"), name)


def _import(tenant, path, start, end):
    return services.report_import(tenant=tenant, path=path,
                                  period=services.Period(date(2026, 11, start),
                                                         date(2026, 11, end)))


def test_a_total_is_spread_evenly_and_adds_up_exactly(tenant_a, write_file):
    _import(tenant_a, _export(write_file, "e.csv", 10), 1, 7)
    days = usage_of(tenant_a, "export")
    assert [days[("erp@contoso.cz", f"2026-11-0{d}", "basic")] for d in range(1, 8)] == [
        2, 2, 2, 1, 1, 1, 1]


def test_a_later_export_of_the_same_period_replaces_the_earlier_one(tenant_a, write_file):
    first = _import(tenant_a, _export(write_file, "a.csv", 70), 1, 7)
    second = _import(tenant_a, _export(write_file, "b.csv", 140), 1, 7)
    assert ExportAggregate.objects.get(tenant=tenant_a).report_import == second
    assert set(usage_of(tenant_a, "export").values()) == {20}
    assert first.pk != second.pk


def test_overlapping_periods_take_each_day_from_the_newest_export(tenant_a, write_file):
    _import(tenant_a, _export(write_file, "a.csv", 70), 1, 7)     # 10 a day
    _import(tenant_a, _export(write_file, "b.csv", 300), 5, 14)   # 30 a day
    days = usage_of(tenant_a, "export")
    assert days[("erp@contoso.cz", "2026-11-04", "basic")] == 10
    assert days[("erp@contoso.cz", "2026-11-05", "basic")] == 30
    assert sum(days.values()) == 4 * 10 + 10 * 30


def test_deleting_the_newer_export_restores_the_older_ones_days(tenant_a, write_file, alice):
    _import(tenant_a, _export(write_file, "a.csv", 70), 1, 7)
    newer = _import(tenant_a, _export(write_file, "b.csv", 140), 1, 7)
    services.report_delete(report=newer, actor=alice)
    assert set(usage_of(tenant_a, "export").values()) == {10}
    assert ExportAggregate.objects.get(tenant=tenant_a).messages == 70


def test_the_protocol_is_part_of_the_key(tenant_a, write_file):
    _import(tenant_a, _export(write_file, "a.csv", 70, protocol="Basic"), 1, 7)
    _import(tenant_a, _export(write_file, "b.csv", 7, protocol="OAuth"), 1, 7)
    assert ExportAggregate.objects.filter(tenant=tenant_a).count() == 2
    days = usage_of(tenant_a, "export")
    assert days[("erp@contoso.cz", "2026-11-03", "basic")] == 10
    assert days[("erp@contoso.cz", "2026-11-03", "oauth")] == 1


def test_coverage_lists_the_days_each_source_covers(tenant_a, write_file):
    _import(tenant_a, _export(write_file, "a.csv", 70), 1, 7)
    covered = coverage_days(tenant=tenant_a, start=date(2026, 11, 6), end=date(2026, 11, 9))
    assert covered == {date(2026, 11, 6): {"export"}, date(2026, 11, 7): {"export"}}


def test_a_sender_missing_from_a_newer_overlapping_export_keeps_its_older_figures(
        tenant_a, write_file):
    _import(tenant_a, _export(write_file, "a.csv", 70, sender="erp@contoso.cz"), 1, 7)
    _import(tenant_a, _export(write_file, "b.csv", 70, sender="scan@contoso.cz"), 5, 11)
    days = usage_of(tenant_a, "export")
    assert days[("erp@contoso.cz", "2026-11-06", "basic")] == 10
    assert days[("scan@contoso.cz", "2026-11-06", "basic")] == 10
