"""The deck costs a fixed, small number of SQL queries, however large the archive."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decks.models import DeckSettings, DeckSlide
from meetups.models import AgendaItem
from talks.models import Talk
from tests.factories import AgendaItemFactory, PersonFactory, TalkFactory, TalkSourceFactory
from tests.site_data import build_archive

pytestmark = pytest.mark.django_db

# The edition (with settings, host and stats), the next one (with its host), the archive table,
# talks with speakers and sources, agenda, announcements, organizers, job ads with their items,
# raffles and free slides.
MAX_QUERIES = 10


def _with_everything(edition, speakers):
    """What build_archive leaves out: hot topics with sources, their agenda slots and a free slide."""
    AgendaItemFactory(edition=edition, position=95, kind=AgendaItem.Kind.ANNOUNCEMENTS, title="Announcements")
    hot = TalkFactory(edition=edition, kind=Talk.Kind.HOT_TOPICS, speakers=speakers[:2])
    TalkSourceFactory.create_batch(3, talk=hot)
    AgendaItemFactory(edition=edition, position=99, kind=AgendaItem.Kind.HOT_TOPICS, title="Hot topics", talk=hot)
    DeckSlide.objects.create(edition=edition, placement=DeckSlide.Placement.END, title="Thanks")


def _count(client, url):
    """The queries of the deck built from the database: its slides' fragment is not kept yet."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_deck_costs_the_same_few_queries_with_one_edition_or_thirty(client, django_assert_num_queries):
    today = timezone.localdate()
    speakers = PersonFactory.create_batch(40)
    (edition,) = build_archive(1, first_day=today + datetime.timedelta(days=7), speakers=speakers)
    (following,) = build_archive(1, first_day=today + datetime.timedelta(weeks=5), speakers=speakers)
    _with_everything(edition, speakers)
    url = f"/meetups/{edition.code}/deck/"
    client.get(url)  # the site profile is cached from now on, as on a running site
    small = _count(client, url)
    assert small <= MAX_QUERIES, f"the deck needs {small} queries"

    past = build_archive(29, first_day=today - datetime.timedelta(days=1), speakers=speakers)
    for other in past[:5]:
        _with_everything(other, speakers)
    # New content: each process reads the site profile once more (SiteProfile.cached), then never.
    client.get(url)
    cache.clear()
    with django_assert_num_queries(small):
        response = client.get(url)
    slides = response.context["slides"]
    # The large data really is on the deck: a full archive table, 8 talks × 2 speakers on the agenda.
    archive = next(slide for slide in slides if slide.kind == "archive")
    assert len(archive.data["rows"]) == 9
    agenda = next(slide for slide in slides if slide.kind == "agenda")
    assert sum(len(row["speakers"]) for row in agenda.data["rows"]) == 8 * 2 + 2
    assert slides[-1].kind == "free"
    assert following.code in slides[-2].data["edition"].code


def test_sections_the_organizers_skip_are_not_read(client, django_assert_num_queries):
    today = timezone.localdate()
    (edition,) = build_archive(1, first_day=today + datetime.timedelta(days=7))
    _with_everything(edition, PersonFactory.create_batch(2))
    url = f"/meetups/{edition.code}/deck/"
    client.get(url)
    everything = _count(client, url)

    DeckSettings.objects.create(
        edition=edition,
        show_organizers=False,
        show_announcements=False,
        show_archive=False,
        show_raffles=False,
        show_jobs=False,
        show_sources=False,
    )
    client.get(url)
    cache.clear()
    # Left: the edition (with its host and stats), the next edition (with its host), the talks
    # with their speakers, the agenda and the free slides; not the archive table.
    with django_assert_num_queries(5):
        response = client.get(url)
    assert everything == MAX_QUERIES
    assert [slide.kind for slide in response.context["slides"]][:2] == ["title", "agenda"]


def test_kept_slides_cost_one_query_and_every_change_shows_at_once(client, django_assert_num_queries):
    today = timezone.localdate()
    (edition,) = build_archive(1, first_day=today + datetime.timedelta(days=7))
    url = f"/meetups/{edition.code}/deck/"
    first = client.get(url).content
    with django_assert_num_queries(1):  # the edition: the slides are kept rendered
        assert client.get(url).content == first

    item = AgendaItem.objects.filter(edition=edition).order_by("position").first()
    item.title = "A title changed in the admin"
    item.save()
    page = client.get(url).content.decode()
    assert "A title changed in the admin" in page

    # Another host gets its own slides: the QR codes hold absolute links.
    slides = client.get(url, HTTP_HOST="localhost").content.decode().partition("<main")[2]
    assert "http://localhost/" in slides
    assert "http://localhost/" not in page
