"""Operations on editions that touch several models. Views, admin actions and
management commands call these; they never live in one of those alone."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from vdlm.page_cache import content_changed

from .models import AgendaItem, Edition

# Agenda slots that belong to a specific talk; a clone keeps the slot, not the talk.
TALK_SLOT_KINDS = {AgendaItem.Kind.TALK, AgendaItem.Kind.CONFERENCE_REPORT}
TO_BE_ANNOUNCED = "To be announced"


def _next_free_code(base):
    code, suffix = base, 2
    while Edition.objects.filter(code__iexact=code).exists():
        code = f"{base}-{suffix}"
        suffix += 1
    return code


@transaction.atomic
def clone_as_next_edition(edition):
    """Create the next edition from `edition` and return it, unpublished.

    It gets the next free number of its kind (a numeric code follows the number),
    a date four weeks later on the same weekday as a placeholder, the same
    organizers and the agenda skeleton: every slot with its kind and time, talk
    slots titled "To be announced" and unlinked from the old talks. Venue,
    talks, sponsors and links stay behind: they change every month.
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
        start_date=edition.start_date + datetime.timedelta(weeks=4),
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

