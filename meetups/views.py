"""The home page, the archive of editions and the page of one edition."""

from collections import defaultdict

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from raffles.models import Raffle
from sponsors.models import JobAd, Sponsorship
from talks.models import Talk, TalkSource, TalkSpeaker
from vdlm.links import path_to

from . import calendar, structured_data
from .forms import ArchiveFilterForm
from .models import AgendaItem, Edition, SiteProfile
from .queries import can_preview, speakers_prefetch, talk_cards

ARCHIVE_PAGE_SIZE = 25
HOME_RECENT_TALKS = 6


def _split_sponsorships(edition):
    """(host sponsorship or None, the other sponsorships) from the prefetched rows."""
    host, others = None, []
    for sponsorship in edition.sponsorships.all():
        if sponsorship.role == Sponsorship.Role.HOST and host is None:
            host = sponsorship
        else:
            others.append(sponsorship)
    return host, others


def _agenda(edition, talks_by_id=None):
    """The agenda items, each with `.talk_card` set to its talk (or None).

    With talks_by_id the talks come from an earlier prefetch; without, from
    the agenda's own select_related.
    """
    items = list(edition.agenda_items.all())
    for item in items:
        if talks_by_id is None:
            item.talk_card = item.talk if item.talk_id else None
        else:
            item.talk_card = talks_by_id.get(item.talk_id)
    return items


def _calendar_links(request, edition):
    """The "Add to calendar" links, for a published edition that is still to come."""
    if not edition.published or not edition.is_upcoming or edition.cancelled:
        return None
    return {
        "ics": reverse("meetups:edition_calendar", kwargs={"code": edition.code.lower()}),
        "google": calendar.google_calendar_url(edition, request),
    }


def home(request):
    published = Edition.objects.published()
    # The next two upcoming editions and the latest past one, in one query: the hero is
    # the next edition, or the latest one while nothing is announced.
    candidates = list(
        published.filter(
            Q(pk__in=published.upcoming().values("pk")[:2]) | Q(pk__in=published.past().values("pk")[:1])
        ).select_related("venue", "venue__organisation")
    )
    upcoming = sorted(
        (edition for edition in candidates if edition.is_upcoming),
        key=lambda edition: (edition.start_date, edition.start_time is None, edition.start_time, edition.pk),
    )
    past = [edition for edition in candidates if not edition.is_upcoming]
    hero = upcoming[0] if upcoming else (past[0] if past else None)
    following = upcoming[1] if len(upcoming) > 1 else None

    host = None
    agenda = []
    if hero is not None:
        prefetch_related_objects(
            [hero],
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("talk")),
            Prefetch("sponsorships", queryset=Sponsorship.objects.select_related("organisation")),
        )
        host, _ = _split_sponsorships(hero)
        agenda = _agenda(hero)

    today = timezone.localdate()
    # The latest talks come from the latest editions with talks: naming those first spares
    # the database sorting every talk of the archive by its edition's date.
    latest_with_talks = (
        published.filter(start_date__lt=today)
        .filter(Exists(Talk.objects.filter(edition=OuterRef("pk"))))
        .order_by("-start_date", "-pk")
        .values("pk")[:HOME_RECENT_TALKS]
    )
    recent_talks = list(
        talk_cards()
        .prefetch_related(None)
        .filter(edition__in=latest_with_talks)
        .order_by("-edition__start_date", "-edition__pk", "title")[:HOME_RECENT_TALKS]
    )
    # The speakers of the agenda's talks and of the recent talks, in one query.
    prefetch_related_objects([item.talk_card for item in agenda if item.talk_card] + recent_talks, speakers_prefetch())
    # One query for all four numbers; distinct counts undo the fan-out of the joins.
    counts = published.aggregate(
        edition_count=Count("pk", distinct=True),
        workshop_count=Count("pk", filter=Q(kind=Edition.Kind.WORKSHOP), distinct=True),
        talk_count=Count("talks", distinct=True),
        speaker_count=Count("talks__talk_speakers__person", distinct=True),
    )
    stats = {
        "editions": counts["edition_count"],
        "workshops": counts["workshop_count"],
        "talks": counts["talk_count"],
        "speakers": counts["speaker_count"],
    }
    context = {
        "hero": hero,
        "hero_is_upcoming": bool(upcoming),
        "calendar_links": _calendar_links(request, hero) if hero is not None else None,
        "host": host,
        "agenda": agenda,
        "following": following,
        "recent_talks": recent_talks,
        "open_raffles": list(
            Raffle.objects.open_now().select_related("prize_donor").order_by("closes_at")[:3]
        ),
        "job_ads": list(JobAd.objects.active().select_related("organisation")[:4]),
        "stats": stats,
    }
    return render(request, "meetups/home.html", context)


