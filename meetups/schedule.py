"""When an edition and its agenda items happen, as values that machines read.

The calendar, the feeds, the JSON API and the schema.org data all need the
same answers: an aware datetime in the site's time zone (Europe/Vienna) where
a time is known, a date where it is not, and a talk's slot from the agenda.
They come from here so that the four never disagree.
"""

import datetime

from django.utils import timezone


def local_datetime(day, time):
    """`day` at `time` in the site's time zone, with the UTC offset of that day (CET or CEST)."""
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())


def edition_start(edition):
    """The start as an aware datetime, or the start date when the edition has no time."""
    if edition.start_time is None:
        return edition.start_date
    return local_datetime(edition.start_date, edition.start_time)


def edition_end(edition):
    """The end as an aware datetime, or the last date when the end time is unknown.

    A date means "some time that day": it is true, where a guessed time would not be.
    """
    if edition.start_time is not None and edition.end_time is not None:
        return local_datetime(edition.last_date, edition.end_time)
    return edition.last_date


def agenda_slots(edition, items):
    """[(item, start, end)] for agenda items in order; start/end are aware datetimes or None.

    A timed item lasts until the next timed item starts; the last one until the
    edition's end time. Items without a time get None for both.
    """
    timed = [item for item in items if item.start_time is not None]
    following = dict(zip((item.pk for item in timed), timed[1:], strict=False))
    slots = []
    for item in items:
        if item.start_time is None:
            slots.append((item, None, None))
            continue
        start = local_datetime(edition.start_date, item.start_time)
        after = following.get(item.pk)
        if after is not None:
            end = local_datetime(edition.start_date, after.start_time)
        elif edition.end_time is not None and not edition.is_multi_day and edition.end_time > item.start_time:
            end = local_datetime(edition.start_date, edition.end_time)
        else:
            end = None
        slots.append((item, start, end))
    return slots


def talk_slots(edition, items):
    """{talk pk: (start, end)} for the talks that have a timed slot on the agenda."""
    return {
        item.talk_id: (start, end)
        for item, start, end in agenda_slots(edition, items)
        if item.talk_id is not None and start is not None
    }


def iso(value):
    """ISO 8601: "2020-01-30T18:30:00+01:00" for datetimes (local, with offset), "2020-01-30" for dates."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not timezone.get_default_timezone():  # already local (local_datetime): no conversion
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    return value.isoformat()
