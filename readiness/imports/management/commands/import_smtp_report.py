"""python manage.py import_smtp_report PATH --tenant SLUG [--period-start D --period-end D]
[--dry-run] [--allow-foreign-domains]: exit 0 on success (or when the file was already
imported), 2 on bad input (a file of another tenant's domains included) with the reason
and nothing written."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from readiness.imports import services
from readiness.tenancy.domains import DomainCheck, domain_check_message
from readiness.tenancy.models import Tenant

BAD_INPUT = 2


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"'{value}' is not a date (YYYY-MM-DD).", returncode=BAD_INPUT) from None


class Command(BaseCommand):
    help = "Import an SMTP AUTH clients report (detailed CSV or on-screen Export) for a tenant."
    # The system checks import every URLconf and app: ~0.9 s of a scheduled or drop-folder
    # import, to find configuration errors that `manage.py check --deploy` reports.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument("--period-start", type=str, help="Export files: first day, YYYY-MM-DD")
        parser.add_argument("--period-end", type=str, help="Export files: last day, YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true",
                            help="parse and summarise; write nothing")
        parser.add_argument("--allow-foreign-domains", action="store_true",
                            help="import even though most sender domains are not the "
                                 "tenant's (recorded in the audit log)")

    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant '{options['tenant']}'.", returncode=BAD_INPUT)
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.", returncode=BAD_INPUT)
        period = self._period(options)
        try:
            report = services.report_import(tenant=tenant, path=path, period=period,
                                            dry_run=options["dry_run"], progress=self._progress,
                                            allow_foreign=options["allow_foreign_domains"])
        except services.AlreadyImported as exc:
            self.stdout.write(str(exc) + " Nothing to do.")
            return
        except services.ReportRejected as exc:
            raise CommandError(f"{path.name}: {exc.message}", returncode=BAD_INPUT) from None
        self._summary(report, options["dry_run"])

    def _period(self, options) -> services.Period | None:
        start, end = options["period_start"], options["period_end"]
        if not (start or end):
            return None
        if not (start and end):
            raise CommandError("Give both --period-start and --period-end.", returncode=BAD_INPUT)
        return services.Period(_day(start), _day(end))

    def _progress(self, done: int, total: int) -> None:
        if sys.stderr.isatty() and total:
            sys.stderr.write(f"\r{done * 100 // total:3d}% of {total:,} bytes")
            if done >= total:
                sys.stderr.write("\n")

    def _summary(self, report, dry_run: bool) -> None:
        verb = "Would import" if dry_run else "Imported"
        period = f"{report.period_start} to {report.period_end}"
        if report.period_stated:
            period += " (stated)"
        lines = [
            f"{verb} {report.file_name} for {report.tenant.slug}",
            f"  format:   {report.get_format_display()}",
            f"  encoding: {report.encoding}, delimiter {report.delimiter!r}"
            + (f", dates {report.date_order}" if report.date_order else "")
            + (" (ambiguous: assumed month/day)" if report.date_order_ambiguous else ""),
            f"  rows:     {report.rows:,}" + (
                f" ({report.new_messages:,} new messages)"
                if not dry_run and report.format == "detailed" else ""),
            f"  senders:  {report.senders:,}",
            f"  period:   {period}",
            f"  messages: basic {report.messages_basic:,}, oauth {report.messages_oauth:,}, "
            f"unknown {report.messages_unknown:,}",
        ]
        check = DomainCheck.from_dict(report.preview.get("domain_check"))
        if check is not None and (message := domain_check_message(check, [])):
            lines.append(f"  domains:  {message}")
        self.stdout.write("\n".join(lines))