def _archive_queryset(filters):
    editions = Edition.objects.published().select_related("venue")
    if filters["year"]:
        editions = editions.filter(start_date__year=filters["year"])
    if filters["kind"]:
        editions = editions.filter(kind=filters["kind"])
    query = filters["q"]
    if query:
        matching_talks = Talk.objects.filter(edition=OuterRef("pk")).filter(
            Q(title__icontains=query)
            | Q(subtitle__icontains=query)
            | Q(talk_speakers__person__name__icontains=query)
        )
        editions = editions.filter(
            Q(code__iexact=query.lstrip("#"))
            | Q(title__icontains=query)
            | Q(topic__icontains=query)
            | Q(venue__name__icontains=query)
            | Exists(matching_talks)
        )
    return editions.order_by("-start_date", "-pk")


def _attach_archive_talks(editions):
    """Set `archive_talks` on each edition: [(url, title, [speaker names])], in the order added.

    Talks and speakers only for the editions on this page, two queries whatever its size.
    Plain values, not model instances: a page names some 200 talks and 300 speakers, and
    building (and prefetching) a model instance for each cost more than the rest of the page.
    """
    speakers = defaultdict(list)
    for talk_id, name in (
        TalkSpeaker.objects.filter(talk__edition__in=editions)
        .order_by("position", "pk")
        .values_list("talk_id", "person__name")
    ):
        speakers[talk_id].append(name)
    talks = defaultdict(list)
    for pk, edition_id, slug, title in (
        Talk.objects.filter(edition__in=editions).order_by("pk").values_list("pk", "edition_id", "slug", "title")
    ):
        talks[edition_id].append((path_to("talks:talk_detail", slug=slug), title, speakers[pk]))
    for edition in editions:
        edition.archive_talks = talks[edition.pk]


