"""`msp_app --client-id ID (--client-secret-stdin | --certificate-key K --certificate C)`:
store the MSP's multi-tenant app once. The secret comes from stdin, never argv."""


from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from readiness.connectors.management.commands.tenants import _credential_secret, _read
from readiness.connectors.onboarding import msp_app_save


class Command(BaseCommand):
    help = "Store the MSP's multi-tenant app (client id and secret or certificate)."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--client-id", required=True, help="Application (client) ID")
        credential = parser.add_mutually_exclusive_group(required=True)
        credential.add_argument("--client-secret-stdin", action="store_true",
                                help="Read the client secret from standard input.")
        credential.add_argument("--certificate-key", metavar="PEMFILE",
                                help="The certificate's private key (PEM file).")
        parser.add_argument("--certificate", metavar="PEMFILE", help="The certificate (PEM).")
        parser.add_argument("--thumbprint", help="The certificate's SHA-1 thumbprint.")

    def handle(self, *args, client_id, client_secret_stdin, certificate_key, certificate,
               thumbprint, **options):
        secret = _credential_secret(client_secret_stdin=client_secret_stdin,
                                    certificate_key=certificate_key, certificate=certificate,
                                    thumbprint=thumbprint, stdin=options.get("stdin"))
        try:
            app = msp_app_save(client_id=client_id, client_secret=secret,
                               certificate_key=_read(certificate_key),
                               certificate=_read(certificate), thumbprint=thumbprint or "",
                               source="cli")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Stored the MSP app {app.client_id} "
                          f"({app.get_credential_kind_display().lower()}).")
