"""Re-imports and overlapping reports never double-count; deleting an import removes
exactly its contributions."""

from __future__ import annotations

from datetime import date

import pytest

from readiness.imports import services
from readiness.imports.choices import ImportStatus
from readiness.imports.models import ReportImport, ReportMessage
from readiness.tenancy.models import AuditEvent
from readiness.usage.models import ClientObservation, DailyUsage
from tests.imports.helpers import SAMPLES, build_csv, detailed_row, snapshot, usage_of

DAY1, DAY2 = "2026-11-10T08:00:00Z", "2026-11-11T08:00:00Z"


def _file(write_file, numbers, name, **cells):
    rows = [detailed_row(n, date=DAY1 if n < 100 else DAY2, **cells) for n in numbers]
    return write_file(build_csv(rows), name)


def test_the_same_file_twice_is_a_no_op_that_says_when_and_by_whom(tenant_a, alice):
    first = services.report_import(tenant=tenant_a, actor=alice,
                                   path=SAMPLES / "SmtpCSReport_sample.csv")
    before = snapshot()
    with pytest.raises(services.AlreadyImported) as caught:
        services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    assert f"on {first.imported_at:%Y-%m-%d}" in str(caught.value) and "alice" in str(caught.value)
    assert snapshot() == before


def test_the_same_file_for_another_tenant_is_imported_there(tenant_a, tenant_b):
    services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    services.report_import(tenant=tenant_b, path=SAMPLES / "SmtpCSReport_sample.csv")
    assert usage_of(tenant_a) == usage_of(tenant_b) != {}


def test_an_overlapping_report_counts_shared_messages_once(tenant_a, write_file):
    services.report_import(tenant=tenant_a, path=_file(write_file, range(1, 11), "a.csv"))
    second = services.report_import(tenant=tenant_a,
                                    path=_file(write_file, [*range(6, 11), 100, 101], "b.csv"))
    assert second.new_messages == 2
    assert usage_of(tenant_a) == {("skener2@contoso.cz", "2026-11-10", "basic"): 10,
                                  ("skener2@contoso.cz", "2026-11-11", "basic"): 2}


def test_deleting_an_import_keeps_what_another_import_also_covered(tenant_a, write_file, alice):
    first = services.report_import(tenant=tenant_a, path=_file(write_file, range(1, 11), "a.csv"))
    services.report_import(tenant=tenant_a,
                           path=_file(write_file, [*range(6, 11), 100], "b.csv"))
    services.report_delete(report=first, actor=alice)
    # Messages 6-10 were owned by the first import; the second one also had them.
    assert usage_of(tenant_a) == {("skener2@contoso.cz", "2026-11-10", "basic"): 5,
                                  ("skener2@contoso.cz", "2026-11-11", "basic"): 1}
    assert ReportMessage.objects.filter(report_import=first).count() == 0
    assert ReportImport.objects.get(pk=first.pk).status == ImportStatus.DELETED
    assert AuditEvent.objects.filter(action="import.delete", object_id=str(first.pk)).exists()


def test_deleting_the_only_import_removes_its_usage_and_observations(tenant_a, alice):
    report = services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    assert ClientObservation.objects.filter(tenant=tenant_a).exists()
    services.report_delete(report=report, actor=alice)
    assert not DailyUsage.objects.filter(tenant=tenant_a).exists()
    assert not ClientObservation.objects.filter(tenant=tenant_a).exists()


def test_deleting_an_import_leaves_other_sources_alone(tenant_a, alice):
    from tests.factories import DailyUsageFactory, SenderFactory

    signins = DailyUsageFactory(sender=SenderFactory(tenant=tenant_a), source="signins",
                                day=date(2026, 11, 18))
    report = services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    services.report_delete(report=report, actor=alice)
    assert list(DailyUsage.objects.filter(tenant=tenant_a)) == [signins]


def test_a_deleted_file_may_be_imported_again(tenant_a, alice):
    report = services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    expected = usage_of(tenant_a)
    services.report_delete(report=report, actor=alice)
    services.report_import(tenant=tenant_a, path=SAMPLES / "SmtpCSReport_sample.csv")
    assert usage_of(tenant_a) == expected


def test_an_import_is_audited(tenant_a, alice):
    report = services.report_import(tenant=tenant_a, actor=alice,
                                    path=SAMPLES / "SmtpCSReport_sample.csv")
    event = AuditEvent.objects.get(action="import.apply")
    assert (event.tenant, event.actor, event.object_id, event.source) == (
        tenant_a, alice, str(report.pk), "cli")
    assert event.after["sha256"] == report.sha256 and event.after["rows"] == 5


def _facts(tenant):
    usage = sorted(DailyUsage.objects.for_tenant(tenant).values_list(
        "sender_id", "day", "auth_method", "source", "messages"))
    observations = sorted(ClientObservation.objects.for_tenant(tenant).values_list(
        "sender_id", "source", "client_ip", "tls_version", "first_day", "last_day", "messages"))
    return usage, observations


def test_an_import_adds_exactly_what_a_full_recompute_would_give(tenant_a, write_file):
    """A detailed import adds its new messages to the facts instead of recomputing;
    after overlapping imports the facts must equal a recompute from all messages."""
    from readiness.imports import recompute
    from readiness.usage.choices import UsageSource

    def rows(numbers, day):
        return [detailed_row(n, date=day, senderName=f"app{n % 3}",
                             original_client_ip=f"198.51.100.{n % 4}" if n % 5 else "",
                             tls_version=("TLS1_0", "TLS1_2", "")[n % 3],
                             message_count=str(1 + n % 2)) for n in numbers]

    services.report_import(tenant=tenant_a, path=write_file(
        build_csv(rows(range(1, 40), DAY1) + rows(range(40, 60), DAY2)), "a.csv"))
    services.report_import(tenant=tenant_a, path=write_file(
        build_csv(rows(range(30, 50), DAY2) + rows(range(60, 90), "2026-11-14T09:00:00Z")),
        "b.csv"))
    added = _facts(tenant_a)
    senders = {s for s, *_ in added[0]}
    recompute.detailed_usage_recompute(tenant=tenant_a, start=date(2026, 11, 1),
                                       end=date(2026, 11, 30))
    recompute.observations_rebuild(tenant=tenant_a, source=UsageSource.DETAILED_REPORT,
                                   sender_ids=senders)
    assert _facts(tenant_a) == added
    assert len(added[1]) > 6  # several IPs and TLS versions per sender were observed
