"""grant --user U --tenant S --role R [--create --email E --password-stdin]"""

import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from readiness.tenancy import services
from readiness.tenancy.choices import Role
from readiness.tenancy.models import Tenant


class Command(BaseCommand):
    help = "Give a user a role in a tenant (creating the user with --create)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument("--role", required=True, help=" | ".join(Role.values))
        parser.add_argument("--create", action="store_true", help="create the user if missing")
        parser.add_argument("--email", default="", help="e-mail of a user created by --create")
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the new user's password from standard input")

    @transaction.atomic
    def handle(self, *args, **opts):
        if opts["role"] not in Role.values:
            raise CommandError(f"unknown role {opts['role']!r}: use {', '.join(Role.values)}")
        tenant = Tenant.objects.filter(slug=opts["tenant"]).first()
        if tenant is None:
            raise CommandError(f"no tenant with slug {opts['tenant']!r}")
        try:
            user = self._user(opts)
            services.membership_grant(tenant=tenant, user=user, role=opts["role"], actor=None,
                                      source="cli")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{user.get_username()} is {opts['role']} of {tenant.slug}")

    def _user(self, opts):
        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is not None:
            return user
        if not opts["create"]:
            raise CommandError(f"no user {opts['user']!r} (add --create to create one)")
        if not opts["password_stdin"]:
            # Never on the command line, where it would land in shell history and ps.
            raise CommandError("--create needs --password-stdin")
        password = sys.stdin.readline().rstrip("\n")
        return services.user_create(username=opts["user"], email=opts["email"],
                                    password=password, actor=None, source="cli")
