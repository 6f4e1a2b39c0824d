"""manage.py backup_db [--output FILE]: a backup of the database (what `make backup` runs)."""

from django.core.management.base import BaseCommand, CommandError

from vdlm.backups import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Write a backup of the database: pg_dump's custom format for PostgreSQL, a copy through "
        "the backup API for SQLite. Default file: BACKUP_DIR/<database>-<UTC time>.<dump|sqlite3>."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Where to write the backup (default: a new file in BACKUP_DIR).")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, **options):
        try:
            path = backup_database(options["output"], using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path} ({size:,} bytes)"))
        self.stdout.write("It holds personal data: keep it on encrypted storage, and delete old ones.")
