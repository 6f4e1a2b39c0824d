"""Querysets the public pages share.

Every public page runs a fixed number of queries however many editions, talks
and speakers there are (tests/test_query_counts.py measures it): related rows
come in through select_related or one prefetch query per relation, never one
query per row.
"""

import datetime
import re

from django.db.models import Prefetch, Q
from django.db.models.functions import Lower

from raffles.models import Raffle
from sponsors.models import JobAd, Sponsorship
from talks.models import Person, Talk, TalkSpeaker
from vdlm.compiled_query import CompiledQuery, Instances

from .models import AgendaItem, Announcement, Edition


def speakers_prefetch(lookup="talk_speakers"):
    """A talk's speakers in order, each with the affiliation they had at the time."""
    return Prefetch(lookup, queryset=TalkSpeaker.objects.select_related("person").order_by("position", "pk"))


def talk_cards():
    """Published talks with what a talk card shows: edition, venue and speakers."""
    return (
        Talk.objects.published()
        .select_related("edition", "edition__venue")
        .prefetch_related(speakers_prefetch())
    )


# --- The page of one edition ---------------------------------------------------------
# Its rows come in ten queries, and each costs Django more to build and compile than the
# database needs to answer it. So those with values rows are compiled once per process
# (vdlm/compiled_query.py), the talks come with their speakers and sources in one
# query, no ordering names a relation (ordering by "edition" joins the edition table to
# sort by its Meta.ordering), and rows the page only prints are read as values into the
# small classes below rather than as model instances. Those take their links and labels
# from the models' own methods, once each: a speaker is named in the agenda, the talks
# and the schema.org data, but their URL is worked out once.


class Rows(list):
    """A list that answers .all() as a prefetched relation does (the templates and tags call it)."""

    __slots__ = ()

    def all(self):
        return self


class PersonLink:
    """A speaker or an organizer, as the page names and links them."""

    __slots__ = ("affiliation", "name", "slug", "url")

    def __init__(self, name, slug, affiliation=""):
        self.name = name
        self.slug = slug
        self.affiliation = affiliation
        self.url = Person.get_absolute_url(self)

    def get_absolute_url(self):
        return self.url


class EditionLink:
    """A talk's edition as a talk card shows it: its code, date and whether it is published."""

    __slots__ = ("code", "published", "start_date", "url")

    def __init__(self, code, start_date, published):
        self.code = code
        self.start_date = start_date
        self.published = published
        self.url = Edition.get_absolute_url(self)

    def get_absolute_url(self):
        return self.url


class SpeakerRow:
    """A row of talk.talk_speakers: the person, and the affiliation they had at the time of the talk."""

    __slots__ = ("affiliation", "person", "person_id")

    def __init__(self, person_id, person, affiliation):
        self.person_id = person_id
        self.person = person
        self.affiliation = affiliation


class SourceRow:
    __slots__ = ("title", "url")

    def __init__(self, title, url):
        self.title = title
        self.url = url


_SLIDES_STORAGE = Talk._meta.get_field("slides_file").storage


class TalkEntry:
    """A talk of the edition, with its speakers (talk_speakers) and sources in order."""

    __slots__ = (
        "abstract",
        "kind",
        "pk",
        "slides_link",
        "slug",
        "sources",
        "subtitle",
        "talk_speakers",
        "title",
        "url",
        "video_url",
    )

    def __init__(self, pk, kind, title, subtitle, slug, abstract, slides_file, slides_url, video_url):
        self.pk = pk
        self.kind = kind
        self.title = title
        self.subtitle = subtitle
        self.slug = slug
        self.abstract = abstract
        # As Talk.slides_link: the uploaded PDF (slides_file is its stored name here), else the link.
        self.slides_link = _SLIDES_STORAGE.url(slides_file) if slides_file else slides_url
        self.video_url = video_url
        self.url = Talk.get_absolute_url(self)
        self.talk_speakers = Rows()
        self.sources = Rows()

    def get_absolute_url(self):
        return self.url


class AgendaEntry:
    """An agenda item, with `talk_card` set to its TalkEntry (or None) for the agenda_item tag."""

    __slots__ = ("kind", "pk", "start_time", "talk_card", "talk_id", "title")

    def __init__(self, pk, kind, title, start_time, talk_id, talk_card):
        self.pk = pk
        self.kind = kind
        self.title = title
        self.start_time = start_time
        self.talk_id = talk_id
        self.talk_card = talk_card

    def get_kind_display(self):
        """As the model's: the label of the kind (Django's own builds a dict of the choices at each call)."""
        return _AGENDA_KINDS.get(self.kind, self.kind)


