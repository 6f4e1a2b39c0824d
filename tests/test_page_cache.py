"""The page cache (vdlm/page_cache.py): anonymous visitors get cached public pages, and
every change (admin, import, draw, entry) makes them fresh on the very next request;
nothing personal or CSRF-bearing is ever shared.

The tests' settings switch the cache off; the `page_cache` fixture switches it on.
"""

import datetime
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db.models.signals import post_save
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from contributions.services import proposal_url
from meetups.models import Edition, SiteProfile
from raffles import services as raffle_services
from raffles.models import Raffle
from tests.admin_forms import edition_form_data
from tests.factories import PersonFactory, ProposalFactory, RaffleEntryFactory, RaffleFactory, SuperUserFactory
from tests.site_data import build_meetup_32
from vdlm import page_cache
from vdlm.spam import rendered_at_token

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE_2019 = ROOT / "tests" / "data" / "vdlm-meetups" / "README-018f447.md"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    caches[page_cache.CACHE_ALIAS].clear()
    yield
    caches[page_cache.CACHE_ALIAS].clear()


@pytest.fixture
def site():
    """#32 as the next meetup (in a week), with its raffle open and its job ad active."""
    data = build_meetup_32(day=timezone.localdate() + datetime.timedelta(days=7))
    Raffle.objects.filter(pk=data.raffle.pk).update(opens_at=timezone.now() - datetime.timedelta(hours=1))
    page_cache.content_changed()  # the update() above bypassed the signals, as tests may
    SiteProfile.load()  # created by the first page otherwise, which would make that page stale at once
    return data


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(SuperUserFactory())
    return client


def _status(response):
    return response.get(page_cache.STATUS_HEADER)


def _stored(url):
    return caches[page_cache.CACHE_ALIAS].get(page_cache.page_key(RequestFactory().get(url)))


# --- Served from the cache ---------------------------------------------------------------


@pytest.mark.usefixtures("page_cache_on", "site")
def test_a_public_page_is_rendered_once_then_served_without_a_query(django_assert_num_queries):
    visitor, other = Client(), Client()
    first = visitor.get("/")
    assert (first.status_code, _status(first)) == (200, "miss")
    with django_assert_num_queries(0):
        second = other.get("/")
    assert (second.status_code, _status(second)) == (200, "hit")
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == first["Cache-Control"] == "public, max-age=60"
    assert second["X-Frame-Options"] == "DENY"  # the headers of the middleware below come back too


@pytest.mark.usefixtures("page_cache_on", "site")
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/meetups/",
        "/meetups/32/",
        "/talks/",
        "/talks/self-supervised-deep-learning/",
        "/speakers/",
        "/speakers/christoph-bonitz/",
        "/sponsors/",
        "/jobs/",
        "/jobs/lead-data-engineer/",
        "/meetups/feed/",
        "/talks/feed/atom/",
        "/meetups/calendar.ics",
        "/meetups/32/calendar.ics",
        "/meetups/32/deck/",
        "/api/editions/",
        "/api/talks/self-supervised-deep-learning/",
        "/sitemap.xml",
        "/robots.txt",
        "/privacy/",
    ],
)
def test_every_public_page_is_cached(client, url):
    assert _status(client.get(url)) == "miss"
    repeated = Client().get(url)
    assert (repeated.status_code, _status(repeated)) == (200, "hit")


@pytest.mark.usefixtures("page_cache_on", "site")
def test_the_key_is_the_page_whatever_the_order_of_its_parameters(client):
    year = timezone.localdate().year
    client.get(f"/meetups/?year={year}&kind=meetup")
    assert _status(client.get(f"/meetups/?kind=meetup&year={year}")) == "hit"
    assert _status(client.get("/meetups/?kind=meetup")) == "miss"
    assert _status(client.get("/meetups/", HTTP_HOST="localhost")) == "miss"  # absolute links name the host
    assert _status(client.head("/meetups/?kind=meetup")) == "hit"


@pytest.mark.usefixtures("page_cache_on", "site")
def test_pages_expire_after_the_timeout_even_without_a_change(client, settings):
    """Some pages change with the clock alone: the next meetup becomes the last one."""
    if not isinstance(caches[page_cache.CACHE_ALIAS], LocMemCache):
        pytest.skip("REDIS_URL is set: Redis expires the pages by its own clock, which time travel cannot move")
    client.get("/")
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=59)):
        assert _status(client.get("/")) == "hit"
    with time_machine.travel(
        datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=settings.PAGE_CACHE_TIMEOUT + 1)
    ):
        assert _status(client.get("/")) == "miss"


