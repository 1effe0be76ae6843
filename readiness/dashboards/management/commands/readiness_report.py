import csv
import json
from argparse import ArgumentTypeError
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from readiness.dashboards.summary import USAGE_WINDOW_DAYS, readiness_summary
from readiness.tenancy.models import Tenant
from readiness.usage.rollups import usage_rollups_refresh

NOT_READY_EXIT = 3
CSV_COLUMNS = ("record", "address", "display_name", "smtp_auth", "effective", "reason",
               "basic_messages", "oauth_messages", "basic_signins", "failed_basic_signins",
               "last_basic_day", "last_basic_success", "conflict", "status", "owner")
MAX_PERIOD_DAYS = 400  # as the usage API


class Command(BaseCommand):
    help = ("Print a tenant's SMTP AUTH readiness (json, csv or text). With "
            f"--fail-if-not-ready, exit {NOT_READY_EXIT} when the tenant is not ready "
            "(readiness/usage/readiness.py decides, as on the portfolio).")

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="Tenant slug")
        parser.add_argument("--format", choices=("json", "csv", "text"), default="text")
        parser.add_argument("--fail-if-not-ready", action="store_true")
        parser.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD",
                            help="first UTC day of the period (default: 29 days before --to)")
        parser.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD",
                            help="last UTC day of the period, included (default: today)")

    def handle(self, *args, tenant, format, fail_if_not_ready, start=None, end=None,
               **options):
        found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"No tenant {tenant!r}")
        start, end = _period(start, end, timezone.now().date())
        # The verdict reads the rollups: bring them up to now first (idempotent).
        usage_rollups_refresh(tenant=found)
        summary = readiness_summary(tenant=found, start=start, end=end)
        getattr(self, f"write_{format}")(summary)
        if fail_if_not_ready and not summary["ready"]:
            raise CommandError("Not ready: " + "; ".join(summary["blockers"]),
                               returncode=NOT_READY_EXIT)

    def write_json(self, summary: dict) -> None:
        self.stdout.write(json.dumps(summary, indent=2))

    def write_csv(self, summary: dict) -> None:
        writer = csv.DictWriter(self.stdout, fieldnames=CSV_COLUMNS, extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        for row in summary["mailbox_rows"]:
            writer.writerow({"record": "mailbox", **row})
        for row in summary["sender_rows"]:
            writer.writerow({"record": "sender", **row})

    def write_text(self, summary: dict) -> None:
        out, org, usage = self.stdout.write, summary["org"], summary["usage"]
        out(f"Readiness of {summary['tenant']} as of {summary['as_of']}")
        out(f"  Organisation: SMTP AUTH disabled={org['smtp_client_auth_disabled']}, default "
            f"policy={org['default_authentication_policy']}, security defaults="
            f"{org['security_defaults']}")
        for name, source in summary["sources"].items():
            out(f"  Source {name}: {source['status']} (last success {source['last_success']})"
                + (f": {source['message']}" if source["message"] else ""))
        out("  Mailboxes: " + ", ".join(f"{k}={v}" for k, v in summary["mailboxes"].items()))
        period = summary["period"]
        out(f"  Period {period['from']}..{period['to']} (UTC days, both included)")
        out(f"  Usage {usage['first_day']}..{usage['last_day']}: basic messages "
            f"{usage['basic_messages']}, OAuth messages {usage['oauth_messages']}, basic "
            f"sign-ins {usage['basic_signins']}, failed {usage['failed_basic_signins']}")
        out(f"  Senders: {summary['senders']['total']}, using Basic "
            f"{summary['senders']['using_basic']}")
        for row in summary["mailbox_rows"]:
            if row["conflict"]:
                out(f"  Conflict: {row['address']}: {row['note']}")
        out("  Ready." if summary["ready"] else "  Not ready: " + "; ".join(summary["blockers"]))


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-01"
                                ) from None


def _period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """UTC days, both inclusive; the default stays the last 30 days."""
    end = end or (start + timedelta(days=USAGE_WINDOW_DAYS - 1) if start else today)
    start = start or end - timedelta(days=USAGE_WINDOW_DAYS - 1)
    if start > end:
        raise CommandError(f"--from {start} is after --to {end}")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise CommandError(f"At most {MAX_PERIOD_DAYS} days per report")
    return start, end
