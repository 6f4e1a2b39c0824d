"""manage.py restore_db FILE [--noinput]: replace the database with a backup (`make restore FILE=...`)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from vdlm.backups import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Replace the content of the database with a backup written by backup_db. "
        "Stop the app servers first; run `manage.py migrate` afterwards if the site is newer than the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file (.dump for PostgreSQL, .sqlite3 for SQLite).")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask for confirmation."
        )

    def handle(self, *args, **options):
        alias = options["database"]
        name = connections[alias].settings_dict["NAME"]
        if options["interactive"]:
            answer = input(
                f"This replaces everything in the database {name} with the content of {options['file']}.\n"
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            path = restore_database(options["file"], using=alias)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {name} from {path}."))
