"""Plain functions that turn rows into the API's JSON objects.

The field names are the API's contract (docs/api.md, api/openapi.py): fields
may be added, never renamed or removed. Conventions, everywhere:

- URLs are absolute; a missing URL is null. A link organizers typed goes out through
  vdlm.validators.web_uri(): an RFC 3986 URI, as the document's `format: uri` promises,
  even for a row stored before its field refused anything else (null when no URI can be made).
- Text that may be empty is "" (never null); Markdown fields say so in the docs.
- Dates are "2020-01-30"; datetimes carry their offset, "2020-01-30T18:30:00+01:00"
  (Vienna time, CET or CEST as on that day); an unknown time is null.

Each public function takes a queryset of the rows to show, in the order to show
them, and fetches what they need in a fixed number of queries, whatever the number
of rows. Editions, talks and people are model instances (a page's worth, with
only the fields the JSON has), so that their titles, dates and links come from the
same code as the site's; what only goes out as it is stored (a talk's speakers,
agenda items, sponsors, organizers) is read with values_list(). Output makes the
thousand links of a page from one prefix per route.

The detail endpoints go through the same functions with one row, so an item of
a list is always exactly the JSON of its detail endpoint.
"""

import datetime
import re
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from meetups.models import AgendaItem, Edition
from meetups.schedule import agenda_slots, edition_end, edition_start, iso
from sponsors.models import Organisation, Sponsorship
from talks.models import Talk, TalkSpeaker
from vdlm.links import absolute, path_to
from vdlm.validators import web_uri

# The values vdlm.links.path_to() puts into a URL as they are: every code and slug the models accept.
_PLAIN = re.compile(r"[A-Za-z0-9-]+")
_MARK = "0vdlm0api0placeholder0"


class Output:
    """What the JSON of one request is built with: its absolute URLs and its time zone.

    `out.talk_page(slug)` is `absolute(request, path_to("talks:talk_detail", slug=slug))`,
    the same string, and so on for each route below: path_to() looks up the script
    prefix and the URL configuration on every call, microseconds that add up over the
    thousand links of a page. Here each route is resolved once, with a placeholder,
    and a plainly URL-safe value is put in its place; any other value takes the long
    way, errors included.
    """

    def __init__(self, request):
        self.request = request
        # The routes of Talk, Person and Edition.get_absolute_url(), and of the API's own.
        self.talk_page = self._route("talks:talk_detail", "slug")
        self.talk_api = self._route("api:talk_detail", "slug")
        self.speaker_page = self._route("talks:speaker_detail", "slug")
        self.speaker_api = self._route("api:speaker_detail", "slug")
        self.edition_page = self._route("meetups:edition_detail", "code")
        self.edition_api = self._route("api:edition_detail", "code")
        self.edition_calendar = self._route("meetups:edition_calendar", "code")
        self.sponsors_page = reverse("sponsors:sponsor_list")
        self._default_zone = timezone.get_default_timezone()
        self._zone = timezone.get_current_timezone()

    def _route(self, viewname, kwarg):
        request = self.request
        head, _, tail = absolute(request, path_to(viewname, **{kwarg: _MARK})).partition(_MARK)
        plain = _PLAIN.fullmatch

        def url(value):
            if isinstance(value, str) and plain(value):
                return head + value + tail
            return absolute(request, path_to(viewname, **{kwarg: value}))

        return url

    def file(self, model, field_name, name):
        """What `request.build_absolute_uri(row.field.url)` gives for a stored file's name, or None."""
        if not name:
            return None
        return self.request.build_absolute_uri(model._meta.get_field(field_name).storage.url(name))

    def moment(self, value):
        """iso(value) of an aware datetime, with timezone.localtime()'s time zone looked up once."""
        if value.tzinfo is None:
            return iso(value)
        if value.tzinfo is not self._default_zone:
            value = value.astimezone(self._zone)
        return value.isoformat(timespec="seconds")


