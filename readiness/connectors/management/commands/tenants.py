"""`tenants add | list | import | onboard`: onboarding from the command line.

`onboard` uses the MSP's shared app (`msp_app`): it resolves the customer's directory
from a domain, creates the tenant waiting for consent and prints the consent link. An
unknown domain exits with status 2 and creates nothing (scripts depend on this).

Secrets never travel on the command line (where `ps` and shell history would keep
them): `add` reads the client secret from stdin, or a certificate key from a file;
`import` reads them from the CSV file itself.
"""

import csv
import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from readiness.connectors.choices import Cloud
from readiness.connectors.models import MspApp
from readiness.connectors.onboarding import (
    NewCustomer,
    consent_link,
    customers_add,
    customers_parse,
)
from readiness.connectors.selectors import connection_rows
from readiness.connectors.services import tenant_onboard
from readiness.core.text import reveal_controls

IMPORT_COLUMNS = ("slug", "name", "tenant_id", "client_id", "domain", "cloud", "client_secret",
                  "certificate_key_file", "certificate_file", "thumbprint")


def _read(path: str | None) -> str:
    if not path:
        return ""
    try:
        return Path(path).read_text()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc


def _credential_secret(*, client_secret_stdin, certificate_key, certificate, thumbprint,
                       stdin) -> str:
    """The secret read from standard input (never from argv), after checking that a
    certificate key comes with its certificate or thumbprint."""
    if certificate_key and not (certificate or thumbprint):
        raise CommandError("--certificate-key needs --certificate or --thumbprint")
    if not client_secret_stdin:
        return ""
    secret = (stdin or sys.stdin).read().strip()
    if not secret:
        raise CommandError("No client secret on standard input.")
    return secret


def _messages(exc: ValidationError) -> str:
    return "; ".join(exc.messages)


class Command(BaseCommand):
    help = "Onboard and list customer tenants (app registration + credential)."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add or update one tenant.")
        add.add_argument("--slug", required=True)
        add.add_argument("--name", required=True)
        add.add_argument("--tenant-id", required=True, help="Directory (tenant) ID")
        add.add_argument("--client-id", required=True, help="Application (client) ID")
        add.add_argument("--domain", default="")
        add.add_argument("--cloud", choices=Cloud.values, default=Cloud.GLOBAL)
        credential = add.add_mutually_exclusive_group(required=True)
        credential.add_argument("--client-secret-stdin", action="store_true",
                                help="Read the client secret from standard input.")
        credential.add_argument("--certificate-key", metavar="PEMFILE",
                                help="The certificate's private key (PEM file).")
        add.add_argument("--certificate", metavar="PEMFILE", help="The certificate (PEM).")
        add.add_argument("--thumbprint", help="The certificate's SHA-1 thumbprint.")
        listing = sub.add_parser("list", help="List tenants and their connection health.")
        listing.add_argument("--format", choices=("table", "json"), default="table")
        importing = sub.add_parser("import", help="Onboard many tenants from a CSV file "
                                                  "(all or nothing).")
        importing.add_argument("file")
        onboard = sub.add_parser("onboard", help="Add customers by domain, with the MSP's "
                                                 "shared app; prints the consent links.")
        which = onboard.add_mutually_exclusive_group(required=True)
        which.add_argument("--domain", help="A domain the customer verified in Microsoft 365.")
        which.add_argument("--csv", metavar="FILE", help="CSV with domain[,name][,tags] "
                                                          "(all or nothing).")
        onboard.add_argument("--name", default="")
        onboard.add_argument("--tag", action="append", default=[], help="Repeatable.")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_add(self, *, slug, name, tenant_id, client_id, domain, cloud,
                   client_secret_stdin, certificate_key, certificate, thumbprint, **options):
        secret = _credential_secret(client_secret_stdin=client_secret_stdin,
                                    certificate_key=certificate_key, certificate=certificate,
                                    thumbprint=thumbprint, stdin=options.get("stdin"))
        try:
            tenant = tenant_onboard(
                slug=slug, name=name, directory_id=tenant_id, client_id=client_id,
                domain=domain, cloud=cloud, client_secret=secret,
                certificate_key=_read(certificate_key), certificate=_read(certificate),
                thumbprint=thumbprint or "")
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        self.stdout.write(reveal_controls(f"Saved tenant {tenant.slug} ({tenant.name})."))

    def handle_onboard(self, *, domain, csv, name, tag, **options):
        if not MspApp.current().is_configured:
            raise CommandError("Store the MSP's app first: manage.py msp_app --client-id …")
        try:
            if domain:
                customers = [(0, NewCustomer(domain=domain, name=name, tags=tuple(tag)))]
            else:
                customers = customers_parse(text=_read(csv))
            tenants = customers_add(customers=customers, source="cli")
        except ValidationError as exc:
            self.stderr.write("Nothing was created: " + "; ".join(
                m.replace("line 0: ", "") for m in exc.messages))
            raise SystemExit(2) from exc
        callback = settings.READINESS_PUBLIC_URL.rstrip("/") + reverse(
            "connectors:consent-callback")
        for tenant in tenants:
            link = consent_link(connection=tenant.connection, redirect_uri=callback)
            self.stdout.write(reveal_controls(
                f"{tenant.slug}\t{tenant.connection.directory_id}\t{link}"))

    def handle_list(self, *, format, **options):
        rows = connection_rows()
        if format == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        columns = ("slug", "name", "directory_id", "cloud", "credential", "health",
                   "last_token_at")
        widths = {c: max([len(c)] + [len(str(r[c] or "")) for r in rows]) for c in columns}
        self.stdout.write("  ".join(c.ljust(widths[c]) for c in columns))
        for row in rows:
            self.stdout.write(reveal_controls(
                "  ".join(str(row[c] or "").ljust(widths[c]) for c in columns)))

    def handle_import(self, *, file, **options):
        rows = self._import_rows(file)
        try:
            with transaction.atomic():
                for number, row in enumerate(rows, start=2):
                    self._import_one(number, row)
        except ValidationError as exc:
            raise CommandError(f"Nothing was imported: {_messages(exc)}") from exc
        self.stdout.write(f"Imported {len(rows)} tenant(s).")

    def _import_rows(self, file: str) -> list[dict]:
        with open(file, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"slug", "name", "tenant_id", "client_id"} - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"The CSV lacks column(s): {', '.join(sorted(missing))}")
            return [{k: (v or "").strip() for k, v in row.items() if k in IMPORT_COLUMNS}
                    for row in reader]

    def _import_one(self, number: int, row: dict) -> None:
        try:
            tenant_onboard(
                slug=row["slug"], name=row["name"], directory_id=row["tenant_id"],
                client_id=row["client_id"], domain=row.get("domain", ""),
                cloud=row.get("cloud") or Cloud.GLOBAL,
                client_secret=row.get("client_secret", ""),
                certificate_key=_read(row.get("certificate_key_file")),
                certificate=_read(row.get("certificate_file")),
                thumbprint=row.get("thumbprint", ""))
        except ValidationError as exc:
            raise ValidationError(f"line {number} ({row.get('slug')}): {_messages(exc)}") from exc
