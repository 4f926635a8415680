"""`manage.py restore <dir>`: restore a backup into a fresh database and media directory (core/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database and media directory; refuses "
        "a backup whose files do not match its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--force", action="store_true", help="Replace a non-empty database and media directory."
        )

    def handle(self, *args, directory, database, force, **options):
        try:
            counts = backup.restore(directory, using=database, force=force)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored from {directory}: {len(counts)} tables, {sum(counts.values())} rows; "
            "every row count and file checksum matches the manifest."
        )
