"""The home page, the archive of editions and the page of one edition."""

import re

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import FilteredRelation, Q, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from raffles.models import Raffle
from sponsors.models import JobAd, Sponsorship
from talks.models import Talk
from vdlm.permissions import can_preview

from . import calendar, structured_data
from .forms import ArchiveFilterForm
from .models import AgendaItem, Edition, SiteProfile
from .queries import (
    add_speaker_names,
    edition_talks,
    edition_with_neighbours,
    recent_talks,
    speaker_links_prefetch,
)

ARCHIVE_PAGE_SIZE = 25
HOME_RECENT_TALKS = 6


def _calendar_links(request, edition):
    """The "Add to calendar" links, for a published edition that is still to come."""
    if not edition.published or not edition.is_upcoming or edition.cancelled:
        return None
    return {
        "ics": reverse("meetups:edition_calendar", kwargs={"code": edition.code.lower()}),
        "google": calendar.google_calendar_url(edition, request),
    }


# --- The home page -----------------------------------------------------------------
# Eight queries at most: the next editions with their hosts, the hero's agenda and its
# speakers, the recent talks and theirs, the numbers, the raffles and the jobs. The recent
# talks change with the content and the date alone: they are read and rendered only when
# their {% cache %} fragment is not kept yet (a fifth of the page's time); the agenda is
# kept rendered too.


def _home_hero(today):
    """(hero, following, whether the hero is upcoming): the next two editions, or the latest one.

    Usually one query: the latest edition is only looked up while nothing is announced.
    Each comes with its venue and, as `host`, its host sponsorship or None (an edition
    has one host at most: the constraint one_host_per_edition).
    """
    hosts = FilteredRelation("sponsorships", condition=Q(sponsorships__role=Sponsorship.Role.HOST))
    editions = (
        Edition.objects.published()
        .annotate(host=hosts)
        .select_related("venue", "venue__organisation", "host__organisation")
    )
    # Sorted again: on one day, editions without a start time come last, wherever the
    # database puts NULLs.
    upcoming = sorted(
        editions.upcoming(today)[:2],
        key=lambda edition: (edition.start_date, edition.start_time is None, edition.start_time, edition.pk),
    )
    if upcoming:
        return upcoming[0], (upcoming[1] if len(upcoming) > 1 else None), True
    return editions.past(today).first(), None, False


def home(request):
    """/: the next meetup (or the latest) with its agenda, recent talks, open raffles, jobs and the group's numbers."""
    today = timezone.localdate()
    hero, following, hero_is_upcoming = _home_hero(today)
    agenda = []
    if hero is not None:
        items = hero.agenda_items.select_related("talk").only("edition", "start_time", "kind", "title", "talk__slug")
        agenda = [(item, item.talk) for item in items.order_by("position")]
        prefetch_related_objects([talk for _item, talk in agenda if talk is not None], speaker_links_prefetch())
    context = {
        "hero": hero,
        "hero_is_upcoming": hero_is_upcoming,
        "calendar_links": _calendar_links(request, hero) if hero is not None else None,
        # select_related() sets a filtered relation only when it has a row: no attribute means no host.
        "host": getattr(hero, "host", None),
        "agenda": agenda,
        "following": following,
        "today": today,
        # Evaluated in its {% cache %} fragment only, when that is not kept yet.
        "recent_talks": recent_talks(today, HOME_RECENT_TALKS).with_speakers(),
        "open_raffles": Raffle.objects.open_now().select_related("prize_donor").order_by("closes_at")[:3],
        "job_ads": JobAd.objects.active(today).select_related("organisation")[:4],
        "stats": Edition.objects.published().numbers(),
    }
    return render(request, "meetups/home.html", context)


# --- The archive ---------------------------------------------------------------------


