"""PostgreSQL's fast path (readiness/imports/rawstage.py) imports exactly what the row
parser imports, and hands every file it does not take, good or bad, to the row parser."""

from __future__ import annotations

import pytest
from django.db import connection

from readiness.imports import rawstage, services
from readiness.imports.models import ReportMessage
from readiness.usage.models import ClientObservation, DailyUsage
from tests.imports.helpers import build_csv, detailed_row, snapshot

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the fast path is PostgreSQL's")


def _rows(**override) -> list[dict]:
    """Varied but plain rows: what the fast path takes."""
    rows = []
    for n in range(1, 121):
        rows.append(detailed_row(
            n,
            date=("2026-11-18T06:01:12.0000000Z", "2026-11-17", "2026-11-16 23:59",
                  "2026-11-15T00:00:00z", "2026-11-14T10:20:30,5")[n % 5],
            senderName=("skener2", "ERP", "noreply@Fabrikam.example", "Tiskarna3")[n % 4],
            senderDomain=("contoso.cz", "Contoso.CZ")[n % 2],
            authMethod=("Basic", "OAuth", "oauth2", "basic authentication")[n % 4],
            original_client_ip=("203.0.113.25", "", "2001:db8::1")[n % 3],
            tls_version=("TLS1_2", "TLS1_0", "")[n % 3],
            message_count=("1", "007", "250")[n % 3],
            message_id=f"<m{n}@contoso.cz>"))
    # Message 7 twice: the file's own duplicate counts once. (Which of two different
    # rows with one ID would win is not specified, on either path.)
    rows.append(dict(rows[6]))
    for row in rows[:3]:
        row.update(override)
    return rows


def _state(tenant, report) -> dict:
    messages = sorted(ReportMessage.objects.filter(tenant=tenant).values_list(
        "message_id", "day", "sender__address", "auth_method", "count", "client_ip",
        "tls_version"))
    usage = sorted(DailyUsage.objects.for_tenant(tenant).values_list(
        "sender__address", "day", "auth_method", "source", "messages"))
    observations = sorted(ClientObservation.objects.for_tenant(tenant).values_list(
        "sender__address", "source", "client_ip", "tls_version", "first_day", "last_day",
        "messages"))
    figures = {f: getattr(report, f) for f in (
        "rows", "senders", "messages_basic", "messages_oauth", "messages_unknown",
        "new_messages", "period_start", "period_end", "date_order", "date_order_ambiguous",
        "encoding", "delimiter", "format")}
    return {"messages": messages, "usage": usage, "observations": observations,
            "figures": figures, "preview": report.preview["rows"],
            "senders": report.preview["senders"]}


def _both(tenant_a, tenant_b, path, monkeypatch) -> tuple[dict, dict, list]:
    """Import the file into tenant_a (fast path allowed) and tenant_b (row parser)."""
    taken = []
    real = services.raw_stage_load

    def spy(*args, **kwargs):
        stage = real(*args, **kwargs)
        taken.append(stage is not None)
        return stage

    monkeypatch.setattr(services, "raw_stage_load", spy)
    fast = services.report_import(tenant=tenant_a, path=path)
    monkeypatch.setattr(services, "raw_stage_load", lambda *a, **k: None)
    slow = services.report_import(tenant=tenant_b, path=path)
    return _state(tenant_a, fast), _state(tenant_b, slow), taken


@pytest.mark.parametrize("options", [
    {}, {"encoding": "utf-16-le", "quote_all": True}, {"delimiter": ";", "newline": "\n"},
])
def test_the_fast_path_imports_what_the_row_parser_imports(tenant_a, tenant_b, write_file,
                                                           monkeypatch, options):
    path = write_file(build_csv(_rows(), **options))
    fast, slow, taken = _both(tenant_a, tenant_b, path, monkeypatch)
    assert taken == [True]
    assert fast == slow
    assert fast["figures"]["new_messages"] == 120 and len(fast["usage"]) > 10


def test_cells_that_need_escaping_in_copy_arrive_intact(tenant_a, tenant_b, write_file,
                                                        monkeypatch):
    path = write_file(build_csv(_rows(message_id='<a\\b\t"c"\r\nd@contoso.cz>')))
    fast, slow, taken = _both(tenant_a, tenant_b, path, monkeypatch)
    assert taken == [True] and fast == slow
    assert fast["messages"][0][0] == '<a\\b\t"c"\r\nd@contoso.cz>'


@pytest.mark.parametrize("override", [
    {"date": "11/18/2026 6:01 AM"},  # not ISO: the row parser decides the order
    {"date": "2026-11-18T06:01:12+02:00"},  # a zone: the day may move
    {"message_count": "1,280"},  # thousands separator
    {"original_client_ip": " 203.0.113.25"},
    {"message_id": "<m1@contoso.cz> "},
])
def test_a_file_the_fast_path_does_not_take_is_imported_by_the_row_parser(
        tenant_a, tenant_b, write_file, monkeypatch, override):
    path = write_file(build_csv(_rows(**override)))
    fast, slow, taken = _both(tenant_a, tenant_b, path, monkeypatch)
    assert taken == [False]
    assert fast == slow


