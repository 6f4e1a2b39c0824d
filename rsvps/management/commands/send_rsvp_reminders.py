import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from rsvps.models import RsvpSettings
from rsvps.reminders import send_reminders


class Command(BaseCommand):
    """Send the reminder to everyone going to editions starting within RSVP_REMINDER_HOURS (run hourly).

    The worker sends them at their time by itself; this is the safety net. Each person gets one
    reminder per edition, however often this runs.
    """

    help = "Remind everyone going to an edition that starts within RSVP_REMINDER_HOURS."

    def handle(self, *args, **options):
        today = timezone.localdate()
        horizon = today + datetime.timedelta(hours=settings.RSVP_REMINDER_HOURS + 24)
        soon = RsvpSettings.objects.filter(enabled=True, edition__start_date__range=(today, horizon))
        sent = sum(send_reminders(edition_id) for edition_id in soon.values_list("edition_id", flat=True))
        self.stdout.write(f"{sent} reminder(s) checked (each person gets one per edition).")
