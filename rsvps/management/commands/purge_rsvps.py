from django.conf import settings
from django.core.management.base import BaseCommand

from rsvps.services import purge_past


class Command(BaseCommand):
    """Delete attendees' names, addresses and answers RSVP_KEEP_DAYS after their edition, keeping the counts (daily)."""

    help = "Delete the RSVPs of editions that ended RSVP_KEEP_DAYS ago (the counts stay)."

    def handle(self, *args, **options):
        deleted = purge_past()
        self.stdout.write(f"Deleted {deleted} row(s) of RSVPs older than {settings.RSVP_KEEP_DAYS} days.")