@pytest.mark.usefixtures("site")
def test_the_flag_turns_the_cache_off(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get("/")
    response = client.get("/")
    assert _status(response) is None
    assert response["Cache-Control"] == "public, max-age=60"  # the headers stay


@pytest.mark.usefixtures("page_cache_on", "site")
def test_errors_are_not_cached(client):
    for url in ["/meetups/404/", "/api/talks/?page=0", "/jobs/no-such-job/"]:
        first = client.get(url)
        assert first.status_code in (400, 404)
        assert _status(client.get(url)) is None
        assert _stored(url) is None


# --- Fresh after every change ------------------------------------------------------------------


def _topic(client, url):
    return client.get(url).content.decode()


@pytest.mark.usefixtures("page_cache_on")
def test_an_edition_edited_in_the_admin_shows_on_the_next_request(site, staff_client):
    visitor = Client()
    pages = ["/meetups/32/", "/", "/meetups/"]
    for url in pages:
        assert "Self-Supervised Learning / NeurIPS 2019" in _topic(visitor, url)
        assert _status(visitor.get(url)) == "hit"

    edition = site.edition
    data = edition_form_data(edition)
    data["topic"] = "Diffusion models, explained"
    response = staff_client.post(reverse("admin:meetups_edition_change", args=[edition.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    for url in pages:
        response = visitor.get(url)
        assert _status(response) == "miss", url
        assert "Diffusion models, explained" in response.content.decode(), url
        assert "Self-Supervised Learning / NeurIPS 2019" not in response.content.decode(), url


@pytest.mark.usefixtures("page_cache_on", "site")
def test_an_archive_import_shows_on_the_next_request(client):
    assert "Tomáš Mikolov" not in _topic(client, "/speakers/?q=Mikolov")
    assert _status(client.get("/speakers/?q=Mikolov")) == "hit"
    call_command("import_archive", str(ARCHIVE_2019), stdout=io.StringIO())
    response = client.get("/speakers/?q=Mikolov")
    assert _status(response) == "miss"
    assert "Tomáš Mikolov" in response.content.decode()


@pytest.mark.usefixtures("page_cache_on")
def test_a_draw_shows_on_the_next_request(client, site):
    raffle = site.raffle
    now = timezone.now()
    Raffle.objects.filter(pk=raffle.pk).update(opens_at=now - datetime.timedelta(days=2), closes_at=now)
    RaffleEntryFactory(raffle=raffle, answer="Chollet", confirmed_at=now)
    page = "/meetups/32/"
    assert "been drawn" not in _topic(client, page)
    assert _status(client.get(page)) == "hit"
    raffle_services.draw(raffle)
    response = client.get(page)
    assert _status(response) == "miss"
    assert "Closed: the winner has been drawn." in response.content.decode()


@pytest.mark.usefixtures("page_cache_on", "site")
def test_raffle_entries_leave_the_cached_pages_cached(client, settings, django_capture_on_commit_callbacks):
    """Raffle night: entries arrive every second and change nothing a cached page shows."""
    settings.SPAM_MIN_FILL_SECONDS = 0
    pages = ["/", "/meetups/32/", "/meetups/32/deck/", "/api/editions/32/"]
    for page in pages:
        client.get(page)
    entrant = Client()
    form = {
        "email": "ada@example.org",
        "answer": "Chollet",
        "consent": "on",
        "website": "",
        "rendered_at": rendered_at_token(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = entrant.post("/raffles/ml-prague-2020/", form)
    assert "Thank you for entering!" in response.content.decode()
    for page in pages:
        response = client.get(page)
        assert _status(response) == "hit", page
        assert b"ada@example.org" not in response.content


def test_no_cached_view_can_show_raffle_entries():
    """Guards UNWATCHED_MODELS: the raffle's pages (entry counts once closed) are never cached."""
    assert "raffles.raffleentry" in page_cache.UNWATCHED_MODELS
    assert not [view for view in page_cache.PUBLIC_VIEWS if view.startswith("raffles:")]


def test_every_model_of_the_public_pages_changes_the_version():
    """Saves, deletions and many-to-many changes of every watched model, and nothing else."""
    watched = [
        model
        for label in page_cache.WATCHED_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label_lower not in page_cache.UNWATCHED_MODELS
    ]
    assert len(watched) >= 15
    for model in watched:
        before = page_cache.content_version()
        post_save.send(sender=model, instance=model(), created=True, raw=False, using="default")
        assert page_cache.content_version() != before, model

    edition = Edition.objects.create(code="x1", start_date=timezone.localdate())
    before = page_cache.content_version()
    edition.organizers.add(PersonFactory())
    assert page_cache.content_version() != before

    before = page_cache.content_version()
    ProposalFactory()  # private: no public page shows a proposal
    SuperUserFactory()
    assert page_cache.content_version() == before
    raffle = RaffleFactory()
    assert page_cache.content_version() != before  # the raffle itself changes the version...
    before = page_cache.content_version()
    RaffleEntryFactory(raffle=raffle)  # ...its entries do not
    assert page_cache.content_version() == before


def test_a_change_inside_a_transaction_bumps_again_when_it_commits(django_capture_on_commit_callbacks):
    """A request may read the new version before the commit and render the old rows: the commit must bump too."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        PersonFactory()
        during = page_cache.content_version()
        PersonFactory()
        PersonFactory()
    assert callbacks.count(page_cache._bump_after_commit) == 1  # once per transaction, however many rows
    assert page_cache.content_version() != during


@pytest.mark.usefixtures("page_cache_on", "site")
def test_a_change_in_another_process_makes_this_one_fresh(client, settings):
    """Workers and management commands (cron, a shell) are separate processes sharing one version."""
    if not settings.PAGE_CACHE_VERSION_FILE:
        pytest.skip("REDIS_URL is set: the version lives in Redis, shared by every process anyway")
    client.get("/")
    assert _status(client.get("/")) == "hit"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PAGE_CACHE_VERSION_FILE": settings.PAGE_CACHE_VERSION_FILE,
    }
    script = "import django; django.setup(); from vdlm.page_cache import content_changed; content_changed()"
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60)
    assert _status(client.get("/")) == "miss"


@pytest.mark.usefixtures("page_cache_on", "site")
def test_without_a_version_file_the_version_lives_in_the_cache(client, settings):
    """The Redis set-up (REDIS_URL): pages and version in the same shared cache."""
    settings.PAGE_CACHE_VERSION_FILE = ""
    client.get("/")
    assert _status(client.get("/")) == "hit"
    PersonFactory()
    assert _status(client.get("/")) == "miss"
    assert _status(client.get("/")) == "hit"


# --- Never shared ----------------------------------------------------------------------------


@pytest.mark.usefixtures("page_cache_on", "site")
def test_the_raffle_form_is_never_shared_between_visitors():
    first, second = Client(), Client()
    pages = [first.get("/raffles/ml-prague-2020/"), second.get("/raffles/ml-prague-2020/")]
    tokens = [CSRF_FIELD.search(page.content.decode()).group(1) for page in pages]
    cookies = [client.cookies["csrftoken"].value for client in (first, second)]
    assert tokens[0] != tokens[1] and cookies[0] != cookies[1]
    for page in pages:
        assert _status(page) is None
        assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
        assert "ETag" not in page
    assert _stored("/raffles/ml-prague-2020/") is None
    # A visitor who already has the cookie gets a token for it: still personal, still not stored.
    again = first.get("/raffles/ml-prague-2020/")
    assert CSRF_FIELD.search(again.content.decode()).group(1) not in tokens
    assert _status(again) is None and _stored("/raffles/ml-prague-2020/") is None


@pytest.mark.usefixtures("page_cache_on")
def test_confirmation_and_proposal_links_are_never_shared(client, site):
    entry = RaffleEntryFactory(raffle=site.raffle)
    proposal = ProposalFactory()
    urls = [raffle_services.confirmation_url(entry), proposal_url(proposal), "/contribute/"]
    for url in urls:
        for visitor in (Client(), Client()):
            response = visitor.get(url)
            assert response.status_code == 200, url
            assert _status(response) is None, url
            assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"], url
        assert _stored(url) is None, url


@pytest.mark.usefixtures("page_cache_on")
def test_an_organizers_page_never_reaches_a_visitor(site, staff_client):
    visitor = Client()
    staff_page = staff_client.get("/meetups/32/")
    assert "Present the deck" in staff_page.content.decode()
    assert "private" in staff_page["Cache-Control"] and "public" not in staff_page["Cache-Control"]
    assert _stored("/meetups/32/") is None
    public_page = visitor.get("/meetups/32/")
    assert _status(public_page) == "miss"
    assert "Present the deck" not in public_page.content.decode()

    # And the other way round: a cached page never hides the organizer's buttons.
    assert _status(visitor.get("/meetups/32/")) == "hit"
    again = staff_client.get("/meetups/32/")
    assert _status(again) is None
    assert "Present the deck" in again.content.decode()

    draft = Edition.objects.create(code="34", number=34, start_date=timezone.localdate() + datetime.timedelta(days=40))
    assert "Only organizers can see this page" in staff_client.get("/meetups/34/").content.decode()
    assert visitor.get("/meetups/34/").status_code == 404
    assert draft.pk and _stored("/meetups/34/") is None


@pytest.mark.usefixtures("page_cache_on", "site")
def test_any_session_cookie_gets_a_fresh_private_page(client):
    client.get("/")
    client.cookies["sessionid"] = "not-a-session"
    response = client.get("/")
    assert _status(response) is None
    assert "private" in response["Cache-Control"]


@pytest.mark.usefixtures("page_cache_on", "site")
def test_posts_are_never_cached(client, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    form = {"email": "x@example.org", "answer": "Hinton", "consent": "on", "rendered_at": rendered_at_token()}
    for _ in range(2):
        response = Client().post("/raffles/ml-prague-2020/", form)
        assert _status(response) is None
    assert Raffle.objects.get(slug="ml-prague-2020").entries.count() == 1

