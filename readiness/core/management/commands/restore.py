from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from readiness.core.backup import BackupError, backup_restore, database_counts


class Command(BaseCommand):
    help = ("Restore an archive written by `backup` into this instance (stop web, worker "
            "and beat first). Refuses a database that holds users or tenants unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true",
                            help="replace a database that already holds data")

    def handle(self, *args, archive, force, **options):
        if not archive.is_file():
            raise CommandError(f"no such archive: {archive}")
        try:
            result = backup_restore(archive_path=archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{label} {n}" for label, n in database_counts().items())
        self.stdout.write(self.style.SUCCESS(
            f"Restored the backup of {result.manifest['created_at']}: {counts}; "
            f"{result.secrets_checked} stored secrets decrypt."))
        self.stdout.write("Now run `python manage.py migrate` (the compose stack's migrate "
                          "service does it on `docker compose up`), then start the stack.")
