"""The passes report progress as they go; the tasks keep it on the import row."""

from __future__ import annotations

from readiness.imports import services, tasks
from readiness.imports.choices import ImportStatus
from readiness.imports.models import ReportImport
from readiness.imports.storage import file_store
from tests.imports.helpers import build_csv, detailed_row


def test_the_pass_reports_progress_every_batch_up_to_the_whole_file(tenant_a, write_file):
    path = write_file(build_csv([detailed_row(n) for n in range(35_000)]))
    calls = []
    services.report_import(tenant=tenant_a, path=path, progress=lambda d, t: calls.append((d, t)))
    size = path.stat().st_size
    assert len(calls) >= 4 and calls[-1] == (size, size)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert 0 < calls[0][0] < size


def test_the_inspect_task_writes_progress_onto_the_import(tenant_a, write_file):
    data = build_csv([detailed_row(n) for n in range(12_000)])
    relative, sha256, size = file_store(tenant=tenant_a, chunks=[data])
    report = ReportImport.objects.create(tenant=tenant_a, file_name="r.csv", sha256=sha256,
                                         stored_path=relative, file_size=size)
    assert tasks.inspect_report.apply(args=[report.pk]).get() == ImportStatus.PREVIEW_READY
    report.refresh_from_db()
    assert (report.progress_done, report.progress_total, report.percent) == (size, size, 100)
    assert report.rows == 12_000


def test_the_apply_task_imports_a_confirmed_preview(tenant_a, alice):
    data = build_csv([detailed_row(n) for n in range(3)])
    relative, sha256, size = file_store(tenant=tenant_a, chunks=[data])
    report = ReportImport.objects.create(tenant=tenant_a, file_name="r.csv", sha256=sha256,
                                         stored_path=relative, file_size=size)
    tasks.inspect_report.apply(args=[report.pk])
    services.report_confirm(report=ReportImport.objects.get(pk=report.pk), actor=alice)
    assert tasks.apply_report.apply(args=[report.pk]).get() == ImportStatus.IMPORTED
    report.refresh_from_db()
    assert report.imported_by == alice and report.new_messages == 3


def test_a_task_for_a_vanished_import_does_nothing(db):
    assert tasks.inspect_report.apply(args=[987654]).get() == "gone"


def test_a_broken_stored_file_marks_the_import_failed_not_rejected(tenant_a):
    report = ReportImport.objects.create(tenant=tenant_a, file_name="r.csv", sha256="1" * 64,
                                         stored_path=f"{tenant_a.slug}/missing.csv")
    result = tasks.inspect_report.apply(args=[report.pk])
    assert result.failed()
    report.refresh_from_db()
    assert report.status == ImportStatus.FAILED and "internal error" in report.error
