from django.conf import settings
from django.core.management.base import BaseCommand

from audit.services import record_purge
from outbox.services import purge_sent


class Command(BaseCommand):
    """Delete sent mail older than OUTBOX_KEEP_SENT_DAYS: it holds addresses and private links (run daily)."""

    help = "Delete sent mail older than OUTBOX_KEEP_SENT_DAYS."

    def handle(self, *args, **options):
        deleted = purge_sent()
        record_purge("purge_outbox", sent_mails=deleted)
        self.stdout.write(f"Deleted {deleted} sent mail(s) older than {settings.OUTBOX_KEEP_SENT_DAYS} days.")
