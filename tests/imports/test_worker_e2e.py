"""The real path for an upload: service -> broker -> a real Celery worker -> preview,
then confirm -> worker -> imported. Same broker and database as the app uses."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from readiness.imports import services
from readiness.imports.choices import ImportStatus
from readiness.imports.models import ReportImport
from readiness.imports.storage import stored_file
from readiness.usage.models import DailyUsage
from tests.factories import TenantFactory, UserFactory
from tests.helpers import wait_for
from tests.imports.helpers import SAMPLES

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _status(pk):
    return ReportImport.objects.get(pk=pk).status


def test_an_upload_is_inspected_and_applied_by_a_real_worker(worker, settings):
    settings.REPORT_UPLOAD_DIR = settings.DATA_DIR / "uploads"  # where the worker looks
    tenant, user = TenantFactory(), UserFactory()
    data = (SAMPLES / "SmtpCSReport_sample.csv").read_bytes()
    report = services.report_upload_save(
        tenant=tenant, uploaded_file=SimpleUploadedFile("SmtpCSReport_e2e.csv", data),
        actor=user)
    try:
        assert wait_for(lambda: _status(report.pk) == ImportStatus.PREVIEW_READY)
        report.refresh_from_db()
        assert report.rows == 5 and report.progress_done == report.progress_total == len(data)
        services.report_confirm(report=report, actor=user)
        assert wait_for(lambda: _status(report.pk) == ImportStatus.IMPORTED)
        assert DailyUsage.objects.filter(tenant=tenant, source="detailed_report").count() == 4
    finally:
        stored_file(report.stored_path).unlink(missing_ok=True)
