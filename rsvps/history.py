"""No-show-aware priority: who was going and neither came nor cancelled in time waits behind the others.

Across editions a person is an AttendanceRecord: a keyed hash of their normalised address
(members.models.address_hash) and what they did, kept RSVP_HISTORY_DAYS. An RSVP to a later
edition looks at the last RSVP_NO_SHOW_EDITIONS editions that have records.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from members.models import address_hash

from .models import AttendanceRecord, Rsvp, RsvpSettings
from .times import event_start


def record_attendance(edition_id):
    """Keep, per address as a keyed hash, whether each person came, cancelled in time, or did not show up.

    Run once the edition is over (purge_rsvps does, every day); running it again changes nothing.
    """
    rsvp_settings = RsvpSettings.objects.select_related("edition").get(edition_id=edition_id)
    start = event_start(rsvp_settings.edition)
    rows = []
    for entry in Rsvp.objects.filter(edition_id=edition_id).exclude(status=Rsvp.Status.WAITING):
        if entry.checked_in_at:
            outcome = AttendanceRecord.Outcome.CAME
        elif entry.status == Rsvp.Status.CANCELLED:
            if entry.cancelled_at is None or entry.cancelled_at >= start:
                continue  # a lapsed offer or a cancellation at the door: neither a merit nor a no-show
            outcome = AttendanceRecord.Outcome.CANCELLED
        elif entry.status == Rsvp.Status.GOING and not entry.outside_capacity:
            outcome = AttendanceRecord.Outcome.NO_SHOW
        else:
            continue
        rows.append(AttendanceRecord(edition_id=edition_id, email_hash=address_hash(entry.email), outcome=outcome))
    AttendanceRecord.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def priority_for(email, edition):
    """NO_SHOW when the address was going to one of the last RSVP_NO_SHOW_EDITIONS editions and did not come."""
    recent = (
        AttendanceRecord.objects.filter(edition__start_date__lt=edition.start_date)
        .values_list("edition_id", flat=True)
        .distinct()
        .order_by()
    )
    last = list(
        RsvpSettings.objects.filter(edition_id__in=recent)
        .order_by("-edition__start_date")
        .values_list("edition_id", flat=True)[: settings.RSVP_NO_SHOW_EDITIONS]
    )
    missed = AttendanceRecord.objects.filter(
        edition_id__in=last, email_hash=address_hash(email), outcome=AttendanceRecord.Outcome.NO_SHOW
    ).exists()
    return Rsvp.Priority.NO_SHOW if missed else Rsvp.Priority.NORMAL


def purge_history(today=None):
    """Delete attendance records older than RSVP_HISTORY_DAYS; returns how many went."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.RSVP_HISTORY_DAYS)
    return AttendanceRecord.objects.filter(edition__start_date__lt=cutoff).delete()[0]
