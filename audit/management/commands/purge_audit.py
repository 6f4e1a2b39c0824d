from django.core.management.base import BaseCommand

from audit.services import purge


class Command(BaseCommand):
    """Delete audit entries older than AUDIT_RETENTION_DAYS (730): the trail's only deletion (run it daily)."""

    help = "Delete audit trail entries older than the retention period."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {purge()} audit entries older than the retention period.")
