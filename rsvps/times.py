"""When things happen to an edition's RSVPs: they open and close, an offer ends, the reminder goes out.

An edition may have a date without a time; then it "starts" at midnight and "ends" at 23:59,
Vienna time, so an offer or a guest list link never outlives the evening.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from meetups.schedule import edition_end, edition_start, local_datetime


def event_start(edition, time_without_one=datetime.time(0, 0)):
    """The edition's start as an aware datetime (at `time_without_one` when it has a date only)."""
    start = edition_start(edition)
    return start if isinstance(start, datetime.datetime) else local_datetime(start, time_without_one)


def event_end(edition):
    end = edition_end(edition)
    return end if isinstance(end, datetime.datetime) else local_datetime(end, datetime.time(23, 59))


def closes_at(rsvp_settings):
    """When RSVPs close: the setting, or the edition's start."""
    return rsvp_settings.closes_at or event_start(rsvp_settings.edition)


def is_open(rsvp_settings, now=None):
    now = now or timezone.now()
    edition = rsvp_settings.edition
    if not (rsvp_settings.enabled and edition.published and not edition.cancelled):
        return False
    if rsvp_settings.opens_at and now < rsvp_settings.opens_at:
        return False
    return now < closes_at(rsvp_settings)


def offer_expiry(rsvp_settings, now):
    """Until when an offer made now holds the seat.

    The hold time (offer_hold_hours), but no later than the edition's start; when the start is
    nearer than RSVP_OFFER_MIN_HOURS, that minimum, yet never beyond the edition's end.
    """
    edition = rsvp_settings.edition
    start = event_start(edition)
    hold = now + datetime.timedelta(hours=rsvp_settings.offer_hold_hours)
    minimum = now + datetime.timedelta(hours=settings.RSVP_OFFER_MIN_HOURS)
    return min(min(hold, max(start, minimum)), event_end(edition))


def reminder_due_at(rsvp_settings):
    """RSVP_REMINDER_HOURS before the start (9:00 for an edition without a time)."""
    start = event_start(rsvp_settings.edition, datetime.time(9, 0))
    return start - datetime.timedelta(hours=settings.RSVP_REMINDER_HOURS)
