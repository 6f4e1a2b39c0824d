"""The reminder the day before: everyone going gets one mail, with the cancel link first."""

from django.db import transaction
from django.utils import timezone

from . import mails
from .models import Rsvp, RsvpSettings
from .times import event_end, reminder_due_at


def send_reminders(edition_id, now=None):
    """Remind everyone going, once, when the edition is RSVP_REMINDER_HOURS away (not before); returns how many."""
    now = now or timezone.now()
    rsvp_settings = RsvpSettings.objects.select_related("edition").get(edition_id=edition_id)
    if not rsvp_settings.enabled or now < reminder_due_at(rsvp_settings) or now > event_end(rsvp_settings.edition):
        return 0
    going = list(Rsvp.objects.filter(edition_id=edition_id, status=Rsvp.Status.GOING).select_related("edition"))
    with transaction.atomic():
        for entry in going:
            mails.reminder(entry)  # once_key: a second run queues nothing
    return len(going)


def schedule_reminders(rsvp_settings):
    """Ask the worker to send the reminders at their time (a deferred task); the hourly command is the safety net."""
    from .tasks import send_reminders_task  # the task module imports this one

    if not rsvp_settings.enabled or not send_reminders_task.get_backend().supports_defer:
        return
    due = reminder_due_at(rsvp_settings)
    if due > timezone.now():
        send_reminders_task.using(run_after=due).enqueue(rsvp_settings.edition_id)