def _datetime_or_none(value):
    return iso(value) if isinstance(value, datetime.datetime) else None


def _grouped(rows, key=0):
    """{row[key]: [rows in their order]}."""
    groups = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


# What an edition inside a talk or a speaker needs: edition_ref(), agenda_slots() and the URLs.
_EDITION_REF_FIELDS = ("code", "number", "kind", "title", "topic", "start_date", "start_time", "end_date", "end_time")


def edition_ref(edition, out):
    """The few fields that identify an edition inside a talk or a speaker."""
    return {
        "code": edition.code,
        "title": edition.display_title,
        "start_date": edition.start_date.isoformat(),
        "start": _datetime_or_none(edition_start(edition)),
        "url": out.edition_page(edition.code.lower()),
        "api_url": out.edition_api(edition.code.lower()),
    }


def _speaker_refs(talk_speakers, out):
    """{talk pk: [its speakers in order, each with the affiliation they had at the time]}."""
    rows = talk_speakers.order_by("position", "pk").values_list(
        "talk_id", "affiliation", "person__slug", "person__name"
    )
    refs = defaultdict(list)
    for talk_id, affiliation, slug, name in rows:
        refs[talk_id].append(
            {
                "slug": slug,
                "name": name,
                "affiliation": affiliation,
                "url": out.speaker_page(slug),
                "api_url": out.speaker_api(slug),
            }
        )
    return refs


def _agenda(edition_ids):
    """{edition pk: [its agenda items in order]} for agenda_slots(): rows with pk, start_time and talk_id."""
    items = AgendaItem.objects.filter(edition_id__in=edition_ids).order_by("position")
    return _grouped(items.values_list("edition_id", "pk", "position", "start_time", "kind", "title", "talk_id",
                                      named=True))


# What the JSON of a talk reads of it; its edition's comes with it where the edition is not at hand.
_TALK_FIELDS = ("edition", "slug", "title", "subtitle", "kind", "abstract", "slides_file", "slides_url", "video_url",
                "updated_at")


def _talk(talk, out, speakers, edition, slot=(None, None)):
    """A talk with its speakers and `edition` (its edition_ref); `slot` is its (start, end) from _slots()."""
    start, end = slot
    # Talk.slides_link: the uploaded PDF, else the link.
    slides = out.request.build_absolute_uri(talk.slides_file.url) if talk.slides_file else web_uri(talk.slides_url)
    return {
        "slug": talk.slug,
        "title": talk.title,
        "subtitle": talk.subtitle,
        "kind": talk.kind,
        "abstract": talk.abstract,
        "url": out.talk_page(talk.slug),
        "api_url": out.talk_api(talk.slug),
        "slides_url": slides,
        "video_url": web_uri(talk.video_url),
        "start": start,
        "end": end,
        "speakers": speakers.get(talk.pk, []),
        "edition": edition,
        "updated_at": out.moment(talk.updated_at),
    }


def _slots(edition, items):
    """agenda_slots() with each start and end as iso() gives it: [(item, start, end)].

    An item mostly ends when the next one starts: that end is the same datetime
    (same wall time, time zone and fold), so its text is the start's, made once.
    """
    slots = []
    following = None  # (datetime, text) of the next timed item's start
    for item, start, end in reversed(agenda_slots(edition, items)):
        if end is None:
            end_text = None
        elif (
            following is not None
            and end == following[0]
            and end.tzinfo is following[0].tzinfo
            and end.fold == following[0].fold
        ):
            end_text = following[1]
        else:
            end_text = iso(end)
        if start is not None:
            following = (start, iso(start))
            slots.append((item, following[1], end_text))
        else:
            slots.append((item, None, end_text))
    slots.reverse()
    return slots


def _first_slots(edition, items):
    """{talk pk: (start, end)} of each talk's first timed slot on the agenda."""
    slots = {}
    for item, start, end in _slots(edition, items):
        if item.talk_id is not None and start is not None:
            slots.setdefault(item.talk_id, (start, end))
    return slots