def edition_list(request):
    years = [day.year for day in Edition.objects.published().dates("start_date", "year", order="DESC")]
    form = ArchiveFilterForm(request.GET or None, years=years)
    filters = form.filters()
    paginator = Paginator(_archive_queryset(filters), ARCHIVE_PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    _attach_archive_talks(page_obj.object_list)
    context = {
        "form": form,
        "is_filtered": any(filters.values()),
        "page_obj": page_obj,
        "editions": page_obj.object_list,
    }
    return render(request, "meetups/edition_list.html", context)


def _edition_with_neighbours(code):
    """(edition, previous, next) for a code; previous/next are published ones. Two queries.

    One query could find all three, with the target's date and id as subqueries of
    subqueries, but building that SQL cost Django 2.5 ms at every request, the query
    itself 0.15 ms: the target first, then both neighbours by its known date and id.
    """
    edition = Edition.objects.select_related("venue", "venue__organisation").filter(code__iexact=code).first()
    if edition is None:
        return None, None, None
    day, pk = edition.start_date, edition.pk
    published = Edition.objects.published()
    previous = published.filter(Q(start_date__lt=day) | Q(start_date=day, pk__lt=pk)).order_by("-start_date", "-pk")
    following = published.filter(Q(start_date__gt=day) | Q(start_date=day, pk__gt=pk)).order_by("start_date", "pk")
    neighbours = Edition.objects.filter(
        Q(pk=Subquery(previous.values("pk")[:1])) | Q(pk=Subquery(following.values("pk")[:1]))
    )
    before = after = None
    for row in neighbours:
        if (row.start_date, row.pk) < (day, pk):
            before = row
        else:
            after = row
    return edition, before, after


def edition_detail(request, code):
    edition, previous, following = _edition_with_neighbours(code)
    if edition is None or not (edition.published or can_preview(request.user)):
        raise Http404("No edition with this code.")

    prefetch_related_objects(
        [edition],
        "organizers",
        Prefetch("sponsorships", queryset=Sponsorship.objects.select_related("organisation")),
        "agenda_items",
        Prefetch(
            "talks",
            queryset=Talk.objects.prefetch_related(
                speakers_prefetch(),
                Prefetch("sources", queryset=TalkSource.objects.order_by("position", "pk")),
            ),
        ),
        "announcements",
        Prefetch(
            "raffles",
            queryset=Raffle.objects.exclude(status=Raffle.Status.DRAFT).select_related("prize_donor"),
            to_attr="public_raffles",
        ),
        Prefetch(
            "job_ads",
            queryset=JobAd.objects.filter(published=True).select_related("organisation"),
            to_attr="public_job_ads",
        ),
    )
    talks_by_id = {talk.pk: talk for talk in edition.talks.all()}
    agenda = _agenda(edition, talks_by_id)
    # Talks in the order of the agenda; talks not (yet) on the agenda follow by title.
    agenda_order = {item.talk_id: index for index, item in enumerate(agenda) if item.talk_id}
    talks = sorted(talks_by_id.values(), key=lambda talk: (agenda_order.get(talk.pk, len(agenda)), talk.title))
    host, supporters = _split_sponsorships(edition)
    host_presentation = next(
        (item for item in agenda if item.kind == AgendaItem.Kind.HOST_PRESENTATION), None
    )
    context = {
        "edition": edition,
        "structured_data": structured_data.edition_event(
            edition, request, sponsorships=list(edition.sponsorships.all()), agenda=agenda, talks=talks
        ),
        "calendar_links": _calendar_links(request, edition),
        "is_draft": not edition.published,
        "previous": previous,
        "next": following,
        "agenda": agenda,
        "talks": [talk for talk in talks if talk.kind != Talk.Kind.HOT_TOPICS],
        "hot_topics": [talk for talk in talks if talk.kind == Talk.Kind.HOT_TOPICS],
        "host": host,
        "host_presentation": host_presentation,
        "supporters": supporters,
        "organizers": list(edition.organizers.all()),
        "announcements": list(edition.announcements.all()),
        "raffles": edition.public_raffles,
        "job_ads": edition.public_job_ads,
    }
    return render(request, "meetups/edition_detail.html", context)


def _ics_response(ics_calendar):
    return HttpResponse(ics_calendar.to_ical(), content_type="text/calendar; charset=utf-8")


# Calendar apps poll subscriptions; a few minutes of caching spares the database.
@require_safe
@cache_control(public=True, max_age=600)
def edition_calendar(request, code):
    """/meetups/<code>/calendar.ics: one published edition, for "Add to calendar"."""
    edition = calendar.event_editions().filter(code__iexact=code).first()
    if edition is None:
        raise Http404("No published edition with this code.")
    source = request.build_absolute_uri(reverse("meetups:edition_calendar", kwargs={"code": edition.code.lower()}))
    response = _ics_response(calendar.build_calendar([edition], request, name=edition.display_title, source_url=source))
    response["Content-Disposition"] = f'attachment; filename="meetup-{edition.code.lower()}.ics"'
    return response


@require_safe
@cache_control(public=True, max_age=600)
def subscription_calendar(request):
    """/meetups/calendar.ics: upcoming and recent published editions, to subscribe to."""
    source = request.build_absolute_uri(reverse("meetups:calendar"))
    name = SiteProfile.cached().group_name
    return _ics_response(
        calendar.build_calendar(calendar.subscription_editions(), request, name=name, source_url=source)
    )


def privacy(request):
    return render(request, "meetups/privacy.html", {"retention_days": settings.RAFFLE_RETENTION_DAYS})
