"""Everything one edition's deck shows, read in a fixed number of queries.

The deck is public like the edition page, so it obeys the same rule
(tests/decks/test_queries.py measures it): related rows come in one query per
relation, never one query per row. The host of the edition and of the next one,
the archive table and the group stats ride along in the first query, a talk's
speakers and sources with the talks, a job ad's items with the job ads: eight
queries at most, since each costs more to compile than to run. Rows the slides
only print (agenda items, talks, speakers, sources, job ads) are read as
values, not model instances; what has an image to thumbnail (organisations,
people, announcements, free slides) is a model instance.
"""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery

from meetups.models import AgendaItem, Announcement, Edition, SiteProfile
from raffles.models import Raffle
from sponsors.models import JobAd, Organisation, Sponsorship
from talks.models import Talk

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
    archive: list  # the most recent published editions before this one, oldest first
    stats: dict
    raffles: list
    job_ads: list  # JobCard
    free_slides: list
    next_edition: Any  # the next published edition, or None
    next_host: Any
    absolute_url: Any  # path -> absolute URL, for the QR codes


def _count(queryset):
    """A subquery counting the rows of `queryset`: COUNT without GROUP BY, so one row, 0 when there are none."""
    counted = queryset.order_by().annotate(total=Func(F("pk"), function="COUNT")).values("total")
    return Subquery(counted, output_field=IntegerField())


def _editions(code):
    """(edition, next published edition, published editions before it newest first): three queries.

    The edition comes with its venue, deck settings and the group stats: how many
    published meetups and workshops there had been by its date, so an old deck keeps
    the numbers of its evening (counted in subqueries of that one row). Then its
    neighbours, by its known date: the next published edition and the archive rows
    before it. Then the hosts of the edition and the next one, with their organisations.

    One query could do it all, with the date as a subquery and the host as a filtered
    relation, but building that SQL cost Django 3 ms at every request and running it
    0.3 ms; these three cost about 2 ms together.
    """
    published = Edition.objects.published()
    held_by_then = published.filter(start_date__lte=OuterRef("start_date"))
    edition = next(
        iter(
            Edition.objects.order_by()
            .annotate(
                meetups_held=_count(held_by_then.filter(kind=Edition.Kind.MEETUP)),
                workshops_held=_count(held_by_then.filter(kind=Edition.Kind.WORKSHOP)),
            )
            .select_related("venue", "deck_settings")
            .filter(code__iexact=code)
        ),
        None,
    )
    if edition is None:
        return None, None, []
    day = edition.start_date
    # Times can be empty, and databases sort NULL differently: order by date and pk only.
    following = published.filter(start_date__gt=day).order_by("start_date", "pk")
    previous = published.filter(start_date__lt=day).order_by("-start_date", "-pk")
    rows = list(
        Edition.objects.order_by()
        .select_related("venue")
        .filter(Q(pk=Subquery(following.values("pk")[:1])) | Q(pk__in=previous.values("pk")[:MAX_ARCHIVE_ROWS]))
    )
    later = [row for row in rows if row.start_date > day]
    earlier = sorted(
        (row for row in rows if row.start_date < day), key=lambda row: (row.start_date, row.pk), reverse=True
    )
    next_edition = later[0] if later else None
    # One host per edition at most (a unique constraint).
    hosts = {
        sponsorship.edition_id: sponsorship
        for sponsorship in Sponsorship.objects.filter(
            role=Sponsorship.Role.HOST, edition__in=[row.pk for row in (edition, next_edition) if row is not None]
        )
        .order_by()
        .select_related("organisation")
    }
    for row in (edition, next_edition):
        if row is not None and row.pk in hosts:
            row.host_sponsorship = hosts[row.pk]
    return edition, next_edition, earlier


def _settings(edition):
    try:
        return edition.deck_settings
    except DeckSettings.DoesNotExist:
        return DeckSettings(edition=edition)


def _host(edition):
    """The host Sponsorship of a row of _editions() (Django sets the attribute only when there is one)."""
    return getattr(edition, "host_sponsorship", None)