def talks(queryset, out):
    """The talks of `queryset`, in its order, with speakers, slot and edition: three queries."""
    talk_list = list(
        queryset.select_related("edition").only(*_TALK_FIELDS, *(f"edition__{name}" for name in _EDITION_REF_FIELDS))
    )
    if not talk_list:
        return []
    speakers = _speaker_refs(TalkSpeaker.objects.filter(talk__in=[talk.pk for talk in talk_list]), out)
    editions = {talk.edition_id: talk.edition for talk in talk_list}
    agenda = _agenda(list(editions))
    refs = {pk: edition_ref(edition, out) for pk, edition in editions.items()}
    slots = {pk: _first_slots(edition, agenda.get(pk, [])) for pk, edition in editions.items()}
    return [
        _talk(talk, out, speakers, refs[talk.edition_id], slots[talk.edition_id].get(talk.pk, (None, None)))
        for talk in talk_list
    ]


def _organisation(row, out):
    slug = row.organisation__slug
    return {
        "slug": slug,
        "name": row.organisation__name,
        "website": web_uri(row.organisation__website),
        "logo_url": out.file(Organisation, "logo", row.organisation__logo),
        # Organisation.get_absolute_url(): the sponsors page, at the organisation.
        "url": absolute(out.request, f"{out.sponsors_page}#{slug}"),
    }


def _sponsorship(row, out):
    return {"role": row.role, "note": row.note, "organisation": _organisation(row, out)}


def _venue(venue):
    if venue is None:
        return None
    return {"name": venue.name, "address": venue.address, "map_url": web_uri(venue.map_url)}


def _agenda_item(item, start, end, talks_by_id):
    talk = talks_by_id.get(item.talk_id)
    return {
        "position": item.position,
        "time": f"{item.start_time.hour:02}:{item.start_time.minute:02}" if item.start_time else None,  # %H:%M
        "start": start,
        "end": end,
        "kind": item.kind,
        "title": item.title,
        "talk_slug": talk.slug if talk else None,
    }


def editions(queryset, out):
    """The editions of `queryset`, in its order, with venue, host, sponsors, organizers,
    agenda and talks: six queries for any number of them."""
    edition_list = list(queryset.select_related("venue"))
    if not edition_list:
        return []
    ids = [edition.pk for edition in edition_list]
    sponsorships = Sponsorship.objects.filter(edition_id__in=ids).order_by("position", "pk")
    sponsorships = _grouped(sponsorships.values_list(
        "edition_id", "role", "note", "organisation__slug", "organisation__name", "organisation__website",
        "organisation__logo", named=True,
    ))
    agenda = _agenda(ids)
    talk_list = Talk.objects.filter(edition_id__in=ids).order_by().only(*_TALK_FIELDS)
    talks_of = defaultdict(list)
    for talk in talk_list:
        talks_of[talk.edition_id].append(talk)
    speakers = _speaker_refs(TalkSpeaker.objects.filter(talk__edition_id__in=ids), out)
    organizers = (
        Edition.organizers.through.objects.filter(edition_id__in=ids)
        .order_by("person__name", "person_id")
        .values_list("edition_id", "person__slug", "person__name")
    )
    organizers = _grouped(organizers)
    return [
        _edition(
            edition,
            out,
            sponsorships=sponsorships.get(edition.pk, []),
            items=agenda.get(edition.pk, []),
            talks=talks_of.get(edition.pk, []),
            speakers=speakers,
            organizers=organizers.get(edition.pk, []),
        )
        for edition in edition_list
    ]


