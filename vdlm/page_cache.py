"""Whole-page caching of the public pages for anonymous visitors, and their HTTP caching headers.

Announcement day brings a thousand visitors within minutes, all asking for the
same few pages. Rendering each from the database every time is what makes a
small server fall over; serving the bytes rendered a moment ago is nearly free.

What is cached. Only GET and HEAD requests without a session cookie (organizers
always get fresh pages, with their draft banners and buttons), only views named
in PUBLIC_VIEWS (the allow-list: a new view is not cached until someone decides
it is public), and only a 200 response that sets no cookie, did not use the
CSRF token and was not marked private by its view. The raffle form, the call
for contributions, confirmation links and the admin therefore never enter the
cache, and are sent `Cache-Control: private` so that no proxy keeps them either.

When it is fresh. Every change to the data of the public pages bumps one
site-wide content version (content_changed(), called by model signals and by
the services that write in bulk); a cached page is served only while its
version is current, so an admin save, an import or a draw shows on the very next
request (raffle entries show on no cached page and leave them cached: see
UNWATCHED_MODELS). The pages themselves also expire after PAGE_CACHE_TIMEOUT
seconds, because some of them change with the clock alone (the next meetup
becomes the last one; a raffle opens).

Where it lives. Pages go to the "pages" cache: local memory in each worker by
default, Redis when REDIS_URL is set. The version must be shared by every
process that can change data, workers and management commands alike, so it
lives in Redis too, or, without Redis, in a small file (PAGE_CACHE_VERSION_FILE)
that every process on the server reads: a file read costs microseconds, a
database query would cost a connection per request.

Headers. Cached or not, an anonymous public page gets `Cache-Control: public,
max-age=PUBLIC_PAGE_MAX_AGE` (unless its view chose its own), an ETag from its
content and, when it comes through the cache, a Last-Modified; a request whose
If-None-Match or If-Modified-Since matches gets a bodiless 304.

The middleware sits just below SecurityMiddleware (and WhiteNoise): a cached
page skips sessions, CSRF, authentication and messages entirely, and the
headers that the middleware below it added (X-Frame-Options, Vary, ...) are
stored and replayed with the page. Per-request headers belong above it.
"""

import contextvars
import hashlib
import os
import secrets
import time
from operator import itemgetter
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

CACHE_ALIAS = "pages"
VERSION_KEY = "vdlm.content-version"
KEY_PREFIX = "vdlm.page"
STATUS_HEADER = "X-Page-Cache"

# The views whose anonymous GET answers are the same for every visitor.
PUBLIC_VIEWS = frozenset(
    {
        "meetups:home",
        "meetups:edition_list",
        "meetups:edition_detail",
        "meetups:edition_feed",
        "meetups:edition_feed_atom",
        "meetups:calendar",
        "meetups:edition_calendar",
        "meetups:privacy",
        "talks:talk_list",
        "talks:talk_detail",
        "talks:talk_feed",
        "talks:talk_feed_atom",
        "talks:speaker_list",
        "talks:speaker_detail",
        "sponsors:sponsor_list",
        "sponsors:job_list",
        "sponsors:job_detail",
        "decks:deck",
        "api:index",
        "api:openapi",
        "api:edition_list",
        "api:edition_detail",
        "api:talk_list",
        "api:talk_detail",
        "api:speaker_list",
        "api:speaker_detail",
        "sitemap",
        "robots_txt",
    }
)

# The apps whose rows the public pages show. Proposals (contributions) are private;
# a proposal accepted into an edition becomes a Talk, which is watched here.
WATCHED_APPS = frozenset({"meetups", "talks", "sponsors", "raffles", "decks", "rsvps"})
# ...except raffle entries. No cached page shows them: entry counts appear only on a
# raffle's own page once it has closed, and that page is never cached (never_cache).
# On raffle night entries arrive several a second while a thousand people load the
# pages; if each entry made every page stale, the cache would be empty just then.
# A draw still shows at once: it saves the raffle. Should a cached page ever show
# entries, remove the entry from here (tests/test_page_cache.py checks both ways).
# RSVPs likewise: the edition page shows the seats left from /meetups/<code>/seats.json, not
# from the cached HTML, so the rush of RSVPs after an invitation leaves the pages cached. The
# RSVP settings (on or off, capacity) are watched: they decide what the edition page offers.
UNWATCHED_MODELS = frozenset({"raffles.raffleentry", "rsvps.rsvp", "rsvps.rsvpchange"})

