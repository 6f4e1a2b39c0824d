"""The home page, the archive of editions and the page of one edition."""

import datetime
import functools
from collections import defaultdict

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from raffles.models import Raffle
from sponsors.models import JobAd, Organisation, Sponsorship
from talks.models import Talk, TalkSpeaker
from vdlm.compiled_query import CompiledQuery, Instances, rows_for_ids
from vdlm.links import path_maker, path_to
from vdlm.permissions import can_preview

from . import calendar, structured_data
from .forms import ArchiveFilterForm
from .models import AgendaItem, Edition, SiteProfile
from .queries import (
    AgendaEntry,
    EditionLink,
    PersonLink,
    Rows,
    SpeakerRow,
    edition_agenda,
    edition_announcements,
    edition_by_code,
    edition_job_ads,
    edition_neighbours,
    edition_organizers,
    edition_raffles,
    edition_sponsorships,
    edition_talks,
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
# The home page is the most visited page, and building and compiling a query cost Django
# more than the database spends answering it. So: simple queries, each for only the
# columns the page shows, and plain rows instead of model instances below the hero: the
# row classes of the edition page (meetups/queries.py) for agenda items, speakers and a
# talk's edition, and the one below for the talk cards, with what the tags talk_card and
# agenda_item (vdlm/templatetags/vdlm_tags.py) read on a talk.

_TALK_KIND_LABELS = dict(Talk.Kind.choices)


class _HomeTalk:
    """A talk as talk_card and agenda_item read it; the speakers are added by _add_home_speakers."""

    __slots__ = (
        "edition", "kind", "slides_file", "slides_url", "slug", "subtitle", "talk_speakers", "title", "video_url"
    )
    Kind = Talk.Kind
    _slides_storage = Talk._meta.get_field("slides_file").storage

    def __init__(self, slug, title="", subtitle="", kind="", slides_file="", slides_url="", video_url="", edition=None):
        self.slug, self.title, self.subtitle, self.kind, self.edition = slug, title, subtitle, kind, edition
        self.slides_file, self.slides_url, self.video_url = slides_file, slides_url, video_url
        self.talk_speakers = Rows()

    def get_absolute_url(self):  # as Talk.get_absolute_url
        return path_to("talks:talk_detail", slug=self.slug)

    def get_kind_display(self):
        return _TALK_KIND_LABELS.get(self.kind, self.kind)

    @property
    def slides_link(self):  # as Talk.slides_link: the uploaded file's URL, else the link
        return self._slides_storage.url(self.slides_file) if self.slides_file else self.slides_url


# The hero and the edition after it, with their venues and the venues' organisations.
_HERO_EDITIONS = Instances(Edition, "venue", "venue__organisation")
_HOME_UPCOMING = CompiledQuery(
    lambda today: Edition.objects.published().upcoming(today).values_list(*_HERO_EDITIONS.columns)[:2], datetime.date
)
_HOME_LATEST = CompiledQuery(
    lambda today: Edition.objects.published().past(today).values_list(*_HERO_EDITIONS.columns)[:1], datetime.date
)


def _home_hero(today):
    """(hero, following, whether the hero is upcoming): the next two editions, or the latest one.

    Usually one query: the latest edition is only looked up while nothing is announced.
    """
    # Sorted again: on one day, editions without a start time come last, wherever the
    # database puts NULLs.
    upcoming = sorted(
        map(_HERO_EDITIONS.load, _HOME_UPCOMING(today)),
        key=lambda edition: (edition.start_date, edition.start_time is None, edition.start_time, edition.pk),
    )
    if upcoming:
        return upcoming[0], (upcoming[1] if len(upcoming) > 1 else None), True
    latest = _HOME_LATEST(today)
    return (_HERO_EDITIONS.load(latest[0]) if latest else None), None, False


# The home page's queries have the same shape at every request: Django builds their SQL
# once per process (vdlm/compiled_query.py), which saves more than running them costs.
_HOME_HOST = CompiledQuery(
    lambda edition_id: Sponsorship.objects.filter(edition=edition_id, role=Sponsorship.Role.HOST)
    .order_by()
    .values_list("note", "organisation_id", "organisation__name", "organisation__logo"),
    int,
)


def _home_host(edition):
    """The edition's host sponsorship, or None. An edition has one host at most (one_host_per_edition)."""
    for note, organisation_id, name, logo in _HOME_HOST(edition.pk):
        return Sponsorship(note=note, organisation=Organisation(pk=organisation_id, name=name, logo=logo))
    return None


_HOME_AGENDA = CompiledQuery(
    lambda edition_id: AgendaItem.objects.filter(edition=edition_id)
    .order_by("position")
    .values_list("start_time", "kind", "title", "talk_id", "talk__slug"),
    int,
)


def _home_agenda(edition, talks_by_id):
    """The edition's agenda items; their talks are also added to talks_by_id {id: [talks]}."""
    agenda = []
    for start_time, kind, title, talk_id, slug in _HOME_AGENDA(edition.pk):
        talk = None
        if talk_id is not None:
            talk = _HomeTalk(slug)
            talks_by_id[talk_id].append(talk)
        agenda.append(AgendaEntry(None, kind, title, start_time, talk_id, talk))
    return agenda


def _recent_talks(today):
    """The latest talks before `today`, newest edition first.

    They come from the latest editions with talks: naming those first spares the
    database sorting every talk of the archive by its edition's date.
    """
    latest_with_talks = (
        Edition.objects.published()
        .filter(Exists(Talk.objects.filter(edition=OuterRef("pk"))), start_date__lt=today)
        .order_by("-start_date", "-pk")
        .values("pk")[:HOME_RECENT_TALKS]
    )
    return Talk.objects.filter(edition__in=latest_with_talks).order_by("-edition__start_date", "-edition__pk", "title")


_HOME_RECENT_TALKS = CompiledQuery(
    lambda today: _recent_talks(today).values_list(
        "pk", "slug", "title", "subtitle", "kind", "slides_file", "slides_url", "video_url",
        "edition__code", "edition__start_date",
    )[:HOME_RECENT_TALKS],
    datetime.date,
)


def _home_recent_talks(talks_by_id, today):
    """The latest talks (_recent_talks); they are also added to talks_by_id {id: [talks]}."""
    talks = []
    for pk, slug, title, subtitle, kind, slides_file, slides_url, video_url, code, start_date in (
        _HOME_RECENT_TALKS(today)
    ):
        edition = EditionLink(code, start_date, published=True)
        talk = _HomeTalk(slug, title, subtitle, kind, slides_file, slides_url, video_url, edition)
        talks_by_id[pk].append(talk)
        talks.append(talk)
    return talks


# The speakers of the hero's agenda talks and of the recent talks, named by the same
# conditions as those two queries: a list of talk ids would change the SQL with its length.
_HOME_SPEAKERS = CompiledQuery(
    lambda hero_id, today: TalkSpeaker.objects.filter(
        Q(talk__in=AgendaItem.objects.filter(edition=hero_id, talk__isnull=False).values("talk_id"))
        | Q(talk__in=_recent_talks(today).values("pk")[:HOME_RECENT_TALKS])
    )
    .order_by("position", "pk")
    .values_list("talk_id", "affiliation", "person__name", "person__slug"),
    int,
    datetime.date,
)


def _add_home_speakers(talks_by_id, hero, today):
    """Fill in the speakers of the talks in talks_by_id {id: [talks]}, in order: one query.

    talks_by_id holds the talks of the hero's agenda and the recent talks before `today`.
    """
    if not talks_by_id:
        return
    for talk_id, affiliation, name, slug in _HOME_SPEAKERS(hero.pk if hero is not None else 0, today):
        speaker = SpeakerRow(None, PersonLink(name, slug), affiliation)
        for talk in talks_by_id[talk_id]:
            talk.talk_speakers.append(speaker)


def _home_numbers():
    """(editions, workshops, talks, speakers): the group in numbers, drafts and their talks left out.

    One query, written in SQL. The ORM's aggregate, distinct counts over the join of editions,
    talks and speakers, took 0.45 ms of Python to build and 0.75 ms to run at the benchmark's
    size (the only query of the page that grows with the archive). Here each number is counted
    in its own table, leaving out the few drafts' talks instead of joining the many published
    ones: 0.45 ms to run (0.5 ms on PostgreSQL, was 0.9), next to nothing to build.
    """
    quote = connection.ops.quote_name
    edition, talk, speaker = (quote(model._meta.db_table) for model in (Edition, Talk, TalkSpeaker))
    # The table names are the models' own (quoted); the one value is a parameter.
    query = (
        f"SELECT COUNT(*), COUNT(*) FILTER (WHERE kind = %s),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {talk} WHERE edition_id NOT IN (SELECT id FROM {edition} WHERE NOT published)),"
        f" (SELECT COUNT(DISTINCT person_id) FROM {speaker} WHERE talk_id NOT IN"
        f" (SELECT id FROM {talk} WHERE edition_id IN (SELECT id FROM {edition} WHERE NOT published)))"
        f" FROM {edition} WHERE published"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [Edition.Kind.WORKSHOP.value])
        return cursor.fetchone()


def _home_raffles():
    """The raffles open now, the soonest to close first: {url, title, prize, donor (a name or None), closes_at}."""
    return [
        {"url": path_to("raffles:raffle_detail", slug=slug), "title": title, "prize": prize, "donor": donor,
         "closes_at": closes_at}
        for slug, title, prize, donor, closes_at in _HOME_RAFFLES(timezone.now())
    ]


_HOME_RAFFLES = CompiledQuery(
    lambda now: Raffle.objects.open_now(now)
    .order_by("closes_at")
    .values_list("slug", "title", "prize", "prize_donor__name", "closes_at")[:3],
    datetime.datetime,
)


def _home_job_ads():
    """The latest active job ads: {url, title, organisation (its name), location}."""
    return [
        {"url": path_to("sponsors:job_detail", slug=slug), "title": title, "organisation": organisation,
         "location": location}
        for slug, title, organisation, location in _HOME_JOB_ADS(timezone.localdate())
    ]


_HOME_JOB_ADS = CompiledQuery(
    lambda today: JobAd.objects.active(today).values_list("slug", "title", "organisation__name", "location")[:4],
    datetime.date,
)


def home(request):
    today = timezone.localdate()
    hero, following, hero_is_upcoming = _home_hero(today)
    talks_by_id = defaultdict(list)  # the talks on the page by id: the agenda's and the recent ones
    host = None
    agenda = []
    if hero is not None:
        host = _home_host(hero)
        agenda = _home_agenda(hero, talks_by_id)
    recent_talks = _home_recent_talks(talks_by_id, today)
    _add_home_speakers(talks_by_id, hero, today)
    editions, workshops, talks, speakers = _home_numbers()
    stats = {"editions": editions, "workshops": workshops, "talks": talks, "speakers": speakers}
    context = {
        "hero": hero,
        "hero_is_upcoming": hero_is_upcoming,
        "calendar_links": _calendar_links(request, hero) if hero is not None else None,
        "host": host,
        "agenda": agenda,
        "following": following,
        "recent_talks": recent_talks,
        "open_raffles": _home_raffles(),
        "job_ads": _home_job_ads(),
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


def _archive_speakers(edition_ids):
    return (
        TalkSpeaker.objects.filter(talk__edition__in=edition_ids)
        .order_by("position", "pk")
        .values_list("talk_id", "person__name")
    )


def _archive_talks(edition_ids):
    return Talk.objects.filter(edition__in=edition_ids).order_by("pk").values_list("pk", "edition_id", "slug", "title")


def _attach_archive_talks(editions):
    """Set `archive_talks` on each edition: [(url, title, [speaker names])], in the order added.

    Talks and speakers only for the editions on this page, two queries whatever its size.
    Plain values, not model instances: a page names some 200 talks and 300 speakers, and
    building (and prefetching) a model instance for each cost more than the rest of the page.
    """
    ids = [edition.pk for edition in editions]
    speakers = defaultdict(list)
    for talk_id, name in rows_for_ids(_archive_speakers, ids):
        speakers[talk_id].append(name)
    talks = defaultdict(list)
    talk_path = path_maker("talks:talk_detail", "slug")
    for pk, edition_id, slug, title in rows_for_ids(_archive_talks, ids):
        talks[edition_id].append((talk_path(slug), title, speakers[pk]))
    for edition in editions:
        edition.archive_talks = talks[edition.pk]


class _WholeArchive:
    """The published editions, newest first, with their venues, as the Paginator takes them
    (count() and slices), from compiled queries: one per page, since LIMIT and OFFSET are
    written into the SQL. The same rows as _archive_queryset() without filters."""

    editions = Instances(Edition, "venue")
    ordered = True  # for the Paginator: no warning about an unordered list

    def count(self):
        return _ARCHIVE_COUNT()[0]

    def __getitem__(self, page):
        if not isinstance(page, slice) or page.step is not None:
            raise TypeError("_WholeArchive takes slices of a page")
        if page.start >= page.stop:  # an empty archive's only page: no query
            return []
        return [self.editions.load(row) for row in _archive_page(page.start, page.stop)()]


# COUNT as a plain function, not an aggregate: an aggregate in values_list() would group by every column.
_ARCHIVE_COUNT = CompiledQuery(
    lambda: Edition.objects.published()
    .order_by()
    .values_list(Func(F("pk"), function="COUNT", output_field=IntegerField()), flat=True)
)
_WHOLE_ARCHIVE = _WholeArchive()


@functools.lru_cache(maxsize=128)
def _archive_page(start, stop):
    published = _archive_queryset({"year": None, "kind": None, "q": ""})
    return CompiledQuery(lambda: published.values_list(*_WholeArchive.editions.columns)[start:stop])


# The years with published editions, for the archive's filter (one compiled query).
_ARCHIVE_YEARS = CompiledQuery(lambda: Edition.objects.published().dates("start_date", "year", order="DESC"))


def edition_list(request):
    years = [day.year for day in _ARCHIVE_YEARS()]
    form = ArchiveFilterForm(request.GET or None, years=years)
    filters = form.filters()
    # The unfiltered archive (most of its visits, and every crawler's) from compiled queries.
    editions = _archive_queryset(filters) if any(filters.values()) else _WHOLE_ARCHIVE
    paginator = Paginator(editions, ARCHIVE_PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    _attach_archive_talks(page_obj.object_list)
    context = {
        "form": form,
        "is_filtered": any(filters.values()),
        "page_obj": page_obj,
        "editions": page_obj.object_list,
    }
    return render(request, "meetups/edition_list.html", context)


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
    # Ten queries whatever the data size (meetups/queries.py): the edition, its two neighbours
    # and one query for each relation the page shows.
    edition = edition_by_code(code)
    if edition is None or not (edition.published or can_preview(request.user, Edition)):
        raise Http404("No edition with this code.")

    previous, following = edition_neighbours(edition)
    talks_by_id = edition_talks(edition)
    agenda = edition_agenda(edition, talks_by_id)
    # Talks in the order of the agenda; talks not (yet) on the agenda follow by title.
    agenda_order = {item.talk_id: index for index, item in enumerate(agenda) if item.talk_id}
    talks = sorted(talks_by_id.values(), key=lambda talk: (agenda_order.get(talk.pk, len(agenda)), talk.title))
    sponsorships = edition_sponsorships(edition)
    host, supporters = _host_and_supporters(sponsorships)
    host_presentation = next((item for item in agenda if item.kind == AgendaItem.Kind.HOST_PRESENTATION), None)
    context = {
        "edition": edition,
        "structured_data": structured_data.edition_event(
            edition, request, sponsorships=sponsorships, agenda=agenda, talks=talks
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
        "organizers": edition_organizers(edition),
        "announcements": edition_announcements(edition),
        "raffles": edition_raffles(edition),
        "job_ads": edition_job_ads(edition),
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