def _edition(edition, out, sponsorships, items, talks, speakers, organizers):
    host = next((row for row in sponsorships if row.role == Sponsorship.Role.HOST), None)
    slots = _slots(edition, items)
    talk_times = {item.talk_id: (start, end) for item, start, end in slots if item.talk_id and start}
    agenda_order = {item.talk_id: index for index, item in enumerate(items) if item.talk_id}
    talks = sorted(talks, key=lambda talk: (agenda_order.get(talk.pk, len(items)), talk.title, talk.pk))
    talks_by_id = {talk.pk: talk for talk in talks}
    ref = edition_ref(edition, out)
    return {
        "code": edition.code,
        "number": edition.number,
        "kind": edition.kind,
        "title": ref["title"],
        "topic": edition.topic,
        "description": edition.description,
        "url": ref["url"],
        "api_url": ref["api_url"],
        "calendar_url": out.edition_calendar(edition.code.lower()),
        "start_date": ref["start_date"],
        "end_date": edition.last_date.isoformat(),
        "start": ref["start"],
        "end": _datetime_or_none(edition_end(edition)),
        "time_zone": timezone.get_default_timezone_name(),
        "is_upcoming": edition.is_upcoming,
        "cancelled": edition.cancelled,
        "attendance": edition.attendance,
        "stream_url": web_uri(edition.stream_url),
        "venue": _venue(edition.venue),
        "host": _sponsorship(host, out) if host else None,
        "sponsors": [_sponsorship(row, out) for row in sponsorships if row is not host],
        "organizers": [
            {"slug": slug, "name": name, "url": out.speaker_page(slug)}
            for _, slug, name in organizers
        ],
        "agenda": [_agenda_item(item, start, end, talks_by_id) for item, start, end in slots],
        "talks": [_talk(talk, out, speakers, ref, talk_times.get(talk.pk, (None, None))) for talk in talks],
        "meetup_url": web_uri(edition.meetup_url),
        "video_url": web_uri(edition.video_url),
        "photos_url": web_uri(edition.photos_url),
        # Edition.slides_link: the uploaded PDF, else the link.
        "slides_url": out.request.build_absolute_uri(edition.slides_link) if edition.intro_slides
        else web_uri(edition.intro_slides_url),
        "updated_at": out.moment(edition.updated_at),
    }


_PERSON_FIELDS = ("slug", "name", "affiliation", "bio", "photo", "website_url", "github_url", "linkedin_url",
                  "scholar_url", "updated_at")


def speakers(queryset, out):
    """The people of `queryset`, in its order, each with their talks at published editions
    (newest first): two queries."""
    people = list(queryset.only(*_PERSON_FIELDS))
    if not people:
        return []
    appearances = (
        TalkSpeaker.objects.filter(talk__edition__published=True, person__in=people)
        .select_related("talk__edition")
        .only("person", "affiliation", "talk__slug", "talk__title", "talk__kind",
              *(f"talk__edition__{name}" for name in _EDITION_REF_FIELDS))
        .order_by("-talk__edition__start_date", "-talk__edition__pk", "talk__title", "talk__pk")
    )
    talks_of, refs = defaultdict(list), {}
    for appearance in appearances:
        talk = appearance.talk
        ref = refs.get(talk.edition_id)
        if ref is None:
            ref = refs[talk.edition_id] = edition_ref(talk.edition, out)
        talks_of[appearance.person_id].append(
            {
                "slug": talk.slug,
                "title": talk.title,
                "kind": talk.kind,
                "affiliation": appearance.affiliation,
                "url": out.talk_page(talk.slug),
                "api_url": out.talk_api(talk.slug),
                "edition": ref,
            }
        )
    return [
        {
            "slug": person.slug,
            "name": person.name,
            "affiliation": person.affiliation,
            "bio": person.bio,
            "url": out.speaker_page(person.slug),
            "api_url": out.speaker_api(person.slug),
            "photo_url": out.request.build_absolute_uri(person.photo.url) if person.photo else None,
            "website_url": web_uri(person.website_url),
            "github_url": web_uri(person.github_url),
            "linkedin_url": web_uri(person.linkedin_url),
            "scholar_url": web_uri(person.scholar_url),
            "talks": talks_of.get(person.pk, []),
            "updated_at": out.moment(person.updated_at),
        }
        for person in people
    ]