_AGENDA_KINDS = dict(AgendaItem._meta.get_field("kind").flatchoices)


class RaffleTeaser:
    """A public raffle of the edition, as its teaser shows it."""

    __slots__ = (
        "closes_at",
        "donor_name",
        "is_open",
        "opens_at",
        "prize",
        "prize_count",
        "slug",
        "status",
        "title",
        "url",
    )
    Status = Raffle.Status  # Raffle.is_open reads it

    def __init__(self, title, slug, prize, prize_count, status, opens_at, closes_at, donor_name):
        self.title = title
        self.slug = slug
        self.prize = prize
        self.prize_count = prize_count
        self.status = status
        self.opens_at = opens_at
        self.closes_at = closes_at
        self.donor_name = donor_name  # None without a donor
        self.url = Raffle.get_absolute_url(self)
        self.is_open = Raffle.is_open.fget(self)


class JobAdLine:
    """A published job ad announced at the edition, as the page lists it."""

    __slots__ = ("expires_on", "is_active", "organisation_name", "published", "published_on", "slug", "title", "url")

    def __init__(self, title, slug, published, published_on, expires_on, organisation_name):
        self.title = title
        self.slug = slug
        self.published = published
        self.published_on = published_on
        self.expires_on = expires_on
        self.organisation_name = organisation_name
        self.url = JobAd.get_absolute_url(self)
        self.is_active = JobAd.is_active.fget(self)


def edition_by_code(code):
    """The edition with this code (any case), with its venue, or None."""
    # Codes are letters, digits and dashes (a check constraint), so lower() finds them in
    # any case exactly as iexact would, and through the index of the unique constraint.
    if not _CODE.fullmatch(code):
        return None
    rows = _EDITION_BY_CODE(code.lower())
    return _EDITION_WITH_VENUE.load(rows[0]) if rows else None


_CODE = re.compile(r"[A-Za-z0-9-]+")
_EDITION_WITH_VENUE = Instances(Edition, "venue")
# No ORDER BY: codes are unique.
_EDITION_BY_CODE = CompiledQuery(
    lambda code: Edition.objects.alias(code_lower=Lower("code"))
    .filter(code_lower=code)
    .order_by()
    .values_list(*_EDITION_WITH_VENUE.columns),
    str,
)


def edition_neighbours(edition):
    """(previous, next): the published editions just before and after `edition`, or None. Two queries.

    Editions on the same day follow each other by id. Each comes with what the pager
    shows (its code and display title), not all its fields. Two simple queries cost
    Django less to build than one that finds both through two subqueries.
    """
    day, pk = edition.start_date, edition.pk
    return tuple(
        Edition(**dict(zip(_NEIGHBOUR_COLUMNS, rows[0], strict=True))) if rows else None
        for rows in (_PREVIOUS_EDITION(day, pk), _NEXT_EDITION(day, pk))
    )


_NEIGHBOUR_COLUMNS = ("pk", "code", "title", "number", "kind", "topic")
_PREVIOUS_EDITION = CompiledQuery(
    lambda day, pk: Edition.objects.filter(published=True)
    .filter(Q(start_date__lt=day) | Q(start_date=day, pk__lt=pk))
    .order_by("-start_date", "-pk")
    .values_list(*_NEIGHBOUR_COLUMNS)[:1],
    datetime.date,
    int,
)
_NEXT_EDITION = CompiledQuery(
    lambda day, pk: Edition.objects.filter(published=True)
    .filter(Q(start_date__gt=day) | Q(start_date=day, pk__gt=pk))
    .order_by("start_date", "pk")
    .values_list(*_NEIGHBOUR_COLUMNS)[:1],
    datetime.date,
    int,
)


def edition_organizers(edition):
    """The organizers of the edition by name, as PersonLink with their current affiliation."""
    return [PersonLink(*row) for row in _ORGANIZERS(edition.pk)]


_ORGANIZERS = CompiledQuery(
    lambda edition_id: Person.objects.filter(organized_editions=edition_id).values_list("name", "slug", "affiliation"),
    int,
)


