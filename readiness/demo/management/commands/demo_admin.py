import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from readiness.config import read_or_create_key
from readiness.demo.services import demo_admin_ensure


class Command(BaseCommand):
    help = "Create the demo MSP admin once and print its credentials."

    def handle(self, *args, **options):
        path = settings.DATA_DIR / "demo_admin_password"
        password = read_or_create_key(path, lambda: secrets.token_urlsafe(12))
        username, created = demo_admin_ensure(password=password)
        verb = "Created" if created else "Existing"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} admin login -> username: {username}  password: {password}"
        ))
