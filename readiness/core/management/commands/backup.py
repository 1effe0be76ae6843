from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from readiness.core.backup import BackupError, backup_create, database_counts


class Command(BaseCommand):
    help = ("Write one dated archive (.tar.gz) with the database and the data directory, "
            "the encryption key included. Keep it somewhere safe: it holds every secret.")

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, default=None,
                            help="where to write the archive (default: DATA_DIR/backups)")

    def handle(self, *args, output_dir, **options):
        try:
            path = backup_create(output_dir=output_dir or Path(settings.DATA_DIR) / "backups")
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{label} {n}" for label, n in database_counts().items())
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path}"))
        self.stdout.write(f"Contains: {counts}")
