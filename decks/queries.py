"""Everything one edition's deck shows, read in a fixed number of queries.

The deck is public like the edition page, so it obeys the same rule
(tests/decks/test_queries.py measures it): related rows come in one query per
relation, never one query per row, and ten queries at most. The edition's
settings, host and group stats ride along in its query, the next edition's venue
and host in its own, a talk's speakers and sources with the talks, a job ad's items
with the job ads. The rows are model instances (the slides call their methods and
thumbnail their images), but for the archive table, which only prints a few values.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import F, FilteredRelation, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from meetups.models import AgendaItem, Announcement, Edition, SiteProfile
from raffles.models import Raffle
from rsvps.door import door_figures
from sponsors.models import JobAd, Sponsorship
from talks.models import Person, Talk

from .models import DeckSettings, DeckSlide, Section


@dataclass
class DeckData:
    """The parts of one deck, as build_slides() turns them into slides."""

    edition: Edition  # with `meetups_held` and `workshops_held` by its date
    settings: DeckSettings
    site_profile: SiteProfile
    host: Any  # the venue host Sponsorship with its organisation, or None
    organizers: list  # Person
    agenda: list  # AgendaItem in order, each with `deck_speakers`: its talk's (or [])
    talks: list  # Talk by creation, each with `deck_speakers` and `deck_sources` (see _talks)
    announcements: list  # Announcement
    archive: list  # the latest published editions before, oldest first (values: see _archive)
    stats: dict
    raffles: list  # Raffle with its prize donor
    job_ads: list  # JobAd with its organisation and `deck_items` (JobAdItem, in order)
    free_slides: list  # DeckSlide
    next_edition: Any  # the next published Edition, with its venue, or None
    next_host: Any  # the name of its host, or None
    attendance: Any  # rsvps.door.door_figures() when the deck shows them and RSVPs are on, else None
    absolute_url: Any  # path -> absolute URL, for the QR codes


def _held_by_then(kind):
    """How many published editions of `kind` there had been by the date of the edition read (a subquery)."""
    held = Edition.objects.filter(published=True, kind=kind, start_date__lte=OuterRef("start_date")).order_by()
    # COUNT as a plain function: the aggregate Count would group the subquery's rows, and an
    # empty group would be no row (NULL) rather than 0.
    return Subquery(held.values(count=Func(F("pk"), function="COUNT")), output_field=IntegerField())


def _with_host(editions):
    """Each edition with its host Sponsorship and its organisation as `host_sponsorship`, joined.

    An edition has one host at most (a unique constraint), and most have none: Django
    sets the attribute only on an edition that has one.
    """
    host = FilteredRelation("sponsorships", condition=Q(sponsorships__role=Sponsorship.Role.HOST))
    return editions.annotate(host_sponsorship=host).select_related("host_sponsorship__organisation")


def deck_edition(code):
    """The edition with this code (any case), or None: one query, the only one while its slides are kept.

    It comes with its deck settings, its host and the group stats: how many
    published meetups and workshops there had been by its date, so an old deck keeps
    the numbers of its evening.
    """
    # lower(code) finds the code in any case through the index of its unique constraint.
    editions = (
        Edition.objects.alias(code_lower=Lower("code"))
        .filter(code_lower=code.lower())
        .select_related("deck_settings", "rsvp_settings")
        .annotate(
            meetups_held=_held_by_then(Edition.Kind.MEETUP),
            workshops_held=_held_by_then(Edition.Kind.WORKSHOP),
        )
    )
    return _with_host(editions).first()


def _next_edition(day):
    """The first published edition after `day`, with its venue and host, or None: one query."""
    # Times can be empty, and databases sort NULL differently: order by date and pk only.
    following = Edition.objects.published().filter(start_date__gt=day).select_related("venue")
    return _with_host(following).order_by("start_date", "pk").first()


def _archive(day, rows):
    """The `rows` most recent published editions before `day`, oldest first, as the table prints
    them: code, start_date, venue__name (None without a venue) and topic. One query."""
    editions = Edition.objects.published().filter(start_date__lt=day).order_by("-start_date", "-pk")
    return list(reversed(editions.values("code", "start_date", "venue__name", "topic")[:rows]))


def _attendance(edition):
    rsvp_settings = getattr(edition, "rsvp_settings", None)
    return door_figures(edition.pk) if rsvp_settings is not None and rsvp_settings.enabled else None


def _settings(edition):
    try:
        return edition.deck_settings
    except DeckSettings.DoesNotExist:
        return DeckSettings(edition=edition)


def _talks(edition, with_sources):
    """The edition's talks by creation, each with its speakers in order as `deck_speakers` (TalkSpeaker
    with the person) and, when asked, a hot-topics talk's sources in order as `deck_sources` (the only
    ones the deck lists; [] otherwise): one query.

    Its rows are a talk's speakers times its sources, joined (FilteredRelation without a
    condition: a LEFT JOIN, read with select_related), one row for a talk without either,
    ordered by talk, speaker and source: a speaker or a source is taken where it first
    occurs, which keeps their order. One query rather than one per relation: the deck's
    queries are ten already.
    """
    rows = Talk.objects.filter(edition=edition).annotate(speaker=FilteredRelation("talk_speakers"))
    rows = rows.select_related("speaker__person")
    order = ["pk", "speaker__position", "speaker__pk"]
    if with_sources:
        rows = rows.annotate(source=FilteredRelation("sources")).select_related("source")
        order += ["source__position", "source__pk"]
    talks = {}
    seen = set()
    for row in rows.order_by(*order):
        talk = talks.get(row.pk)
        if talk is None:
            talk = talks[row.pk] = row
            talk.deck_speakers, talk.deck_sources = [], []
        # The joined rows are set only where there is one (as the host above).
        speaker, source = getattr(row, "speaker", None), getattr(row, "source", None)
        if speaker is not None and ("speaker", speaker.pk) not in seen:
            seen.add(("speaker", speaker.pk))
            talk.deck_speakers.append(speaker)
        if source is not None and talk.kind == Talk.Kind.HOT_TOPICS and ("source", source.pk) not in seen:
            seen.add(("source", source.pk))
            talk.deck_sources.append(source)
    return list(talks.values())


def _agenda(edition, talks):
    """The agenda items in order, each with the speakers of its talk as `deck_speakers` ([] without one)."""
    speakers = {talk.pk: talk.deck_speakers for talk in talks}
    items = list(AgendaItem.objects.filter(edition=edition).order_by("position"))
    for item in items:
        item.deck_speakers = speakers.get(item.talk_id, [])
    return items


def _job_ads(edition):
    """The published job ads announced at the edition, with their organisations and items: one query.

    A row per item, joined as the talks' speakers are; an ad without items has one row.
    """
    rows = (
        JobAd.objects.filter(editions=edition, published=True)
        .annotate(item=FilteredRelation("items"))
        .select_related("organisation", "item")
        .order_by("organisation__name", "title", "pk", "item__position", "item__pk")
    )
    job_ads = {}
    for row in rows:
        job_ad = job_ads.get(row.pk)
        if job_ad is None:
            job_ad = job_ads[row.pk] = row
            job_ad.deck_items = []
        item = getattr(row, "item", None)
        if item is not None:
            job_ad.deck_items.append(item)
    return list(job_ads.values())


def _organizers(edition):
    """The edition's organizers by name, with their name, affiliation and photo."""
    people = Person.objects.filter(organized_editions=edition).only("name", "affiliation", "photo")
    return list(people.order_by("name", "pk"))


