"""Plain functions that turn rows into the API's JSON objects.

The field names are the API's contract (docs/api.md, api/openapi.py): fields
may be added, never renamed or removed. Conventions, everywhere:

- URLs are absolute; a missing URL is null.
- Text that may be empty is "" (never null); Markdown fields say so in the docs.
- Dates are "2020-01-30"; datetimes carry their offset, "2020-01-30T18:30:00+01:00"
  (Vienna time, CET or CEST as on that day); an unknown time is null.

Each function expects the rows prefetched as api/views.py does, so that a
whole page of results costs a fixed number of queries.
"""

import datetime

from django.utils import timezone

from meetups.schedule import agenda_slots, edition_end, edition_start, iso
from sponsors.models import Sponsorship
from vdlm.links import absolute, path_to


def _absolute(request, path):
    return request.build_absolute_uri(path) if path else None


def _file_url(request, field):
    return request.build_absolute_uri(field.url) if field else None


def _datetime_or_none(value):
    return iso(value) if isinstance(value, datetime.datetime) else None


def edition_api_url(request, code):
    return absolute(request, path_to("api:edition_detail", code=code.lower()))


def edition_ref(edition, request):
    """The few fields that identify an edition inside a talk or a speaker."""
    return {
        "code": edition.code,
        "title": edition.display_title,
        "start_date": edition.start_date.isoformat(),
        "start": _datetime_or_none(edition_start(edition)),
        "url": absolute(request, edition.get_absolute_url()),
        "api_url": edition_api_url(request, edition.code),
    }


def speaker_ref(talk_speaker, request):
    """A speaker of one talk, with the affiliation they had at the time of that talk."""
    person = talk_speaker.person
    return {
        "slug": person.slug,
        "name": person.name,
        "affiliation": talk_speaker.affiliation,
        "url": absolute(request, person.get_absolute_url()),
        "api_url": absolute(request, path_to("api:speaker_detail", slug=person.slug)),
    }


def talk(talk, request, slot=(None, None)):
    """A talk with its speakers and edition; `slot` is its (start, end) from the agenda."""
    start, end = slot
    return {
        "slug": talk.slug,
        "title": talk.title,
        "subtitle": talk.subtitle,
        "kind": talk.kind,
        "abstract": talk.abstract,
        "url": absolute(request, talk.get_absolute_url()),
        "api_url": absolute(request, path_to("api:talk_detail", slug=talk.slug)),
        "slides_url": _absolute(request, talk.slides_link),
        "video_url": talk.video_url or None,
        "start": iso(start),
        "end": iso(end),
        "speakers": [speaker_ref(talk_speaker, request) for talk_speaker in talk.talk_speakers.all()],
        "edition": edition_ref(talk.edition, request),
        "updated_at": iso(talk.updated_at),
    }


def talk_slot(talk):
    """(start, end) of a talk from its edition's prefetched agenda, or (None, None)."""
    for item, start, end in agenda_slots(talk.edition, list(talk.edition.agenda_items.all())):
        if item.talk_id == talk.pk and start is not None:
            return start, end
    return None, None


def organisation(organisation, request):
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "website": organisation.website or None,
        "logo_url": _file_url(request, organisation.logo),
        "url": absolute(request, organisation.get_absolute_url()),
    }


def sponsorship(sponsorship, request):
    return {
        "role": sponsorship.role,
        "note": sponsorship.note,
        "organisation": organisation(sponsorship.organisation, request),
    }


def _venue(venue):
    if venue is None:
        return None
    return {"name": venue.name, "address": venue.address, "map_url": venue.map_url or None}


def _agenda_item(item, start, end, talks_by_id):
    talk_row = talks_by_id.get(item.talk_id)
    return {
        "position": item.position,
        "time": item.start_time.strftime("%H:%M") if item.start_time else None,
        "start": iso(start),
        "end": iso(end),
        "kind": item.kind,
        "title": item.title,
        "talk_slug": talk_row.slug if talk_row else None,
    }


def edition(edition, request):
    """An edition with venue, host, sponsors, organizers, agenda and talks."""
    sponsorships = list(edition.sponsorships.all())
    host = next((row for row in sponsorships if row.role == Sponsorship.Role.HOST), None)
    items = list(edition.agenda_items.all())
    slots = agenda_slots(edition, items)
    talk_times = {item.talk_id: (start, end) for item, start, end in slots if item.talk_id and start}
    agenda_order = {item.talk_id: index for index, item in enumerate(items) if item.talk_id}
    talks = sorted(edition.talks.all(), key=lambda row: (agenda_order.get(row.pk, len(items)), row.title, row.pk))
    talks_by_id = {row.pk: row for row in talks}
    for row in talks:
        row.edition = edition  # the talk's edition is this one: no query to fetch it again
    return {
        "code": edition.code,
        "number": edition.number,
        "kind": edition.kind,
        "title": edition.display_title,
        "topic": edition.topic,
        "description": edition.description,
        "url": absolute(request, edition.get_absolute_url()),
        "api_url": edition_api_url(request, edition.code),
        "calendar_url": absolute(request, path_to("meetups:edition_calendar", code=edition.code.lower())),
        "start_date": edition.start_date.isoformat(),
        "end_date": edition.last_date.isoformat(),
        "start": _datetime_or_none(edition_start(edition)),
        "end": _datetime_or_none(edition_end(edition)),
        "time_zone": timezone.get_default_timezone_name(),
        "is_upcoming": edition.is_upcoming,
        "cancelled": edition.cancelled,
        "attendance": edition.attendance,
        "stream_url": edition.stream_url or None,
        "venue": _venue(edition.venue),
        "host": sponsorship(host, request) if host else None,
        "sponsors": [sponsorship(row, request) for row in sponsorships if row is not host],
        "organizers": [
            {"slug": person.slug, "name": person.name, "url": absolute(request, person.get_absolute_url())}
            for person in edition.organizers.all()
        ],
        "agenda": [_agenda_item(item, start, end, talks_by_id) for item, start, end in slots],
        "talks": [talk(row, request, talk_times.get(row.pk, (None, None))) for row in talks],
        "meetup_url": edition.meetup_url or None,
        "video_url": edition.video_url or None,
        "photos_url": edition.photos_url or None,
        "slides_url": _absolute(request, edition.slides_link),
        "updated_at": iso(edition.updated_at),
    }


def speaker(person, request):
    """A person who spoke at a published edition, with those talks (newest first)."""
    return {
        "slug": person.slug,
        "name": person.name,
        "affiliation": person.affiliation,
        "bio": person.bio,
        "url": absolute(request, person.get_absolute_url()),
        "api_url": absolute(request, path_to("api:speaker_detail", slug=person.slug)),
        "photo_url": _file_url(request, person.photo),
        "website_url": person.website_url or None,
        "github_url": person.github_url or None,
        "linkedin_url": person.linkedin_url or None,
        "scholar_url": person.scholar_url or None,
        "talks": [
            {
                "slug": appearance.talk.slug,
                "title": appearance.talk.title,
                "kind": appearance.talk.kind,
                "affiliation": appearance.affiliation,
                "url": absolute(request, appearance.talk.get_absolute_url()),
                "api_url": absolute(request, path_to("api:talk_detail", slug=appearance.talk.slug)),
                "edition": edition_ref(appearance.talk.edition, request),
            }
            for appearance in person.public_talk_speakers
        ],
        "updated_at": iso(person.updated_at),
    }