def _talks(edition, with_sources):
    """{pk: TalkCard} of the edition's talks by creation, with their speakers and, when asked, the
    sources of the hot-topics talks (the only ones the deck lists): one query.

    Its rows are the talk's speakers times its sources (one row for a talk without
    either, with None in their columns), ordered by talk, speaker and source: a
    speaker or source is taken where it first occurs, which keeps their order.
    """
    order = ["pk", "talk_speakers__position", "talk_speakers__pk"]
    columns = ["pk", "kind", "title", "subtitle", "abstract"]
    columns += ["talk_speakers__pk", "talk_speakers__person__name", "talk_speakers__affiliation"]
    if with_sources:
        order += ["sources__position", "sources__pk"]
        columns += ["sources__pk", "sources__title", "sources__url"]
    talks = {}
    seen_speakers, seen_sources = set(), set()
    for row in Talk.objects.filter(edition=edition).order_by(*order).values_list(*columns):
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


def _agenda(edition, talks):
    rows = AgendaItem.objects.filter(edition=edition).order_by("position")
    return [
        AgendaEntry(kind, title, start_time, talk_id, talks[talk_id].speakers if talk_id in talks else [])
        for kind, title, start_time, talk_id in rows.values_list("kind", "title", "start_time", "talk_id")
    ]


def _job_ads(edition):
    """The published job ads announced at the edition, with their items: one query, a row per item."""
    rows = (
        JobAd.objects.filter(editions=edition, published=True)
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
        )
    )
    cards = {}
    for pk, title, tagline, location, apply_url, organisation_id, name, logo, section, text in rows:
        card = cards.get(pk)
        if card is None:
            # The logo goes through {% thumbnail %}, which takes the model's image field.
            organisation = Organisation(pk=organisation_id, name=name, logo=logo)
            card = cards[pk] = JobCard(title, tagline, location, apply_url, organisation)
        if section is not None:  # None: an ad without items (the outer join's empty row)
            card.items.append((section, text))
    return list(cards.values())


def _raffles(edition):
    # Raffles announced at this edition; on the evening itself (or before) also any
    # other raffle still open, which the organizers would mention too.
    wanted = Raffle.objects.filter(edition=edition, status=Raffle.Status.PUBLISHED)
    if edition.is_upcoming:
        wanted |= Raffle.objects.open_now()  # one WHERE with OR, no subquery
    return list(wanted.select_related("prize_donor").order_by("closes_at", "pk"))


def load_deck(code, *, include_drafts, absolute_url):
    """The DeckData of the edition with this code (any case), or None.

    None too for a draft unless include_drafts (organizers preview drafts;
    visitors must not learn that one exists). Sections the organizers
    skipped are not read at all.
    """
    edition, next_edition, earlier = _editions(code)
    if edition is None or not (edition.published or include_drafts):
        return None
    settings = _settings(edition)
    shows = settings.includes

    talks = _talks(edition, with_sources=shows(Section.SOURCES))
    # The archive plug takes its text from an announcement that links to GitHub or YouTube.
    announcements = []
    if shows(Section.ANNOUNCEMENTS) or shows(Section.ARCHIVE):
        announcements = list(Announcement.objects.filter(edition=edition).order_by("position"))

    site_profile = SiteProfile.cached()
    return DeckData(
        edition=edition,
        settings=settings,
        site_profile=site_profile,
        host=_host(edition),
        organizers=list(edition.organizers.all()) if shows(Section.ORGANIZERS) else [],
        agenda=_agenda(edition, talks),
        talks=list(talks.values()),
        announcements=announcements,
        archive=list(reversed(earlier[: settings.archive_rows])),
        stats={
            "members": site_profile.members_count,
            "meetups": edition.meetups_held,
            "workshops": edition.workshops_held,
        },
        raffles=_raffles(edition) if shows(Section.RAFFLES) else [],
        job_ads=_job_ads(edition) if shows(Section.JOBS) else [],
        free_slides=list(DeckSlide.objects.filter(edition=edition).order_by("position", "pk")),
        next_edition=next_edition,
        next_host=_host(next_edition) if next_edition else None,
        absolute_url=absolute_url,
    )
