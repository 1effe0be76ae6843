"""python manage.py import_smtp_report: 0 on success, 2 on bad input with nothing written."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from readiness.imports.models import ReportImport
from tests.imports.helpers import SAMPLES, build_csv, detailed_row, snapshot, usage_of

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> str:
    out = StringIO()
    call_command("import_smtp_report", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_it_imports_and_prints_what_it_imported(tenant_a):
    out = run(SAMPLES / "SmtpCSReport_sample.csv", "--tenant", tenant_a.slug)
    assert "Imported SmtpCSReport_sample.csv" in out
    assert "utf-16-le" in out and "rows:     5" in out and "senders:  4" in out
    assert "2026-11-18 to 2026-11-19" in out and "basic 5, oauth 2, unknown 0" in out
    assert ReportImport.objects.get().channel == "cli"


def test_an_export_takes_its_period_from_the_options(tenant_a):
    out = run(SAMPLES / "smtp-auth-clients-export_sample.csv", "--tenant", tenant_a.slug,
              "--period-start", "2026-11-01", "--period-end", "2026-11-28")
    assert "2026-11-01 to 2026-11-28 (stated)" in out
    assert usage_of(tenant_a, "export")


def test_a_dry_run_prints_the_summary_and_writes_nothing(tenant_a):
    before = snapshot()
    out = run(SAMPLES / "SmtpCSReport_sample.csv", "--tenant", tenant_a.slug, "--dry-run")
    assert "Would import" in out and snapshot() == before


def test_the_same_file_again_is_a_polite_no_op(tenant_a):
    run(SAMPLES / "SmtpCSReport_sample.csv", "--tenant", tenant_a.slug)
    assert "already imported on" in run(SAMPLES / "SmtpCSReport_sample.csv", "--tenant",
                                        tenant_a.slug)


@pytest.mark.parametrize("extra", [
    [],  # an Export with no period
    ["--period-start", "2026-11-01"],
    ["--period-start", "2026-11-31", "--period-end", "2026-12-01"],
])
def test_an_export_without_a_valid_period_exits_2(tenant_a, extra):
    with pytest.raises(CommandError) as caught:
        run(SAMPLES / "smtp-auth-clients-export_sample.csv", "--tenant", tenant_a.slug, *extra)
    assert caught.value.returncode == 2 and not ReportImport.objects.exists()


def test_an_unknown_tenant_or_missing_file_exits_2(tenant_a, tmp_path):
    for args in ([SAMPLES / "SmtpCSReport_sample.csv", "--tenant", "nope"],
                 [tmp_path / "missing.csv", "--tenant", tenant_a.slug]):
        with pytest.raises(CommandError) as caught:
            run(*args)
        assert caught.value.returncode == 2


@pytest.mark.django_db(transaction=True)
def test_a_bad_file_exits_2_with_the_message_no_traceback_and_writes_nothing(tmp_path):
    from tests.factories import TenantFactory

    TenantFactory(slug="cli-tenant")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(build_csv([detailed_row(1), detailed_row(2, message_count="ten")]))
    before = snapshot()
    done = subprocess.run(
        [sys.executable, "manage.py", "import_smtp_report", str(bad), "--tenant", "cli-tenant"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "DATABASE_URL": _database_url()})
    assert done.returncode == 2, done.stderr
    assert 'Line 3, column "message_count": "ten" is not a whole number' in done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot() == before


def _database_url() -> str:
    """The test database, so the child process sees the tenant this test created."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}")


@pytest.mark.parametrize(("cells", "needle"), [
    ({"date": "0001-01-01T00:00:00Z"}, 'Line 3, column "date": "0001-01-01T00:00:00Z" is before'),
    ({"date": "2099-01-01T00:00:00Z"}, 'column "date": "2099-01-01T00:00:00Z" is in the future'),
    ({"message_count": "99999999999999999999999"}, 'column "message_count"'),
])
def test_impossible_values_exit_2_and_write_nothing(tenant_a, tmp_path, cells, needle):
    bad = tmp_path / "impossible.csv"
    bad.write_bytes(build_csv([detailed_row(1), detailed_row(2, **cells)]))
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        run(bad, "--tenant", tenant_a.slug)
    assert caught.value.returncode == 2 and needle in str(caught.value)
    assert snapshot() == before
