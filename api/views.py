"""The read-only JSON API: plain Django views, documented in docs/api.md and /api/openapi.json.

Only published editions, and the talks and speakers of published editions,
are ever listed. Errors are JSON too (RFC 9457 problem details), so a client
never has to parse an HTML error page: 400 for a bad parameter, 404 for an
unknown code or slug, 405 for anything but GET and HEAD.
"""

import functools
import re

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control

from meetups.models import AgendaItem, Edition
from meetups.queries import speakers_prefetch, talk_cards
from sponsors.models import Sponsorship
from talks.models import Person, Talk, TalkSpeaker

from . import serializers
from .openapi import openapi_document

PAGE_SIZE = 50
CACHE_SECONDS = 300
# ASCII digits only, and fullmatch: "\d" would take other scripts' digits and "$" a trailing newline.
_YEAR = re.compile(r"[0-9]{4}")
_PAGE = re.compile(r"[1-9][0-9]{0,8}")


class ApiError(Exception):
    """Raised inside a view; becomes a JSON problem response."""

    TITLES = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}

    def __init__(self, status, detail):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _problem(status, detail):
    body = {"type": "about:blank", "title": ApiError.TITLES[status], "status": status, "detail": detail}
    return JsonResponse(body, status=status, content_type="application/problem+json")


def api_view(view):
    """GET and HEAD only, JSON errors, and a short public cache (nothing here is private)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _problem(405, f"{request.method} is not allowed: this API is read-only (GET and HEAD).")
            response["Allow"] = "GET, HEAD"
            return response
        try:
            response = view(request, *args, **kwargs)
        except ApiError as error:
            return _problem(error.status, error.detail)
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response

    return wrapper


def _json(data):
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _year(request):
    value = request.GET.get("year")
    if value is None:
        return None
    if not _YEAR.fullmatch(value):
        raise ApiError(400, f"year must be a four-digit year such as 2020, not {value!r}.")
    return int(value)


def _choice(request, name, choices):
    value = request.GET.get(name)
    if value is None:
        return None
    if value not in choices:
        allowed = ", ".join(choices)
        raise ApiError(400, f"{name} must be one of {allowed}; {value!r} is not.")
    return value


def _paginated(request, queryset, serialize):
    """{count, next, previous, results} for ?page=N (from 1), PAGE_SIZE results a page."""
    value = request.GET.get("page", "1")
    if not _PAGE.fullmatch(value):
        raise ApiError(400, f"page must be a whole number from 1 on, not {value!r}.")
    number = int(value)
    paginator = Paginator(queryset, PAGE_SIZE)
    if number > paginator.num_pages:
        raise ApiError(404, f"There is no page {number}: the last page is {paginator.num_pages}.")
    page = paginator.page(number)

    def link(target):
        query = request.GET.copy()
        query["page"] = str(target)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "next": link(number + 1) if page.has_next() else None,
        "previous": link(number - 1) if page.has_previous() else None,
        "results": [serialize(row, request) for row in page.object_list],
    }


@api_view
def index(request):
    """Where everything is: the three collections and the OpenAPI document."""
    return _json(
        {
            "editions": request.build_absolute_uri(reverse("api:edition_list")),
            "talks": request.build_absolute_uri(reverse("api:talk_list")),
            "speakers": request.build_absolute_uri(reverse("api:speaker_list")),
            "openapi": request.build_absolute_uri(reverse("api:openapi")),
        }
    )


def _editions():
    """Published editions with everything serializers.edition shows: 6 queries for any number of them."""
    return (
        Edition.objects.published()
        .select_related("venue")
        .prefetch_related(
            Prefetch("sponsorships", queryset=Sponsorship.objects.select_related("organisation")),
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position")),
            Prefetch("talks", queryset=Talk.objects.prefetch_related(speakers_prefetch())),
            Prefetch("organizers", queryset=Person.objects.order_by("name", "pk")),
        )
    )


@api_view
def edition_list(request):
    editions = _editions()
    year = _year(request)
    if year:
        editions = editions.filter(start_date__year=year)
    kind = _choice(request, "kind", Edition.Kind.values)
    if kind:
        editions = editions.filter(kind=kind)
    when = _choice(request, "when", ["upcoming", "past"])
    if when == "upcoming":
        editions = editions.upcoming()
    elif when == "past":
        editions = editions.past()
    else:
        editions = editions.order_by("-start_date", "-start_time", "-pk")
    return _json(_paginated(request, editions, serializers.edition))


@api_view
def edition_detail(request, code):
    edition = _editions().filter(code__iexact=code).first()
    if edition is None:
        raise ApiError(404, f"No published edition has the code {code!r}.")
    return _json(serializers.edition(edition, request))


def _talks():
    """Published talks with speakers and their edition's agenda (for the slot): 4 queries a page."""
    agenda = AgendaItem.objects.order_by("position")
    return talk_cards().prefetch_related(Prefetch("edition__agenda_items", queryset=agenda))


def _serialize_talk(talk, request):
    return serializers.talk(talk, request, serializers.talk_slot(talk))


@api_view
def talk_list(request):
    talks = _talks()
    year = _year(request)
    if year:
        talks = talks.filter(edition__start_date__year=year)
    kind = _choice(request, "kind", Talk.Kind.values)
    if kind:
        talks = talks.filter(kind=kind)
    talks = talks.order_by("-edition__start_date", "-edition__pk", "title", "pk")
    return _json(_paginated(request, talks, _serialize_talk))


@api_view
def talk_detail(request, slug):
    talk = _talks().filter(slug=slug).first()
    if talk is None:
        raise ApiError(404, f"No talk of a published edition has the slug {slug!r}.")
    return _json(_serialize_talk(talk, request))


def _speakers(year=None, kind=None):
    """People with a talk at a published edition (of that year and kind), each with those talks."""
    public = TalkSpeaker.objects.filter(talk__edition__published=True)
    matching = public.filter(person=OuterRef("pk"))
    if year:
        matching = matching.filter(talk__edition__start_date__year=year)
    if kind:
        matching = matching.filter(talk__kind=kind)
    return Person.objects.filter(Exists(matching)).prefetch_related(
        Prefetch(
            "talk_speakers",
            queryset=public.select_related("talk", "talk__edition").order_by(
                "-talk__edition__start_date", "-talk__edition__pk", "talk__title", "talk__pk"
            ),
            to_attr="public_talk_speakers",
        )
    )


@api_view
def speaker_list(request):
    speakers = _speakers(_year(request), _choice(request, "kind", Talk.Kind.values)).order_by("name", "pk")
    return _json(_paginated(request, speakers, serializers.speaker))


@api_view
def speaker_detail(request, slug):
    person = _speakers().filter(slug=slug).first()
    if person is None:
        raise ApiError(404, f"No speaker of a published edition has the slug {slug!r}.")
    return _json(serializers.speaker(person, request))


@api_view
def openapi(request):
    return _json(openapi_document(request.build_absolute_uri("/").rstrip("/")))


@api_view
def not_found(request, rest=""):
    raise ApiError(404, f"There is no API endpoint at {request.path}; see {reverse('api:index')}.")
