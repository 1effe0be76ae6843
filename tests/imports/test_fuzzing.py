"""Importer fuzzing, a small sample in the normal suite (`make chaos` runs 10,000):
generated and mutated files never raise an unhandled exception, never import partly,
and every rejection has a message."""

from __future__ import annotations

from datetime import date

import pytest

from readiness.demo.fuzzing import fuzz_files
from readiness.imports import services
from readiness.imports.choices import ImportStatus
from readiness.imports.models import ExportAggregate, ReportImport, ReportMessage
from readiness.senders.models import Sender
from readiness.usage.models import DailyUsage

pytestmark = pytest.mark.django_db
PERIOD = services.Period(date(2026, 10, 1), date(2026, 10, 31))


def footprint(tenant) -> tuple:
    return (DailyUsage.objects.filter(tenant=tenant).count(),
            ReportMessage.objects.filter(tenant=tenant).count(),
            ExportAggregate.objects.filter(tenant=tenant).count(),
            Sender.objects.filter(tenant=tenant).count(),
            ReportImport.objects.filter(tenant=tenant, status=ImportStatus.IMPORTED).count())


def fuzz_one(tenant, path, kind) -> str:
    before = footprint(tenant)
    try:
        report = services.report_import(tenant=tenant, path=path,
                                        period=PERIOD if kind == "export" else None)
    except services.ReportRejected as exc:
        assert exc.message.strip(), f"{path.name}: a rejection without a message"
        assert footprint(tenant) == before, f"{path.name}: rejected but partly imported"
        return "rejected"
    except services.AlreadyImported:
        assert footprint(tenant) == before
        return "duplicate"
    assert report.status == ImportStatus.IMPORTED, path.name
    return "imported"


def test_generated_and_mutated_files_import_whole_or_not_at_all(tenant_a, tmp_path):
    outcomes: dict[str, int] = {}
    for fuzz in fuzz_files(seed=13, count=150):
        path = tmp_path / fuzz.name
        path.write_bytes(fuzz.data)
        outcome = fuzz_one(tenant_a, path, fuzz.kind)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("rejected", 0) > 10 and outcomes.get("imported", 0) > 10, outcomes


def test_the_generator_makes_all_ten_thousand_files_of_make_chaos():
    """make chaos imports 10,000 of them; the generator itself must not be what breaks
    (a row emptied by one mutation and picked by the next crashed it at file 1,000+)."""
    assert sum(1 for _ in fuzz_files(seed=2026, count=10_000)) == 10_000
