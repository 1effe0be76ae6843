"""The drop folder: claim, import, then processed/ or failed/ with a reason file."""

from __future__ import annotations

import os
import time

from readiness.imports import tasks
from readiness.imports.choices import ImportChannel
from readiness.imports.inbox import inbox_scan
from readiness.imports.models import ReportImport
from tests.imports.helpers import SAMPLES, build_csv, detailed_row, snapshot, usage_of


def _inbox(settings, tenant):
    folder = settings.REPORT_INBOX_DIR / tenant.slug
    folder.mkdir(parents=True)
    return folder


def test_a_dropped_detailed_report_is_imported_and_moved_to_processed(tenant_a, report_dirs):
    inbox = _inbox(report_dirs, tenant_a)
    (inbox / "SmtpCSReport_a.csv").write_bytes((SAMPLES / "SmtpCSReport_sample.csv").read_bytes())
    assert inbox_scan(min_age_seconds=0) == {"processed": 1, "failed": 0}
    assert (inbox / "processed" / "SmtpCSReport_a.csv").exists()
    assert not (inbox / "SmtpCSReport_a.csv").exists()
    assert ReportImport.objects.get().channel == ImportChannel.INBOX
    assert usage_of(tenant_a)


def test_the_periodic_task_scans_the_inbox(tenant_a, report_dirs):
    inbox = _inbox(report_dirs, tenant_a)
    (inbox / "r.csv").write_bytes((SAMPLES / "SmtpCSReport_sample.csv").read_bytes())
    old = time.time() - 60
    os.utime(inbox / "r.csv", (old, old))
    assert tasks.scan_inbox.apply().get() == {"processed": 1, "failed": 0}


def test_a_bad_file_goes_to_failed_with_a_reason_and_changes_nothing(tenant_a, report_dirs):
    inbox = _inbox(report_dirs, tenant_a)
    (inbox / "bad.csv").write_bytes(build_csv([detailed_row(1, date="31/31/2026")]))
    before = snapshot()
    assert inbox_scan(min_age_seconds=0) == {"processed": 0, "failed": 1}
    reason = (inbox / "failed" / "bad.csv.reason.txt").read_text()
    assert "Line 2" in reason and "date" in reason
    assert (inbox / "failed" / "bad.csv").exists()
    assert snapshot() == before


def test_an_export_without_a_period_fails_with_instructions(tenant_a, report_dirs):
    inbox = _inbox(report_dirs, tenant_a)
    (inbox / "export.csv").write_bytes(
        (SAMPLES / "smtp-auth-clients-export_sample.csv").read_bytes())
    inbox_scan(min_age_seconds=0)
    reason = (inbox / "failed" / "export.csv.reason.txt").read_text()
    assert "export.csv.period" in reason and "2026-11-01_2026-11-28" in reason


def test_an_export_takes_its_period_from_the_file_name(tenant_a, report_dirs):
    inbox = _inbox(report_dirs, tenant_a)
    (inbox / "clients_2026-11-01_2026-11-07.csv").write_bytes(
        (SAMPLES / "smtp-auth-clients-export_sample.csv").read_bytes())
    assert inbox_scan(min_age_seconds=0)["processed"] == 1
    report = ReportImport.objects.get()
    assert (str(report.period_start), str(report.period_end)) == ("2026-11-01", "2026-11-07")


def test_an_export_takes_its_period_from_a_sidecar_file(tenant_a, report_dirs):
    inbox = _inbox(report_dirs, tenant_a)
    (inbox / "export.csv").write_bytes(
        (SAMPLES / "smtp-auth-clients-export_sample.csv").read_bytes())
    (inbox / "export.csv.period").write_text("2026-11-01 2026-11-14\n")
    assert inbox_scan(min_age_seconds=0)["processed"] == 1
    assert str(ReportImport.objects.get().period_end) == "2026-11-14"
    assert (inbox / "processed" / "export.csv.period").exists()


def test_a_file_already_imported_is_not_imported_twice(tenant_a, report_dirs):
    inbox = _inbox(report_dirs, tenant_a)
    data = (SAMPLES / "SmtpCSReport_sample.csv").read_bytes()
    (inbox / "one.csv").write_bytes(data)
    inbox_scan(min_age_seconds=0)
    (inbox / "two.csv").write_bytes(data)
    assert inbox_scan(min_age_seconds=0)["failed"] == 1
    assert "already imported" in (inbox / "failed" / "two.csv.reason.txt").read_text()
    assert ReportImport.objects.count() == 1


def test_a_file_still_being_written_is_left_for_the_next_scan(tenant_a, report_dirs):
    inbox = _inbox(report_dirs, tenant_a)
    (inbox / "fresh.csv").write_bytes(b"date,")
    assert inbox_scan(min_age_seconds=60) == {"processed": 0, "failed": 0}
    assert (inbox / "fresh.csv").exists()


def test_a_file_claimed_by_another_worker_is_skipped(tenant_a, report_dirs):
    from readiness.imports.inbox import _claim

    inbox = _inbox(report_dirs, tenant_a)
    path = inbox / "r.csv"
    path.write_bytes(b"x")
    assert _claim(path) == inbox / "processing" / "r.csv"
    assert _claim(path) is None  # the second worker finds it gone


def test_folders_of_unknown_tenants_are_ignored(tenant_a, report_dirs):
    stray = report_dirs.REPORT_INBOX_DIR / "no-such-tenant"
    stray.mkdir(parents=True)
    (stray / "r.csv").write_bytes((SAMPLES / "SmtpCSReport_sample.csv").read_bytes())
    assert inbox_scan(min_age_seconds=0) == {"processed": 0, "failed": 0}
    assert (stray / "r.csv").exists()


def test_a_file_left_in_processing_by_a_dead_worker_is_retried(tenant_a, report_dirs):
    inbox = _inbox(report_dirs, tenant_a)
    (inbox / "processing").mkdir()
    stuck = inbox / "processing" / "r.csv"
    stuck.write_bytes((SAMPLES / "SmtpCSReport_sample.csv").read_bytes())
    long_ago = time.time() - 3 * 3600
    os.utime(stuck, (long_ago, long_ago))
    assert inbox_scan(min_age_seconds=0)["processed"] == 1
    assert (inbox / "processed" / "r.csv").exists()


def test_a_file_being_imported_by_a_live_worker_is_left_alone(tenant_a, report_dirs):
    inbox = _inbox(report_dirs, tenant_a)
    (inbox / "processing").mkdir()
    (inbox / "processing" / "r.csv").write_bytes(b"x")
    assert inbox_scan(min_age_seconds=0) == {"processed": 0, "failed": 0}
    assert (inbox / "processing" / "r.csv").exists()
