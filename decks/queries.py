"""Everything one edition's deck shows, read in a fixed number of queries.

The deck is public like the edition page, so it obeys the same rule
(tests/decks/test_queries.py measures it): related rows come in one query per
relation, never one query per row. The edition's settings, host and group stats
ride along in its query, the next edition's venue and host in its own, a talk's
speakers and sources with the talks, a job ad's items with the job ads: ten
queries at most, since each costs more to build and compile than to run. Rows
the slides only print (the next edition, the archive table, agenda items,
talks, speakers, sources, job ads) are read as values, not model instances;
what has an image to thumbnail (organisations, people, announcements, free
slides) is a model instance, or an unsaved one built from values.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import FilteredRelation, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils import timezone

from meetups.models import AgendaItem, Edition, SiteProfile, Venue
from meetups.queries import edition_announcements
from raffles.models import Raffle
from sponsors.models import JobAd, Organisation, Sponsorship
from talks.models import Person, Talk
from vdlm.compiled_query import CompiledQuery, Instances

from .models import MAX_ARCHIVE_ROWS, DeckSettings, DeckSlide, Section


class Speaker(NamedTuple):
    name: str
    affiliation: str  # at the time of the talk; "" when none


class Source(NamedTuple):
    title: str
    url: str


@dataclass(slots=True)
class TalkCard:
    """A talk of the edition, as its slides show it."""

    pk: int
    kind: str
    title: str
    subtitle: str
    abstract: str
    speakers: list = field(default_factory=list)  # Speaker, in order
    sources: list = field(default_factory=list)  # Source, in order; read for hot topics only


@dataclass(slots=True, eq=False)  # compared and hashed as itself: the slides look entries up by identity
class AgendaEntry:
    """An agenda item, with the speakers of its talk ([] without one)."""

    kind: str
    title: str
    start_time: Any
    talk_id: Any
    speakers: list


@dataclass(slots=True)
class JobCard:
    """A published job ad announced at the edition, as its slide shows it."""

    title: str
    tagline: str
    location: str
    apply_url: str
    organisation: Organisation  # with its name and logo only
    items: list = field(default_factory=list)  # (section, text), in order


@dataclass
class DeckData:
    """The rows of one deck, as build_slides() turns them into slides."""

    edition: Edition
    settings: DeckSettings
    site_profile: SiteProfile
    host: Any  # the venue host Sponsorship, or None
    organizers: list
    agenda: list  # AgendaEntry, in order
    talks: list  # TalkCard, by creation
    announcements: list
    archive: list  # (code, date, venue name or None, topic) of the latest published editions before, oldest first
    stats: dict
    raffles: list
    job_ads: list  # JobCard
    free_slides: list
    next_edition: Any  # the next published edition (an unsaved Edition: see _next_edition), or None
    next_host: Any  # the name of its host, or None
    absolute_url: Any  # path -> absolute URL, for the QR codes


def _held_by_then(kind):
    """How many published editions of `kind` there had been by the date of the edition read, as
    a column of its query (a correlated subquery).

    Written as SQL: built from querysets, the two of these cost Django more than 1 ms at
    every request (three times the rest of the edition's query), and running them 0.1 ms.
    It is plain SQL for SQLite and PostgreSQL; Django names the outer query's table
    after itself, "meetups_edition".
    """
    return RawSQL(_HELD_BY_THEN_SQL, (True, kind), output_field=IntegerField())  # noqa: S611 - constant SQL


_HELD_BY_THEN_SQL = (
    'SELECT COUNT(*) FROM "meetups_edition" AS "held" WHERE "held"."published" = %s'
    ' AND "held"."kind" = %s AND "held"."start_date" <= "meetups_edition"."start_date"'
)


def _host_relation():
    """An edition's host Sponsorship, to join: one at most (a unique constraint), none for most editions."""
    return FilteredRelation("sponsorships", condition=Q(sponsorships__role=Sponsorship.Role.HOST))


def _edition(code):
    """The edition with this code (any case), or None: one query.

    It comes with its deck settings, its host and the group stats: how many
    published meetups and workshops there had been by its date, so an old deck
    keeps the numbers of its evening (counted in subqueries of that one row).
    Every query of the deck is compiled once per process (vdlm/compiled_query.py).
    """
    # Codes are letters, digits and dashes (a check constraint): lower() finds them in any
    # case exactly as iexact would.
    if not _CODE.fullmatch(code):
        return None
    rows = _EDITION_BY_CODE(code.lower())
    if not rows:
        return None
    edition = _EDITION.load(rows[0])
    edition.meetups_held, edition.workshops_held = rows[0][len(_EDITION.columns) :]
    return edition


_CODE = re.compile(r"[A-Za-z0-9-]+")
_EDITION = Instances(
    Edition, "deck_settings", ("host_sponsorship", Sponsorship), ("host_sponsorship__organisation", Organisation)
)
_EDITION_BY_CODE = CompiledQuery(
    lambda code: Edition.objects.order_by()
    .alias(code_lower=Lower("code"), host_sponsorship=_host_relation())
    .annotate(
        meetups_held=_held_by_then(Edition.Kind.MEETUP),
        workshops_held=_held_by_then(Edition.Kind.WORKSHOP),
    )
    .filter(code_lower=code)
    .values_list(*_EDITION.columns, "meetups_held", "workshops_held"),
    str,
)


# What the next-meetup slide prints of the next edition (its title, dates and times).
NEXT_EDITION_FIELDS = (
    *("pk", "code", "number", "kind", "title", "topic"),
    *("start_date", "start_time", "end_date", "end_time"),
)


def _next_edition(day):
    """(the first published edition after `day` or None, its host's name or None): one query.

    The slide only prints it, so it is read as values, with the name of its venue
    and of its host, into an unsaved Edition (as the job ads' organisations): the
    model's properties (display title, start) still apply, and no column the slide
    does not print is read.
    """
    rows = _NEXT_EDITION(day)
    if not rows:
        return None, None
    *values, venue_name, host_pk, host_name = rows[0]
    edition = Edition(**dict(zip(NEXT_EDITION_FIELDS, values, strict=True)), published=True)
    if venue_name is not None:
        edition.venue = Venue(name=venue_name)
    return edition, (host_name if host_pk is not None else None)


_NEXT_EDITION = CompiledQuery(
    # Times can be empty, and databases sort NULL differently: order by date and pk only.
    lambda day: Edition.objects.published()
    .filter(start_date__gt=day)
    .order_by("start_date", "pk")
    .annotate(host=_host_relation())
    .values_list(*NEXT_EDITION_FIELDS, "venue__name", "host__pk", "host__organisation__name")[:1],
    datetime.date,
)


def _archive(day, rows):
    """The `rows` most recent published editions before `day`, oldest first, as the archive
    table prints them: (code, date, venue name or None, topic). One query."""
    # Always the most rows a deck may show: one compiled query for every deck's setting.
    return list(reversed(_ARCHIVE(day)[:rows]))


_ARCHIVE = CompiledQuery(
    lambda day: Edition.objects.published()
    .filter(start_date__lt=day)
    .order_by("-start_date", "-pk")
    .values_list("code", "start_date", "venue__name", "topic")[:MAX_ARCHIVE_ROWS],
    datetime.date,
)


def _settings(edition):
    try:
        return edition.deck_settings
    except DeckSettings.DoesNotExist:
        return DeckSettings(edition=edition)


def _talks(edition, with_sources):
    """{pk: TalkCard} of the edition's talks by creation, with their speakers and, when asked, the
    sources of the hot-topics talks (the only ones the deck lists): one query.

    Its rows are the talk's speakers times its sources (one row for a talk without
    either, with None in their columns), ordered by talk, speaker and source: a
    speaker or source is taken where it first occurs, which keeps their order.
    """
    talks = {}
    seen_speakers, seen_sources = set(), set()
    for row in (_TALKS_WITH_SOURCES if with_sources else _TALKS)(edition.pk):
        pk, kind, title, subtitle, abstract, speaker_pk, name, affiliation = row[:8]
        talk = talks.get(pk)
        if talk is None:
            talk = talks[pk] = TalkCard(pk, kind, title, subtitle, abstract)
        if speaker_pk is not None and speaker_pk not in seen_speakers:
            seen_speakers.add(speaker_pk)
            talk.speakers.append(Speaker(name, affiliation))
        if with_sources and kind == Talk.Kind.HOT_TOPICS:
            source_pk, source_title, url = row[8:]
            if source_pk is not None and source_pk not in seen_sources:
                seen_sources.add(source_pk)
                talk.sources.append(Source(source_title, url))
    return talks


def _talk_rows(edition_id, with_sources):
    order = ["pk", "talk_speakers__position", "talk_speakers__pk"]
    columns = ["pk", "kind", "title", "subtitle", "abstract"]
    columns += ["talk_speakers__pk", "talk_speakers__person__name", "talk_speakers__affiliation"]
    if with_sources:
        order += ["sources__position", "sources__pk"]
        columns += ["sources__pk", "sources__title", "sources__url"]
    return Talk.objects.filter(edition=edition_id).order_by(*order).values_list(*columns)


_TALKS = CompiledQuery(lambda edition_id: _talk_rows(edition_id, with_sources=False), int)
_TALKS_WITH_SOURCES = CompiledQuery(lambda edition_id: _talk_rows(edition_id, with_sources=True), int)


def _agenda(edition, talks):
    return [
        AgendaEntry(kind, title, start_time, talk_id, talks[talk_id].speakers if talk_id in talks else [])
        for kind, title, start_time, talk_id in _AGENDA(edition.pk)
    ]


_AGENDA = CompiledQuery(
    lambda edition_id: AgendaItem.objects.filter(edition=edition_id)
    .order_by("position")
    .values_list("kind", "title", "start_time", "talk_id"),
    int,
)


def _job_ads(edition):
    """The published job ads announced at the edition, with their items: one query, a row per item."""
    cards = {}
    for pk, title, tagline, location, apply_url, organisation_id, name, logo, section, text in _JOB_ADS(edition.pk):
        card = cards.get(pk)
        if card is None:
            # The logo goes through {% thumbnail %}, which takes the model's image field.
            organisation = Organisation(pk=organisation_id, name=name, logo=logo)
            card = cards[pk] = JobCard(title, tagline, location, apply_url, organisation)
        if section is not None:  # None: an ad without items (the outer join's empty row)
            card.items.append((section, text))
    return list(cards.values())


_JOB_ADS = CompiledQuery(
    lambda edition_id: JobAd.objects.filter(editions=edition_id, published=True)
    .order_by("organisation__name", "title", "pk", "items__position", "items__pk")
    .values_list(
        "pk",
        "title",
        "tagline",
        "location",
        "apply_url",
        "organisation_id",
        "organisation__name",
        "organisation__logo",
        "items__section",
        "items__text",
    ),
    int,
)


def _organizers(edition):
    """The edition's organizers by name, as unsaved People with their name, affiliation and photo only."""
    return [
        Person(pk=pk, name=name, affiliation=affiliation, photo=photo)
        for pk, name, affiliation, photo in _ORGANIZERS(edition.pk)
    ]


_ORGANIZERS = CompiledQuery(
    lambda edition_id: Person.objects.filter(organized_editions=edition_id)
    .order_by("name", "pk")
    .values_list("pk", "name", "affiliation", "photo"),
    int,
)


def _raffles(edition):
    # Raffles announced at this edition; on the evening itself (or before) also any
    # other raffle still open, which the organizers would mention too.
    rows = _RAFFLES_AND_OPEN_ONES(edition.pk, timezone.now()) if edition.is_upcoming else _RAFFLES(edition.pk)
    return [_RAFFLE.load(row) for row in rows]


_RAFFLE = Instances(Raffle, "prize_donor")


def _announced_raffles(edition_id):
    return Raffle.objects.filter(edition=edition_id, status=Raffle.Status.PUBLISHED)


_RAFFLES = CompiledQuery(
    lambda edition_id: _announced_raffles(edition_id).order_by("closes_at", "pk").values_list(*_RAFFLE.columns),
    int,
)
_RAFFLES_AND_OPEN_ONES = CompiledQuery(
    lambda edition_id, now: (_announced_raffles(edition_id) | Raffle.objects.open_now(now))  # one WHERE with OR
    .order_by("closes_at", "pk")
    .values_list(*_RAFFLE.columns),
    int,
    datetime.datetime,
)
_FREE_SLIDES = Instances(DeckSlide)
_EDITION_FREE_SLIDES = CompiledQuery(
    lambda edition_id: DeckSlide.objects.filter(edition=edition_id)
    .order_by("position", "pk")
    .values_list(*_FREE_SLIDES.columns),
    int,
)


def load_deck(code, *, include_drafts, absolute_url):
    """The DeckData of the edition with this code (any case), or None.

    None too for a draft unless include_drafts (organizers preview drafts;
    visitors must not learn that one exists). Sections the organizers
    skipped are not read at all.
    """
    edition = _edition(code)
    if edition is None or not (edition.published or include_drafts):
        return None
    settings = _settings(edition)
    shows = settings.includes
    next_edition, next_host = _next_edition(edition.start_date)

    talks = _talks(edition, with_sources=shows(Section.SOURCES))
    # The archive plug takes its text from an announcement that links to GitHub or YouTube.
    announcements = []
    if shows(Section.ANNOUNCEMENTS) or shows(Section.ARCHIVE):
        announcements = edition_announcements(edition)

    site_profile = SiteProfile.cached()
    return DeckData(
        edition=edition,
        settings=settings,
        site_profile=site_profile,
        # Django sets the joined host only on an edition that has one.
        host=getattr(edition, "host_sponsorship", None),
        organizers=_organizers(edition) if shows(Section.ORGANIZERS) else [],
        agenda=_agenda(edition, talks),
        talks=list(talks.values()),
        announcements=announcements,
        archive=_archive(edition.start_date, settings.archive_rows) if shows(Section.ARCHIVE) else [],
        stats={
            "members": site_profile.members_count,
            "meetups": edition.meetups_held,
            "workshops": edition.workshops_held,
        },
        raffles=_raffles(edition) if shows(Section.RAFFLES) else [],
        job_ads=_job_ads(edition) if shows(Section.JOBS) else [],
        free_slides=[_FREE_SLIDES.load(row) for row in _EDITION_FREE_SLIDES(edition.pk)],
        next_edition=next_edition,
        next_host=next_host,
        absolute_url=absolute_url,
    )
