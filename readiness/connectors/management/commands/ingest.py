from django.core.management.base import BaseCommand, CommandError

from readiness.ingestion.choices import RunStatus
from readiness.ingestion.services import ingest_run
from readiness.tenancy.models import Tenant

FAILED = {RunStatus.FAILED, RunStatus.ERRORED, RunStatus.SKIPPED}


class Command(BaseCommand):
    help = ("Ingest one tenant now (synchronously). Exits 1 when a run failed, errored or "
            "was skipped because another ingest of it was running.")

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="Tenant slug")
        parser.add_argument("--source", choices=("signins", "exchange", "all"), default="all")

    def handle(self, *args, tenant, source, **options):
        found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"No tenant {tenant!r}")
        sources = ("signins", "exchange") if source == "all" else (source,)
        failed = [name for name in sources if self._run(found, name) in FAILED]
        if failed:
            raise CommandError(f"Ingest failed for: {', '.join(failed)}", returncode=1)

    def _run(self, tenant: Tenant, source: str) -> str:
        try:
            run = ingest_run(tenant=tenant, source=source, triggered_by="cli")
        except Exception as exc:  # recorded as "errored" on the run, then re-raised to us
            self.stderr.write(f"{source}: errored: {exc}")
            return RunStatus.ERRORED
        counts = ", ".join(f"{k}={v}" for k, v in run.counts.items() if k != "warnings")
        line = f"{source}: {run.status}" + (f" ({counts})" if counts else "")
        if run.error:
            line += f": {run.error}"
        (self.stderr if run.status in FAILED else self.stdout).write(line)
        for warning in run.counts.get("warnings", []):
            self.stdout.write(f"  warning: {warning}")
        return run.status
