"""`manage.py backup <dir>`: the database, the media and a manifest of checksums (core/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = "Back up the database and the media into a new directory, with a manifest of row counts and checksums."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory, database, **options):
        try:
            manifest = backup.backup(directory, using=database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backup written to {directory}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['media'])} files (portal {manifest['portal']['version']} "
            f"{manifest['portal']['git_commit'][:12]})."
        )