def _raffles(edition):
    # Raffles announced at this edition; on the evening itself (or before) also any
    # other raffle still open, which the organizers would mention too.
    raffles = Raffle.objects.filter(edition=edition, status=Raffle.Status.PUBLISHED)
    if edition.is_upcoming:
        raffles = raffles | Raffle.objects.open_now(timezone.now())  # one WHERE with OR
    return list(raffles.select_related("prize_donor").order_by("closes_at", "pk"))


def load_deck(edition, *, absolute_url):
    """The DeckData of an edition of deck_edition(): nine queries at most, ten with tonight in numbers.

    Sections the organizers skipped are not read at all.
    """
    settings = _settings(edition)
    shows = settings.includes
    next_edition = _next_edition(edition.start_date)
    next_host = getattr(next_edition, "host_sponsorship", None)

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
        host=getattr(edition, "host_sponsorship", None),
        organizers=_organizers(edition) if shows(Section.ORGANIZERS) else [],
        agenda=_agenda(edition, talks),
        talks=talks,
        announcements=announcements,
        archive=_archive(edition.start_date, settings.archive_rows) if shows(Section.ARCHIVE) else [],
        stats={
            "members": site_profile.members_count,
            "meetups": edition.meetups_held,
            "workshops": edition.workshops_held,
        },
        raffles=_raffles(edition) if shows(Section.RAFFLES) else [],
        job_ads=_job_ads(edition) if shows(Section.JOBS) else [],
        free_slides=list(DeckSlide.objects.filter(edition=edition).order_by("position", "pk")),
        next_edition=next_edition,
        next_host=next_host.organisation.name if next_host is not None else None,
        attendance=_attendance(edition) if shows(Section.ATTENDANCE) else None,
        absolute_url=absolute_url,
    )
