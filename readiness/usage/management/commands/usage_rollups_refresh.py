from django.core.management.base import BaseCommand, CommandError

from readiness.tenancy.models import Tenant
from readiness.usage.rollups import usage_rollups_refresh


class Command(BaseCommand):
    help = "Rebuild the dashboard rollups (all tenants, or --tenant SLUG)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="slug; default: every tenant")
        parser.add_argument("--days", type=int, default=97,
                            help="how many recent days of per-day rollups to rebuild")

    def handle(self, *args, tenant=None, days=97, **options):
        tenants = Tenant.objects.all()
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"No tenant with slug {tenant!r}.")
        for item in tenants.iterator():
            usage_rollups_refresh(tenant=item, days=days)
            self.stdout.write(f"refreshed {item.slug}")
