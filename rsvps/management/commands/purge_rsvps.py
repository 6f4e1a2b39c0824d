import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.services import record_purge
from rsvps.history import purge_history, record_attendance
from rsvps.models import RsvpSettings
from rsvps.services import purge_past


class Command(BaseCommand):
    """Run daily: record who came to editions that are over, delete their RSVPs after RSVP_KEEP_DAYS.

    What stays: the counts, and for RSVP_HISTORY_DAYS whether each address (as a keyed hash)
    came, cancelled in time or did not show up, which orders future waiting lists.
    """

    help = "Delete the RSVPs of editions that ended RSVP_KEEP_DAYS ago (the counts stay)."

    def handle(self, *args, **options):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        ended = RsvpSettings.objects.filter(edition__start_date__lte=yesterday, edition__rsvps__isnull=False)
        editions = list(ended.values_list("edition_id", flat=True).distinct())
        for edition_id in editions:
            record_attendance(edition_id)
        deleted = purge_past()
        forgotten = purge_history()
        record_purge("purge_rsvps", RSVP_rows=deleted, attendance_records=forgotten)
        self.stdout.write(f"Attendance recorded for {len(editions)} edition(s) that are over.")
        self.stdout.write(f"Deleted {deleted} row(s) of RSVPs older than {settings.RSVP_KEEP_DAYS} days.")
        self.stdout.write(f"Deleted {forgotten} attendance record(s) older than {settings.RSVP_HISTORY_DAYS} days.")
