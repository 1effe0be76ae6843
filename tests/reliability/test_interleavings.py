"""Property (hypothesis): any interleaving of sign-in ingests, page replays, imports,
overlapping re-imports and deletions, once every file ends imported and every page read,
gives the totals of one clean pass."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.imports import services
from readiness.imports.choices import ImportStatus
from readiness.imports.models import ReportImport
from readiness.senders.models import Sender
from readiness.usage.models import DailyUsage
from readiness.usage.services import signin_events_store, signin_usage_recompute
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db
HEADER = ('"date","senderName","senderDomain","authMethod","original_client_ip",'
          '"tls_version","tls_cipher","message_count","message_id"')
START = date(2026, 10, 1)


def detailed(messages: range) -> bytes:
    """A detailed report of messages m<i>; two files over overlapping ranges overlap."""
    lines = [HEADER]
    for i in messages:
        day = START + timedelta(days=i % 10)
        lines.append(f'"{day}T08:00:00.0000000Z","dev{i % 3}","contoso.cz","Basic",'
                     f'"203.0.113.9","TLS1_2","TLS_AES","1","<m{i}@contoso.cz>"')
    return ("\n".join(lines) + "\n").encode("utf-16")


FILES = {"a": detailed(range(0, 40)), "b": detailed(range(20, 60)),  # b overlaps a
         "c": detailed(range(50, 70))}
PAGES = [[{"record_id": f"s{p}-{i}", "user_principal_name": f"dev{i % 3}@contoso.cz",
           "created_at": datetime(2026, 10, 1 + (p * 5 + i) % 10, 9, tzinfo=UTC)}
          for i in range(5)] for p in range(4)]

operations = st.lists(st.one_of(
    st.tuples(st.just("import"), st.sampled_from(sorted(FILES))),
    st.tuples(st.just("delete"), st.sampled_from(sorted(FILES))),
    st.tuples(st.just("page"), st.integers(0, len(PAGES) - 1)),  # a read or a replay
), max_size=14)


def _import(tenant, name, folder):
    path = folder / f"SmtpCSReport_{name}.csv"
    path.write_bytes(FILES[name])
    # A re-import of an imported file is a no-op ("already imported"), as promised.
    with contextlib.suppress(services.AlreadyImported):
        services.report_import(tenant=tenant, path=path)


def _delete(tenant, name):
    for report in ReportImport.objects.filter(tenant=tenant, status=ImportStatus.IMPORTED,
                                              file_name__endswith=f"_{name}.csv"):
        services.report_delete(report=report, actor=None, source="cli")


def _page(tenant, index):
    signin_usage_recompute(tenant=tenant, days=signin_events_store(
        tenant=tenant, records=PAGES[index]))


def _finish(tenant, folder):
    """Bring any history to "every file imported, every page read"."""
    for name in sorted(FILES):
        _import(tenant, name, folder)
    for index in range(len(PAGES)):
        _page(tenant, index)


def _totals(tenant):
    usage = sorted(DailyUsage.objects.filter(tenant=tenant).values_list(
        "day", "sender__address", "source", "auth_method", "messages", "signins"))
    return usage, sorted(Sender.objects.filter(tenant=tenant).values_list("address",
                                                                            flat=True))


def _run(ops, folder):
    with transaction.atomic():
        tenant = TenantFactory()
        for op, arg in ops:
            if op == "import":
                _import(tenant, arg, folder)
            elif op == "delete":
                _delete(tenant, arg)
            else:
                _page(tenant, arg)
        _finish(tenant, folder)
        totals = _totals(tenant)
        transaction.set_rollback(True)
    return totals


@pytest.fixture(scope="module")
def clean(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        return _run([], tmp_path_factory.mktemp("clean"))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_any_interleaving_ends_in_the_totals_of_one_clean_pass(ops, clean, tmp_path,
                                                               report_dirs):
    assert clean[0] and clean[1]  # the clean pass has usage and senders to compare
    assert _run(ops, tmp_path) == clean
