"""Re-encrypt every stored secret with a new key: a thin adapter over crypto."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from readiness.core import crypto
from readiness.tenancy.audit import audit_record


class Command(BaseCommand):
    help = "Re-encrypt all stored credentials with a new encryption key (one transaction)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--new-key", help="the new Fernet key (url-safe base64, 32 bytes)")
        group.add_argument("--generate", action="store_true", help="generate a new key")

    def handle(self, *args, **options):
        new_key = Fernet.generate_key().decode() if options["generate"] else options["new_key"]
        try:
            result = crypto.rotate_encryption_key(new_key=new_key)
        except (ImproperlyConfigured, crypto.SecretUnreadable) as exc:
            raise CommandError(str(exc)) from exc
        audit_record(actor=None, tenant=None, action="encryption_key.rotated",
                     after={"rows": result.counts}, source="cli")
        for label, count in result.counts.items():
            self.stdout.write(f"{label}: {count} row(s) re-encrypted")
        self._explain(result)

    def _explain(self, result):
        if not settings.READINESS_ENCRYPTION_KEY:
            crypto.store_dev_keys(result.keys_after)
            self.stdout.write(f"Development key file updated: {crypto.key_file()}")
            return
        # The key is printed once, on purpose: the operator must put it in the env.
        self.stdout.write(self.style.WARNING(
            "Now set, on EVERY web and worker process, during the rollout:\n"
            f"  READINESS_ENCRYPTION_KEY={','.join(result.keys_after)}\n"
            "Once all processes run with it, drop the old key(s):\n"
            f"  READINESS_ENCRYPTION_KEY={result.new_key}"
        ))