# The columns TalkEntry, SpeakerRow and SourceRow are made from (the talk pages add to them).
TALK_COLUMNS = ("pk", "kind", "title", "subtitle", "slug", "abstract", "slides_file", "slides_url", "video_url")
SPEAKER_COLUMNS = (
    "talk_speakers__pk",
    "talk_speakers__person",
    "talk_speakers__affiliation",
    "talk_speakers__person__name",
    "talk_speakers__person__slug",
)
SOURCE_COLUMNS = ("sources__pk", "sources__title", "sources__url")


def edition_talks(edition):
    """{pk: TalkEntry} of the edition's talks by id, with their speakers and sources: one query.

    Its rows are each talk's speakers times its sources (one row with None in their
    columns for a talk without either), ordered by talk, speaker and source: a speaker
    or a source is taken where it first occurs, which keeps their order.
    """
    talks = {}
    seen_speakers, seen_sources = set(), set()
    for row in _TALKS(edition.pk):
        talk = talks.get(row[0])
        if talk is None:
            talk = talks[row[0]] = TalkEntry(*row[:9])
        speaker_pk, person_id, affiliation, name, slug, source_pk, title, url = row[9:]
        if speaker_pk is not None and speaker_pk not in seen_speakers:
            seen_speakers.add(speaker_pk)
            talk.talk_speakers.append(SpeakerRow(person_id, PersonLink(name, slug), affiliation))
        if source_pk is not None and source_pk not in seen_sources:
            seen_sources.add(source_pk)
            talk.sources.append(SourceRow(title, url))
    return talks


_TALKS = CompiledQuery(
    lambda edition_id: Talk.objects.filter(edition=edition_id)
    .order_by("pk", "talk_speakers__position", "talk_speakers__pk", "sources__position", "sources__pk")
    .values_list(*TALK_COLUMNS, *SPEAKER_COLUMNS, *SOURCE_COLUMNS),
    int,
)


def edition_agenda(edition, talks):
    """The agenda items in order, each with its talk from `talks` ({pk: TalkEntry}) as talk_card."""
    return [
        AgendaEntry(pk, kind, title, start_time, talk_id, talks.get(talk_id))
        for pk, kind, title, start_time, talk_id in _AGENDA(edition.pk)
    ]


_AGENDA = CompiledQuery(
    lambda edition_id: AgendaItem.objects.filter(edition=edition_id)
    .order_by("position")
    .values_list("pk", "kind", "title", "start_time", "talk"),
    int,
)


def edition_sponsorships(edition):
    """The edition's sponsorships in order, with their organisations (for the logos: model instances)."""
    return [_SPONSORSHIPS.load(row) for row in _EDITION_SPONSORSHIPS(edition.pk)]


_SPONSORSHIPS = Instances(Sponsorship, "organisation")
_EDITION_SPONSORSHIPS = CompiledQuery(
    lambda edition_id: Sponsorship.objects.filter(edition=edition_id)
    .order_by("position", "pk")
    .values_list(*_SPONSORSHIPS.columns),
    int,
)


def edition_announcements(edition):
    """The edition's announcements in order (model instances: their images are thumbnailed)."""
    return [_ANNOUNCEMENTS.load(row) for row in _EDITION_ANNOUNCEMENTS(edition.pk)]


_ANNOUNCEMENTS = Instances(Announcement)
_EDITION_ANNOUNCEMENTS = CompiledQuery(
    lambda edition_id: Announcement.objects.filter(edition=edition_id)
    .order_by("position")
    .values_list(*_ANNOUNCEMENTS.columns),
    int,
)


def edition_raffles(edition):
    """The edition's raffles but drafts, as RaffleTeaser, latest closing first."""
    return [RaffleTeaser(*row) for row in _RAFFLES(edition.pk)]


_RAFFLES = CompiledQuery(
    lambda edition_id: Raffle.objects.filter(edition=edition_id)
    .exclude(status=Raffle.Status.DRAFT)
    .values_list("title", "slug", "prize", "prize_count", "status", "opens_at", "closes_at", "prize_donor__name"),
    int,
)


def edition_job_ads(edition):
    """The published job ads announced at the edition, as JobAdLine, newest first."""
    return [JobAdLine(*row) for row in _JOB_ADS(edition.pk)]


_JOB_ADS = CompiledQuery(
    lambda edition_id: JobAd.objects.filter(editions=edition_id, published=True).values_list(
        "title", "slug", "published", "published_on", "expires_on", "organisation__name"
    ),
    int,
)
