"""revoke --user U --tenant S"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from readiness.tenancy import services
from readiness.tenancy.models import Tenant


class Command(BaseCommand):
    help = "Remove a user's membership of a tenant."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--tenant", required=True, help="tenant slug")

    def handle(self, *args, **opts):
        tenant = Tenant.objects.filter(slug=opts["tenant"]).first()
        if tenant is None:
            raise CommandError(f"no tenant with slug {opts['tenant']!r}")
        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"no user {opts['user']!r}")
        if not services.membership_revoke(tenant=tenant, user=user, actor=None, source="cli"):
            raise CommandError(f"{user.get_username()} has no membership of {tenant.slug}")
        self.stdout.write(f"{user.get_username()} removed from {tenant.slug}")
