"""The read-only JSON API: plain Django views, documented in docs/api.md and /api/openapi.json.

Only published editions, and the talks and speakers of published editions,
are ever listed. Errors are JSON too (RFC 9457 problem details), so a client
never has to parse an HTML error page: 400 for a bad parameter, 404 for an
unknown code or slug, 405 for anything but GET and HEAD.
"""

import functools
import math
import re

from django.http import JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control

from meetups.models import Edition
from talks.models import Person, Talk

from . import serializers
from .openapi import MAX_PAGE, MAX_PAGE_SIZE, PAGE_SIZE, openapi_document

CACHE_SECONDS = 300
# Four ASCII digits from 1000 (the OpenAPI minimum), and fullmatch: "\d" would take other
# scripts' digits and "$" a trailing newline.
_YEAR = re.compile(r"[1-9][0-9]{3}")
# A page number or size: at most nine digits, so that int() never reads a huge string.
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
    # No circular check: the data is fresh dicts and lists (an edition's reference shared by
    # its talks is no cycle), and a page of them is hundreds of kilobytes.
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "check_circular": False})


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


def _page_size(request):
    value = request.GET.get("page_size")
    if value is None:
        return PAGE_SIZE
    if not _PAGE.fullmatch(value) or int(value) > MAX_PAGE_SIZE:
        raise ApiError(400, f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}, not {value!r}.")
    return int(value)


def _of_year_and_kind(request, queryset, year_field, kinds):
    """The rows of `queryset` of ?year= (the year of `year_field`) and ?kind= (one of `kinds`), when asked."""
    year = _year(request)
    if year:
        queryset = queryset.filter(**{f"{year_field}__year": year})
    kind = _choice(request, "kind", kinds)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def _paginated(request, queryset, serialize):
    """{count, next, previous, results} for ?page=N (from 1) of ?page_size=N results (PAGE_SIZE).

    `queryset` is every row of the list, ordered; serialize(queryset, out) makes the JSON
    of its rows, in their order. The page's rows are picked by a subquery that sorts
    their keys alone, so that only the wide rows (descriptions, abstracts) of that page
    are read: sorting all of them was most of the SQL time of /api/talks/.
    """
    value = request.GET.get("page", "1")
    if not _PAGE.fullmatch(value) or int(value) > MAX_PAGE:
        raise ApiError(400, f"page must be a whole number from 1 to {MAX_PAGE}, not {value!r}.")
    number = int(value)
    size = _page_size(request)
    count = queryset.count()
    last = max(1, math.ceil(count / size))
    if number > last:
        raise ApiError(404, f"There is no page {number}: the last page is {last}.")
    start = (number - 1) * size
    page = queryset.filter(pk__in=queryset.values("pk")[start : start + size])

    def link(target):
        query = request.GET.copy()
        query["page"] = str(target)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "next": link(number + 1) if number < last else None,
        "previous": link(number - 1) if number > 1 else None,
        "results": serialize(page, serializers.Output(request)) if count else [],
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


@api_view
def edition_list(request):
    editions = _of_year_and_kind(request, Edition.objects.published(), "start_date", Edition.Kind.values)
    when = _choice(request, "when", ["upcoming", "past"])
    if when == "upcoming":
        editions = editions.upcoming()
    elif when == "past":
        editions = editions.past()
    else:
        editions = editions.order_by("-start_date", "-start_time", "-pk")
    return _json(_paginated(request, editions, serializers.editions))


@api_view
def edition_detail(request, code):
    found = serializers.editions(Edition.objects.published().filter(code__iexact=code), serializers.Output(request))
    if not found:
        raise ApiError(404, f"No published edition has the code {code!r}.")
    return _json(found[0])


@api_view
def talk_list(request):
    talks = _of_year_and_kind(request, Talk.objects.published(), "edition__start_date", Talk.Kind.values)
    return _json(_paginated(request, talks.latest_first(), serializers.talks))


@api_view
def talk_detail(request, slug):
    found = serializers.talks(Talk.objects.published().filter(slug=slug), serializers.Output(request))
    if not found:
        raise ApiError(404, f"No talk of a published edition has the slug {slug!r}.")
    return _json(found[0])


@api_view
def speaker_list(request):
    year, kind = _year(request), _choice(request, "kind", Talk.Kind.values)
    speakers = Person.objects.speakers(year=year, kind=kind).order_by("name", "pk")
    return _json(_paginated(request, speakers, serializers.speakers))


@api_view
def speaker_detail(request, slug):
    found = serializers.speakers(Person.objects.speakers().filter(slug=slug), serializers.Output(request))
    if not found:
        raise ApiError(404, f"No speaker of a published edition has the slug {slug!r}.")
    return _json(found[0])


@api_view
def openapi(request):
    return _json(openapi_document(request.build_absolute_uri("/").rstrip("/")))


@api_view
def not_found(request, rest=""):
    raise ApiError(404, f"There is no API endpoint at {request.path}; see {reverse('api:index')}.")
