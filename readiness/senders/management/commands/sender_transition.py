"""python manage.py sender_transition --tenant S --address A --to migrated [--comment C] --user U"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from readiness.senders.models import Sender
from readiness.senders.services import TransitionRefused, sender_transition
from readiness.tenancy import scoping
from readiness.tenancy.choices import Capability
from readiness.tenancy.models import Tenant


class Command(BaseCommand):
    help = "Move one sender through the status workflow (same rules as the UI and API)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument("--address", required=True, help="sender address")
        parser.add_argument("--to", required=True, dest="to_status", help="target status")
        parser.add_argument("--comment", default="")
        parser.add_argument("--user", required=True,
                            help="username recorded as the actor (needs WORK on the tenant)")

    def handle(self, *args, tenant, address, to_status, comment, user, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        tenant_obj = Tenant.objects.filter(slug=tenant).first()
        if actor is None or tenant_obj is None:
            raise CommandError("Unknown user or tenant.")
        if not scoping.can(actor, tenant_obj, Capability.WORK):
            raise CommandError(f"{user} may not work senders of {tenant}.")
        sender = Sender.objects.for_tenant(tenant_obj).filter(
            address__iexact=address.strip()).first()
        if sender is None:
            raise CommandError(f"No sender {address} in {tenant}.")
        try:
            change = sender_transition(tenant=tenant_obj, sender=sender, to_status=to_status,
                                       actor=actor, comment=comment, source="cli")
        except TransitionRefused as exc:
            raise CommandError(exc.reason) from exc
        self.stdout.write(f"{sender.address}: {change.from_status} -> {change.to_status}")