def test_senders_are_normalised_by_the_row_parsers_own_function(tenant_a, tenant_b,
                                                               write_file, monkeypatch):
    path = write_file(build_csv(_rows(senderName=" Skener2 ", senderDomain=" contoso.cz")))
    fast, slow, taken = _both(tenant_a, tenant_b, path, monkeypatch)
    assert taken == [True] and fast == slow


def test_trailing_blank_lines_go_to_the_row_parser(tenant_a, tenant_b, write_file,
                                                   monkeypatch):
    path = write_file(build_csv(_rows()) + b"\r\n\r\n")
    fast, slow, taken = _both(tenant_a, tenant_b, path, monkeypatch)
    assert taken == [False] and fast == slow


@pytest.mark.parametrize(("override", "message"), [
    ({"date": "2026-02-30T06:01:12Z"}, 'column "date"'),
    ({"authMethod": "NTLM"}, "authentication method"),
    ({"senderName": "not an address@"}, 'column "senderName"'),
    ({"message_count": "-3"}, "negative"),
    ({"message_id": ""}, "every message needs an ID"),
])
def test_a_bad_file_is_rejected_with_the_row_parsers_message(tenant_a, write_file, override,
                                                             message):
    rows = _rows()
    rows[90].update(override)
    before = snapshot()
    with pytest.raises(services.ReportRejected) as rejected:
        services.report_import(tenant=tenant_a, path=write_file(build_csv(rows)))
    assert rejected.value.line == 92 and message in rejected.value.message
    assert snapshot() == before


def test_the_fast_path_refuses_what_it_cannot_vouch_for(db, write_file):
    from readiness.imports.parsing import inspect_report

    path = write_file(build_csv(_rows(date="2026-11-18T06:01:12+01:00")))
    assert rawstage.raw_stage_load(path, inspect_report(path, dates=False)) is None
    with connection.cursor() as cursor:  # and it left no staging table behind
        cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE tablename LIKE 'import_raw_%%'")
        assert cursor.fetchone()[0] == 0


def test_a_message_id_known_on_another_day_is_still_counted_once(tenant_a, write_file):
    """The merge skips ON CONFLICT when no message of the file's period is known; a
    known ID on another day makes it run again with it (and a file's own repeat too)."""
    services.report_import(tenant=tenant_a, path=write_file(build_csv(
        [detailed_row(1, date="2026-11-18T06:01:12Z")]), "a.csv"))
    second = services.report_import(tenant=tenant_a, path=write_file(build_csv(
        [detailed_row(n, date="2026-11-10T06:01:12Z", message_count="5")
         for n in (1, 2, 3, 3)]), "b.csv"))
    assert second.new_messages == 2
    assert ReportMessage.objects.filter(tenant=tenant_a).count() == 3
    usage = DailyUsage.objects.for_tenant(tenant_a).get(day="2026-11-10")
    assert usage.messages == 10


def test_batches_copied_while_the_next_is_read_arrive_complete(tenant_a, tenant_b, write_file,
                                                              monkeypatch):
    """The COPY of a batch runs in a thread while the next one is read (rawstage._Copier):
    with batches of 7 rows, every row still arrives once, and the progress is written
    between COPYs on the same connection."""
    monkeypatch.setattr(rawstage, "BATCH", 7)
    path = write_file(build_csv(_rows()))
    fast, slow, taken = _both(tenant_a, tenant_b, path, monkeypatch)
    # The preview is the first batch's rows (here 7 of the row parser's PREVIEW_ROWS).
    assert fast.pop("preview") == slow.pop("preview")[:7]
    assert taken == [True] and fast == slow


def test_a_batch_postgresql_refuses_leaves_the_transaction_to_the_row_parser(
        tenant_a, tenant_b, write_file, monkeypatch):
    """A COPY refused in a later batch, from the worker thread, inside the test's
    transaction: the savepoint keeps that transaction usable, the path gives up and the
    row parser imports the file, as for any file the path does not take. (What passes
    the checks is text PostgreSQL takes; the refusal is made by hand here.)"""
    monkeypatch.setattr(rawstage, "BATCH", 7)
    real_text, batches = rawstage._copy_text, []

    def refused_third(batch, width):
        batches.append(batch)
        return real_text(batch, width) + ("\x00\n" if len(batches) == 3 else "")

    monkeypatch.setattr(rawstage, "_copy_text", refused_third)
    fast, slow, taken = _both(tenant_a, tenant_b, write_file(build_csv(_rows())), monkeypatch)
    assert taken == [False] and fast == slow and len(batches) >= 3
    with connection.cursor() as cursor:  # the staging table went with the give-up
        cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE tablename LIKE 'import_raw_%%'")
        assert cursor.fetchone()[0] == 0