# A view's own directives that keep a response out of any shared cache.
_PRIVATE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})


# --- The content version ---------------------------------------------------------


class _FileVersion:
    """The version as a random token in a file: shared by every process on this server.

    Written in place, not renamed over: a rename costs a journal entry (0.2 ms here, twice
    per raffle entry), a write a few microseconds. A reader that catches a write halfway
    gets a token that never existed, which only costs it a page render: it can never
    come out as the old token once the new one is being written.
    """

    def __init__(self, path):
        self.path = Path(path)

    def get(self):
        try:
            descriptor = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            self.bump()  # a lost file means a new version, never an old one
            return self.get()
        try:
            return os.read(descriptor, 64).decode("ascii", "replace")
        finally:
            os.close(descriptor)

    def bump(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o664)
        try:
            os.pwrite(descriptor, secrets.token_hex(16).encode("ascii"), 0)
        finally:
            os.close(descriptor)


class _CacheVersion:
    """The version as a random token in the (shared, Redis) pages cache itself."""

    def __init__(self, cache):
        self.cache = cache

    def get(self):
        version = self.cache.get(VERSION_KEY)
        if version is None:
            # Lost (evicted, flushed) means new: never an old version that old pages could match.
            self.cache.add(VERSION_KEY, secrets.token_hex(16), None)
            version = self.cache.get(VERSION_KEY)
        return version

    def bump(self):
        self.cache.set(VERSION_KEY, secrets.token_hex(16), None)


def _version_store():
    path = getattr(settings, "PAGE_CACHE_VERSION_FILE", "")
    return _FileVersion(path) if path else _CacheVersion(caches[CACHE_ALIAS])


# The version as the current request first read it. Pages ask for it many times (every
# edition title names the group: SiteProfile.cached()), and with Redis each read is a
# round trip. Within one request it is read once, and again only after the request
# itself changed something. Outside requests (commands, tests) every call reads.
_request_version = contextvars.ContextVar("vdlm_request_version", default=None)


def content_version():
    """The current site-wide content version (an opaque string)."""
    seen = _request_version.get()
    if seen is None:
        return _version_store().get()
    if not seen:
        seen.append(_version_store().get())
    return seen[0]


def _forget_request_version():
    seen = _request_version.get()
    if seen:
        seen.clear()


def _bump_after_commit():
    _version_store().bump()
    _forget_request_version()


def content_changed(using=DEFAULT_DB_ALIAS):
    """Make every cached page stale: call after any write the public pages could show.

    The version changes at once, and again when the surrounding transaction
    commits: a request that read the first new version while the transaction
    was still open may have rendered the old rows, and must not keep them.
    """
    _version_store().bump()
    _forget_request_version()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and not any(
        callback is _bump_after_commit for _, callback, _ in connection.run_on_commit
    ):
        # robust: the change is committed whatever happens here; a failed bump must not turn it into an error page.
        transaction.on_commit(_bump_after_commit, using=using, robust=True)


