from django.core.management.base import BaseCommand, CommandError

from readiness.ingestion.choices import RunStatus
from readiness.ingestion.services import ingest_run
from readiness.tenancy.models import Tenant

# Exit codes (docs/operations.md, "ingest exit codes"): 0 when every run succeeded or its
# source is unavailable by licence (a fact: no Entra ID P1); 1 when any run failed
# (credentials, consent, permission or role), errored (outage, our bug) or was skipped.
FAILED = {RunStatus.FAILED, RunStatus.ERRORED, RunStatus.SKIPPED}


class Command(BaseCommand):
    help = ("Ingest one tenant now (synchronously). Exits 1 when a run failed, errored or "
            "was skipped because another ingest of it was running; a source the tenant's "
            "licence lacks (sign-in logs without Entra ID P1) is reported and exits 0.")

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--tenant", help="Tenant slug")
        which.add_argument("--all", action="store_true", help="Every tenant, one after another")
        parser.add_argument("--source", choices=("signins", "exchange", "all"), default="all")

    def handle(self, *args, tenant, source, **options):
        tenants = list(Tenant.objects.order_by("slug")) if options["all"] else list(
            Tenant.objects.filter(slug=tenant))
        if not tenants:
            raise CommandError(f"No tenant {tenant!r}" if tenant else "No tenants yet")
        sources = ("signins", "exchange") if source == "all" else (source,)
        failed = [f"{t.slug}/{name}" for t in tenants for name in sources
                  if self._run(t, name, prefix=f"{t.slug} " if options["all"] else "")
                  in FAILED]
        if failed:
            raise CommandError(f"Ingest failed for: {', '.join(failed)}", returncode=1)

    def _run(self, tenant: Tenant, source: str, prefix: str = "") -> str:
        try:
            run = ingest_run(tenant=tenant, source=source, triggered_by="cli")
        except Exception as exc:  # recorded as "errored" on the run, then re-raised to us
            self.stderr.write(f"{prefix}{source}: errored: {exc}")
            return RunStatus.ERRORED
        counts = ", ".join(f"{k}={v}" for k, v in run.counts.items()
                           if k not in ("warnings", "faults"))
        line = f"{prefix}{source}: {run.status}" + (f" ({counts})" if counts else "")
        if run.status == RunStatus.UNLICENSED:
            line = f"{prefix}{source}: not in the licence, not a failure: {_sentence(run.error)}"
        elif run.error:
            line += f": {run.error}"
        (self.stderr if run.status in FAILED else self.stdout).write(line)
        faults = run.counts.get("faults") or {}
        if faults:
            self.stdout.write("  retried: " + ", ".join(f"{name} ({times})"
                                                        for name, times in faults.items()))
        for warning in run.counts.get("warnings", []):
            self.stdout.write(f"  warning: {warning}")
        return run.status


def _sentence(text: str) -> str:
    """Mid-line: "sign-in logs need Entra ID P1", as the summary says it."""
    return text[:1].lower() + text[1:]
