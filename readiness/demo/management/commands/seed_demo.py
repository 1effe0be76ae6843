from django.core.management.base import BaseCommand

from readiness.demo.services import demo_seed


class Command(BaseCommand):
    help = "Write the deterministic demo universe (tenants, mailboxes, senders, usage)."

    def add_arguments(self, parser):
        parser.add_argument("--tenants", type=int, default=3)
        parser.add_argument("--mailboxes", type=int, default=40)
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, tenants, mailboxes, days, seed, **options):
        created = demo_seed(seed=seed, tenants=tenants, mailboxes=mailboxes, days=days)
        for tenant in created:
            self.stdout.write(f"seeded {tenant.slug}: {tenant.name}")
