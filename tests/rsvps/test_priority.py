"""Who did not show up at one of the last editions waits behind those who came or cancelled in time."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from rsvps import door, history, services
from rsvps.models import AttendanceRecord, Rsvp, RsvpSettings
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def edition_on(days, capacity=1):
    edition = EditionFactory(start_date=timezone.localdate() + datetime.timedelta(days=days))
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=capacity)
    return edition


def join(edition, email):
    return services.rsvp(edition, name=email, email=email, base_url="http://testserver/")


def went(edition, email, **fields):
    """An RSVP of an edition that is over (RSVPs are closed by now)."""
    return Rsvp.objects.create(edition=edition, name=email, email=email, status="going", **fields)


def test_a_no_show_waits_behind_the_others(settings):
    settings.RSVP_NO_SHOW_EDITIONS = 3
    past = edition_on(-20, capacity=3)
    came, absent, cancelled = (went(past, f"{name}@example.org") for name in ("came", "absent", "cancelled"))
    door.check_in(past.pk, came, method="desk")
    Rsvp.objects.filter(pk=cancelled.pk).update(
        status="cancelled", cancelled_at=timezone.now() - datetime.timedelta(days=25)
    )
    call_command("purge_rsvps", verbosity=0)  # records who came, once the edition is over
    outcomes = dict(
        AttendanceRecord.objects.values_list("outcome", flat=True).order_by().values_list("outcome", "outcome")
    )
    assert set(outcomes) == {"came", "no_show", "cancelled"}

    upcoming = edition_on(10, capacity=1)
    join(upcoming, "first@example.org")  # takes the seat
    late_absent = join(upcoming, "ABSENT@example.org")  # waited first, but did not show up last time
    later = join(upcoming, "came@example.org")
    assert (late_absent.priority, later.priority) == (Rsvp.Priority.NO_SHOW, Rsvp.Priority.NORMAL)
    queue = list(Rsvp.objects.filter(edition=upcoming).waiting_in_order().values_list("email", flat=True))
    assert queue == ["came@example.org", "ABSENT@example.org"]
    # An organizer resets it in the admin (priority is editable there); it only orders the waiting list.


def test_only_the_last_editions_count_and_history_is_forgotten(settings):
    settings.RSVP_NO_SHOW_EDITIONS = 1
    old = edition_on(-60)
    went(old, "absent@example.org")
    history.record_attendance(old.pk)
    newer = edition_on(-30)
    went(newer, "someone@example.org")
    history.record_attendance(newer.pk)
    upcoming = edition_on(10)
    assert history.priority_for("absent@example.org", upcoming) == Rsvp.Priority.NORMAL
    settings.RSVP_NO_SHOW_EDITIONS = 2
    assert history.priority_for("absent@example.org", upcoming) == Rsvp.Priority.NO_SHOW
    settings.RSVP_HISTORY_DAYS = 45
    assert history.purge_history() == 1
    assert history.priority_for("absent@example.org", upcoming) == Rsvp.Priority.NORMAL