def edition_list(request):
    """/meetups/: the published editions, newest first, searchable and filtered by year and kind, 25 a page.

    Five queries: the years, the count, the page's editions, their talks, the talks' speakers.
    """
    form = ArchiveFilterForm.for_request(request)
    filters = form.filters()
    editions = Edition.objects.for_archive()
    if filters["year"]:
        editions = editions.filter(start_date__year=filters["year"])
    if filters["kind"]:
        editions = editions.filter(kind=filters["kind"])
    if filters["q"]:
        editions = editions.search(filters["q"])
    page_obj = Paginator(editions, ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    add_speaker_names([talk for edition in page_obj.object_list for talk in edition.archive_talks])
    context = {
        "form": form,
        "is_filtered": any(filters.values()),
        "page_obj": page_obj,
        "editions": page_obj.object_list,
    }
    return render(request, "meetups/edition_list.html", context)


# --- The page of one edition ---------------------------------------------------------

# Codes are letters, digits and dashes (a check constraint): anything else is no edition.
_CODE = re.compile(r"[A-Za-z0-9-]+")


def _host_and_supporters(sponsorships):
    """(the host sponsorship or None, the other sponsorships): the first host is the host."""
    host, others = None, []
    for sponsorship in sponsorships:
        if sponsorship.role == Sponsorship.Role.HOST and host is None:
            host = sponsorship
        else:
            others.append(sponsorship)
    return host, others


def edition_detail(request, code):
    """/meetups/<code>/: one edition (a draft for organizers), its agenda, talks, sponsors, raffles and jobs.

    Ten queries whatever the data size: the edition with its two neighbours, and one for
    each relation the page shows (the talks' speakers and sources count as two); eight
    while the organizers' and announcements' fragments are kept.
    """
    edition, previous, following = edition_with_neighbours(code) if _CODE.fullmatch(code) else (None, None, None)
    if edition is None or not (edition.published or can_preview(request.user, Edition)):
        raise Http404("No edition with this code.")

    talks = edition_talks(edition)
    by_pk = {talk.pk: talk for talk in talks}
    items = list(edition.agenda_items.order_by("position"))
    # Only the edition's own talks are linked from its agenda.
    agenda = [(item, by_pk.get(item.talk_id)) for item in items]
    # Talks in the order of the agenda; talks not (yet) on the agenda follow by title.
    agenda_order = {item.talk_id: index for index, item in enumerate(items) if item.talk_id}
    talks.sort(key=lambda talk: (agenda_order.get(talk.pk, len(items)), talk.title))
    sponsorships = list(edition.sponsorships.select_related("organisation").order_by("position", "pk"))
    host, supporters = _host_and_supporters(sponsorships)
    host_presentation = next((item for item in items if item.kind == AgendaItem.Kind.HOST_PRESENTATION), None)
    context = {
        "edition": edition,
        "structured_data": structured_data.edition_event(
            edition, request, sponsorships=sponsorships, agenda=items, talks=talks
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
        "organizers": edition.organizers.only("name", "slug", "affiliation"),
        "announcements": edition.announcements.order_by("position"),
        "raffles": edition.raffles.exclude(status=Raffle.Status.DRAFT).select_related("prize_donor"),
        "job_ads": edition.job_ads.filter(published=True).select_related("organisation"),
        "rsvp_settings": _enabled_rsvps(edition),
    }
    return render(request, "meetups/edition_detail.html", context)


def _enabled_rsvps(edition):
    """The edition's RSVP settings when it takes RSVPs (fetched with the edition), else None."""
    try:
        rsvp_settings = edition.rsvp_settings
    except ObjectDoesNotExist:
        return None
    return rsvp_settings if rsvp_settings.enabled and edition.is_upcoming else None


def _ics_response(ics_calendar):
    """The calendar file as a text/calendar response."""
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
    response = _ics_response(
        calendar.build_calendar(
            [edition], request.build_absolute_uri("/"), name=edition.display_title, source_url=source
        )
    )
    response["Content-Disposition"] = f'attachment; filename="meetup-{edition.code.lower()}.ics"'
    return response


@require_safe
@cache_control(public=True, max_age=600)
def subscription_calendar(request):
    """/meetups/calendar.ics: upcoming and recent published editions, to subscribe to."""
    source = request.build_absolute_uri(reverse("meetups:calendar"))
    name = SiteProfile.cached().group_name
    return _ics_response(
        calendar.build_calendar(
            calendar.subscription_editions(), request.build_absolute_uri("/"), name=name, source_url=source
        )
    )


def privacy(request):
    """/privacy/: the privacy notice, with the raffle entries' retention."""
    context = {
        "retention_days": settings.RAFFLE_RETENTION_DAYS,
        "outbox_days": settings.OUTBOX_KEEP_SENT_DAYS,
        "rsvp_days": settings.RSVP_KEEP_DAYS,
        "rsvp_no_show_editions": settings.RSVP_NO_SHOW_EDITIONS,
    }
    return render(request, "meetups/privacy.html", context)
