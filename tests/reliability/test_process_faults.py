"""Process faults with real processes (CI quick subset): a worker SIGKILLed mid-import on
the embedded (filesystem) broker, which had already deleted the message, and a
duplicate dispatch (beat started twice). Same broker and database as the app uses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import timezone

from readiness.connectors.services import tenant_onboard
from readiness.imports import services
from readiness.imports import tasks as import_tasks
from readiness.imports.choices import ImportStatus
from readiness.imports.models import ReportImport
from readiness.imports.storage import stored_file
from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestRun
from readiness.ingestion.tasks import dispatch
from readiness.usage.models import DailyUsage
from tests.factories import TenantFactory, UserFactory
from tests.helpers import database_url, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
HEADER = ('"date","senderName","senderDomain","authMethod","original_client_ip",'
          '"tls_version","tls_cipher","message_count","message_id"')


def big_detailed_report(rows: int) -> bytes:
    lines = [HEADER]
    for i in range(rows):
        day = 1 + i % 28
        lines.append(f'"2026-10-{day:02d}T06:{i % 60:02d}:12.0000000Z","dev{i % 50}",'
                     f'"contoso.cz","Basic","203.0.113.{i % 250}","TLS1_2",'
                     f'"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384","1","<m{i}@contoso.cz>"')
    return ("\n".join(lines) + "\n").encode()


def start_worker(queue: str, emulator=None) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1",
           "READINESS_DATA_DIR": str(settings.DATA_DIR)}
    if emulator is not None:
        base = emulator.base_url
        env.update({"M365_LOGIN_URL": base, "M365_GRAPH_URL": f"{base}/graph",
                    "M365_EXCHANGE_URL": f"{base}/exchange",
                    "REQUESTS_CA_BUNDLE": str(emulator.ca)})
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    celery = str(Path(sys.executable).with_name("celery"))
    return subprocess.Popen(
        [celery, "-A", "readiness", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _report(pk) -> ReportImport:
    return ReportImport.objects.get(pk=pk)


def test_sigkill_mid_import_is_swept_requeued_and_ends_in_the_clean_totals(worker_queue):
    settings.REPORT_UPLOAD_DIR = settings.DATA_DIR / "uploads"
    tenant, user = TenantFactory(), UserFactory()
    # Enough rows that the apply is still running when the 0.5 s poll below has seen its
    # first progress and the kill lands: the import reads ~100,000 rows/s on PostgreSQL
    # since 2026-12-01, and 40,000 rows left well under a second for that.
    rows = 150_000
    data = big_detailed_report(rows)
    report = services.report_upload_save(
        tenant=tenant, uploaded_file=SimpleUploadedFile("SmtpCSReport_big.csv", data),
        actor=user)
    worker = start_worker(worker_queue)
    try:
        assert wait_for(lambda: _report(report.pk).status == ImportStatus.PREVIEW_READY)
        services.report_confirm(report=_report(report.pk), actor=user)
        assert wait_for(lambda: _report(report.pk).progress_done > 0
                        and _report(report.pk).status == ImportStatus.IMPORTING, timeout=60)
        os.kill(worker.pid, signal.SIGKILL)  # mid-import: the broker had the message gone
        worker.wait(timeout=10)
        stuck = _report(report.pk)
        # Parsing may already be at 100 % when the kill lands in the final merge; either
        # way the job is left 'importing' with no worker, which is what the sweep must fix.
        assert stuck.status == ImportStatus.IMPORTING
        assert not DailyUsage.objects.filter(tenant=tenant).exists()  # all or nothing
        # Time passes without a heartbeat: the sweeper re-queues it once.
        ReportImport.objects.filter(pk=report.pk).update(
            heartbeat_at=timezone.now() - settings.READINESS_STALE_AFTER - timedelta(1))
        assert import_tasks.sweep_stuck() == {"requeued": 1}
        worker = start_worker(worker_queue)
        assert wait_for(lambda: _report(report.pk).status == ImportStatus.IMPORTED)
        total = DailyUsage.objects.filter(tenant=tenant).aggregate(n=Sum("messages"))["n"]
        assert total == rows  # the clean pass's totals, nothing counted twice
        assert _report(report.pk).sweeps == 1
    finally:
        stop(worker)
        stored_file(_report(report.pk).stored_path).unlink(missing_ok=True)


def test_a_duplicate_dispatch_ingests_once_and_the_second_skips_with_a_reason(
        worker_queue, emulator):
    universe = next(t for t in emulator.state.tenants.values() if t.slug == "kovar-tisk")
    tenant = tenant_onboard(slug="kovar-tisk", name=universe.name,
                            directory_id=universe.tenant_id, client_id=universe.client_id,
                            domain=universe.domain, client_secret=universe.client_secret)
    assert dispatch() == 2 and dispatch() == 2  # beat started twice: both saw it due
    workers = [start_worker(worker_queue, emulator), start_worker(worker_queue, emulator)]
    try:
        def settled():
            runs = IngestRun.objects.filter(tenant=tenant).exclude(status=RunStatus.RUNNING)
            return runs.count() == 4
        assert wait_for(settled, timeout=120)
        runs = IngestRun.objects.filter(tenant=tenant)
        for source in ("signins", "exchange"):
            statuses = sorted(runs.filter(source=source).values_list("status", flat=True))
            assert statuses == [RunStatus.OK, RunStatus.SKIPPED], (source, statuses)
        reasons = set(runs.filter(status=RunStatus.SKIPPED).values_list("error", flat=True))
        assert all("running" in r or "duplicate dispatch" in r for r in reasons), reasons
    finally:
        for proc in workers:
            stop(proc)
