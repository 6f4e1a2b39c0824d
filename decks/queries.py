"""Everything one edition's deck shows, read in a fixed number of queries.

The deck is public like the edition page, so it obeys the same rule
(tests/decks/test_queries.py measures it): related rows come in through
select_related or one prefetch query per relation, never one query per row,
and the archive table and the group stats ride along in the first query.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, prefetch_related_objects
from django.db.models.functions import Coalesce

from meetups.models import Edition, SiteProfile
from meetups.queries import speakers_prefetch
from raffles.models import Raffle
from sponsors.models import JobAd, Sponsorship
from talks.models import Talk, TalkSource

from .models import MAX_ARCHIVE_ROWS, DeckSettings, DeckSlide, Section


@dataclass
class DeckData:
    """The rows of one deck, as build_slides() turns them into slides."""

    edition: Edition
    settings: DeckSettings
    site_profile: SiteProfile
    host: Any  # the venue host Sponsorship, or None
    organizers: list
    agenda: list  # AgendaItem, each with .talk_card: its talk (speakers prefetched) or None
    talks: list
    announcements: list
    archive: list  # the most recent published editions before this one, oldest first
    stats: dict
    raffles: list
    job_ads: list
    free_slides: list
    next_edition: Any  # the next published edition, or None
    next_host: Any
    absolute_url: Any  # path -> absolute URL, for the QR codes


def _count(queryset):
    """A subquery counting the rows of `queryset` (0, not NULL, when there are none)."""
    counted = queryset.order_by().annotate(total=Func(F("pk"), function="COUNT")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _editions(code):
    """(edition, next published edition, published editions before it newest first), in one query.

    The group stats are annotated on every row: how many published meetups and
    workshops there had been by that row's date, so an old deck keeps the numbers
    of its evening.
    """
    target_date = Subquery(Edition.objects.filter(code__iexact=code).values("start_date")[:1])
    published = Edition.objects.published()
    # Times can be empty, and databases sort NULL differently: order by date and pk only.
    following = published.filter(start_date__gt=target_date).order_by("start_date", "pk")
    previous = published.filter(start_date__lt=target_date).order_by("-start_date", "-pk")
    held_by_then = published.filter(start_date__lte=OuterRef("start_date"))
    rows = list(
        Edition.objects.filter(
            Q(code__iexact=code)
            | Q(pk=Subquery(following.values("pk")[:1]))
            | Q(pk__in=previous.values("pk")[:MAX_ARCHIVE_ROWS])
        )
        .select_related("venue", "venue__organisation", "deck_settings")
        .annotate(
            meetups_held=_count(held_by_then.filter(kind=Edition.Kind.MEETUP)),
            workshops_held=_count(held_by_then.filter(kind=Edition.Kind.WORKSHOP)),
        )
    )
    edition = next((row for row in rows if row.code.lower() == code.lower()), None)
    if edition is None:
        return None, None, []
    later = [row for row in rows if row.published and row.start_date > edition.start_date]
    earlier = sorted(
        (row for row in rows if row.published and row.start_date < edition.start_date),
        key=lambda row: (row.start_date, row.pk),
        reverse=True,
    )
    return edition, (later[0] if later else None), earlier


def _settings(edition):
    try:
        return edition.deck_settings
    except DeckSettings.DoesNotExist:
        return DeckSettings(edition=edition)


def _host(edition):
    hosts = getattr(edition, "host_sponsorships", [])
    return hosts[0] if hosts else None


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

    prefetch_related_objects(
        [row for row in (edition, next_edition) if row is not None],
        Prefetch(
            "sponsorships",
            queryset=Sponsorship.objects.filter(role=Sponsorship.Role.HOST).select_related("organisation"),
            to_attr="host_sponsorships",
        ),
    )
    lookups = [
        "agenda_items",
        Prefetch(
            "talks",
            queryset=Talk.objects.order_by("pk").prefetch_related(
                speakers_prefetch(),
                Prefetch("sources", queryset=TalkSource.objects.order_by("position", "pk")),
            ),
        ),
        "announcements",
        Prefetch("deck_slides", queryset=DeckSlide.objects.order_by("position", "pk")),
    ]
    if settings.includes(Section.ORGANIZERS):
        lookups.append("organizers")
    if settings.includes(Section.JOBS):
        lookups.append(
            Prefetch(
                "job_ads",
                queryset=JobAd.objects.filter(published=True)
                .select_related("organisation")
                .prefetch_related("items")
                .order_by("organisation__name", "title", "pk"),
                to_attr="announced_job_ads",
            )
        )
    prefetch_related_objects([edition], *lookups)

    raffles = []
    if settings.includes(Section.RAFFLES):
        # Raffles announced at this edition; on the evening itself (or before) also any
        # other raffle still open, which the organizers would mention too.
        wanted = Q(edition=edition, status=Raffle.Status.PUBLISHED)
        if edition.is_upcoming:
            wanted |= Q(pk__in=Raffle.objects.open_now().values("pk"))
        raffles = list(Raffle.objects.filter(wanted).select_related("prize_donor").order_by("closes_at", "pk"))

    talks = list(edition.talks.all())
    talks_by_id = {talk.pk: talk for talk in talks}
    agenda = list(edition.agenda_items.all())
    for item in agenda:
        item.talk_card = talks_by_id.get(item.talk_id)

    site_profile = SiteProfile.cached()
    return DeckData(
        edition=edition,
        settings=settings,
        site_profile=site_profile,
        host=_host(edition),
        organizers=list(edition.organizers.all()) if settings.includes(Section.ORGANIZERS) else [],
        agenda=agenda,
        talks=talks,
        announcements=list(edition.announcements.all()),
        archive=list(reversed(earlier[: settings.archive_rows])),
        stats={
            "members": site_profile.members_count,
            "meetups": edition.meetups_held,
            "workshops": edition.workshops_held,
        },
        raffles=raffles,
        job_ads=getattr(edition, "announced_job_ads", []),
        free_slides=list(edition.deck_slides.all()),
        next_edition=next_edition,
        next_host=_host(next_edition) if next_edition else None,
        absolute_url=absolute_url,
    )