def _on_model_change(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed also fires before the change
    if sender._meta.app_label in WATCHED_APPS and sender._meta.label_lower not in UNWATCHED_MODELS:
        content_changed(using)


def connect_signals():
    """Watch saves, deletions and many-to-many changes of every model of WATCHED_APPS.

    Connected at startup for every process (web workers and management commands
    alike), whether or not this process serves cached pages: another one may.
    Queryset.update() and bulk_create() send no signals; code that uses them
    calls content_changed() itself.
    """
    for name, signal in (("post_save", post_save), ("post_delete", post_delete), ("m2m_changed", m2m_changed)):
        signal.connect(_on_model_change, dispatch_uid=f"vdlm.page_cache.{name}")


# --- Which requests and responses ----------------------------------------------------


def _is_anonymous_read(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _directives(response):
    return {part.split("=", 1)[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}


def _is_public_page(request, response):
    """True for a response that every anonymous visitor may share."""
    match = request.resolver_match
    if match is None or match.view_name not in PUBLIC_VIEWS:
        return False
    # A page that holds a CSRF token comes with the visitor's CSRF cookie: Django's CSRF
    # middleware, below this one, sets it on every response whose page asked for a token.
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if _directives(response) & _PRIVATE_DIRECTIVES:
        return False
    if response.has_header("Content-Encoding"):
        return False  # compressed below us: the key does not say for which Accept-Encoding
    # Only sessions make a page differ by cookie, and requests with one never reach the cache.
    vary = {field.strip().lower() for field in response.get("Vary", "").split(",") if field.strip()}
    return vary <= {"cookie"}


def _keep_private(request, response):
    """Keep personal answers out of shared caches: a session or a cookie (a CSRF token's too) makes them personal."""
    if (settings.SESSION_COOKIE_NAME in request.COOKIES or response.cookies) and not _directives(response) & {
        "private",
        "no-store",
    }:
        patch_cache_control(response, private=True, no_cache=True)
    return response


def page_key(request):
    """The cache key of a page: scheme, host, path and the query with its parameters in a fixed order."""
    query = request.META.get("QUERY_STRING", "")
    if query:
        # Sorted by name only: repeated parameters keep their order, which can matter to a view.
        query = urlencode(sorted(parse_qsl(query, keep_blank_values=True), key=itemgetter(0)))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"{KEY_PREFIX}:{hashlib.sha256(address.encode()).hexdigest()}"


# --- Storing and replaying ---------------------------------------------------------------


def _lookup(key):
    """(current version, stored entry or None), in one round trip when both live in the same cache."""
    store = _version_store()
    cache = caches[CACHE_ALIAS]
    if isinstance(store, _CacheVersion):
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or store.get()
        return version, found.get(key)
    return store.get(), cache.get(key)


def _last_modified(response, previous, now):
    """When this content first appeared: kept from the previous entry while the content is the same."""
    if response.has_header("Last-Modified"):
        return parse_http_date_safe(response["Last-Modified"])  # the view knows better (feeds, sitemap)
    if previous is not None and previous["etag"] == response.get("ETag"):
        return previous["last_modified"]
    # Never the same second as the previous content's, or If-Modified-Since could not tell them apart.
    earliest = previous["last_modified"] + 1 if previous is not None and previous["last_modified"] else 0
    return max(int(now), earliest)


def _store(key, version, response, previous):
    last_modified = _last_modified(response, previous, time.time())
    if last_modified is not None and not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(last_modified)
    entry = {
        "version": version,
        "status": response.status_code,
        "headers": list(response.items()),
        "content": response.content,
        "etag": response.get("ETag"),
        "last_modified": last_modified,
    }
    caches[CACHE_ALIAS].set(key, entry, settings.PAGE_CACHE_TIMEOUT)
    return last_modified


def _replay(request, entry):
    response = HttpResponse(entry["content"], status=entry["status"], headers=dict(entry["headers"]))
    response[STATUS_HEADER] = "hit"
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )


class PageCacheMiddleware:
    """Serves anonymous visitors' public pages from the page cache and sets their caching headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_version.set([])
        try:
            return self._respond(request)
        finally:
            _request_version.reset(token)

    def _respond(self, request):
        if not _is_anonymous_read(request):
            return _keep_private(request, self.get_response(request))

        enabled = settings.PAGE_CACHE_ENABLED
        key = version = previous = None
        if enabled:
            key = page_key(request)
            # The version is read before rendering: a change committed meanwhile leaves this page stale, not kept.
            version, previous = _lookup(key)
            if previous is not None and previous["version"] == version:
                return _replay(request, previous)
            _request_version.get().append(version)

        response = self.get_response(request)
        if not _is_public_page(request, response):
            return _keep_private(request, response)

        if not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        if not response.has_header("ETag"):
            set_response_etag(response)
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if enabled and request.method == "GET":
            # HEAD answers are not stored: a server may leave their body out, and GET's entry serves both.
            last_modified = _store(key, version, response, previous)
            response[STATUS_HEADER] = "miss"
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
