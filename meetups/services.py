"""Operations on editions that touch several models. Views, admin actions and
management commands call these; they never live in one of those alone."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from vdlm.page_cache import content_changed

from .models import AgendaItem, Edition

# Agenda slots that belong to a specific talk; a clone keeps the slot, not the talk.
TALK_SLOT_KINDS = {AgendaItem.Kind.TALK, AgendaItem.Kind.CONFERENCE_REPORT}
TO_BE_ANNOUNCED = "To be announced"
# The series meets about monthly: the next edition four weeks after the latest one.
RHYTHM = datetime.timedelta(weeks=4)


def _next_free_code(base):
    code, suffix = base, 2
    while Edition.objects.filter(code__iexact=code).exists():
        code = f"{base}-{suffix}"
        suffix += 1
    return code


def next_date_in_rhythm(edition, today=None):
    """The date proposed for the edition after `edition`: on its weekday, about four weeks
    (RHYTHM) after the latest edition of its kind, and never before `today` (Vienna).

    Cloned from an edition years old, the proposal is about four weeks from today.
    """
    today = today or timezone.localdate()
    latest = Edition.objects.filter(kind=edition.kind).aggregate(Max("start_date"))["start_date__max"]
    after = max(latest or edition.start_date, edition.start_date) + RHYTHM
    if after < today:
        after = today + RHYTHM
    return after + datetime.timedelta(days=(edition.start_date.weekday() - after.weekday()) % 7)


@transaction.atomic
def clone_as_next_edition(edition, today=None):
    """Create the next edition from `edition` and return it, unpublished.

    It gets the next free number of its kind (a numeric code follows the number),
    the date of next_date_in_rhythm(), the same organizers and the agenda skeleton:
    every slot with its kind and time, talk slots titled "To be announced" and
    unlinked from the old talks. Venue, talks, sponsors and links stay behind: they
    change every month.
    """
    if edition.number is not None:
        highest = Edition.objects.filter(kind=edition.kind).aggregate(Max("number"))["number__max"]
        number = (highest or 0) + 1
    else:
        number = None
    if number is not None and edition.code.isdigit():
        code = _next_free_code(str(number))
    else:
        code = _next_free_code(edition.code)

    clone = Edition(
        code=code,
        number=number,
        kind=edition.kind,
        title="" if number is not None else edition.title,
        start_date=next_date_in_rhythm(edition, today),
        start_time=edition.start_time,
        end_time=edition.end_time if not edition.is_multi_day else None,
        attendance=edition.attendance,
        published=False,
    )
    clone.full_clean()
    clone.save()
    clone.organizers.set(edition.organizers.all())
    AgendaItem.objects.bulk_create(
        AgendaItem(
            edition=clone,
            position=item.position,
            start_time=item.start_time,
            kind=item.kind,
            title=TO_BE_ANNOUNCED if item.kind in TALK_SLOT_KINDS else item.title,
        )
        for item in edition.agenda_items.order_by("position")
    )
    # bulk_create sends no signal. A draft shows on no public page yet, but every write the signals miss
    # bumps the version: one simple rule is easier to keep than a judgement per call.
    content_changed()
    return clone


def set_published(editions, published):
    """Publish or unpublish editions; returns (changed, [(edition, reason), ...]).

    Publishing runs the same validation as the admin form, so a bulk action
    cannot publish what the change page would refuse.
    """
    changed, refused = [], []
    for edition in editions:
        edition.published = published
        try:
            edition.full_clean()
        except ValidationError as error:
            refused.append((edition, " ".join(error.messages)))
            continue
        edition.save(update_fields=["published", "updated_at"])
        changed.append(edition)
    return changed, refused

