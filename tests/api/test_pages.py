"""Pages of the lists: 10 results unless ?page_size=N (1 to 50) asks for another number,
and every item of a list exactly the JSON of its detail endpoint."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch
from django.utils import timezone

from api.serializers import Output
from meetups.demo import load_demo
from meetups.models import Edition
from meetups.schedule import iso
from tests.factories import AgendaItemFactory, EditionFactory, PersonFactory, TalkFactory
from tests.site_data import build_archive, build_meetup_32
from vdlm.links import absolute, path_to


def _walk(client, url):
    """Every page from `url` on, following `next`."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.json())
        url = pages[-1]["next"]
    return pages


def test_a_list_has_pages_of_10_by_default(client, db):
    edition = EditionFactory(start_date=datetime.date(2020, 1, 30))
    TalkFactory.create_batch(13, edition=edition)

    first, second = _walk(client, "/api/talks/")

    assert (first["count"], len(first["results"]), first["previous"]) == (13, 10, None)
    assert first["next"] == "http://testserver/api/talks/?page=2"
    assert (second["count"], len(second["results"]), second["next"]) == (13, 3, None)
    assert second["previous"] == "http://testserver/api/talks/?page=1"
    titles = [talk["title"] for page in (first, second) for talk in page["results"]]
    assert titles == sorted(titles)
    assert len(set(titles)) == 13


def test_page_size_is_respected_and_kept_in_the_links_with_the_filters(client, db):
    EditionFactory.create_batch(7, start_date=datetime.date(2019, 5, 2))
    EditionFactory(kind=Edition.Kind.WORKSHOP, start_date=datetime.date(2019, 5, 3))

    pages = _walk(client, "/api/editions/?page_size=3&kind=meetup")

    assert [len(page["results"]) for page in pages] == [3, 3, 1]
    assert {page["count"] for page in pages} == {7}
    assert pages[0]["next"] == "http://testserver/api/editions/?page_size=3&kind=meetup&page=2"
    assert pages[2]["previous"] == "http://testserver/api/editions/?page_size=3&kind=meetup&page=2"
    (everything,) = _walk(client, "/api/editions/?page_size=50&kind=meetup")
    assert [row["code"] for page in pages for row in page["results"]] == [row["code"] for row in everything["results"]]


def test_page_size_goes_up_to_50(client, db):
    edition = EditionFactory()
    TalkFactory.create_batch(51, edition=edition)

    pages = _walk(client, "/api/talks/?page_size=50")

    assert [len(page["results"]) for page in pages] == [50, 1]
    assert pages[1]["previous"] == "http://testserver/api/talks/?page_size=50&page=1"
    assert len(client.get("/api/talks/?page_size=1").json()["results"]) == 1


def test_pages_of_any_size_list_the_same_rows_in_the_same_order(client, db):
    """The page is picked by a subquery of keys, then read: no row lost or doubled at page edges."""
    speakers = PersonFactory.create_batch(9)
    build_archive(3, talks_per_edition=5, speakers=speakers)
    for edition in Edition.objects.all():  # ties in the order: same date, same title
        EditionFactory(start_date=edition.start_date, start_time=edition.start_time)
        TalkFactory.create_batch(2, edition=edition, title="Same title", speakers=[PersonFactory(name="Same Name")])

    for url in ("/api/editions/", "/api/talks/", "/api/speakers/", "/api/editions/?when=past"):
        (whole,) = _walk(client, f"{url}{'&' if '?' in url else '?'}page_size=50")
        for size in (1, 4, 7):
            pages = _walk(client, f"{url}{'&' if '?' in url else '?'}page_size={size}")
            assert [row for page in pages for row in page["results"]] == whole["results"], (url, size)


@pytest.fixture
def site(db):
    build_meetup_32()
    load_demo(archive=())  # a second #32, the upcoming demo edition
    people = PersonFactory.create_batch(6)
    build_archive(2, talks_per_edition=3, speakers=people)
    # No venue, no times, two days; a special event named by its topic; a DST switch day.
    EditionFactory(
        code="W2",
        kind=Edition.Kind.WORKSHOP,
        number=2,
        start_date=datetime.date(2018, 12, 4),
        end_date=datetime.date(2018, 12, 5),
        start_time=None,
        end_time=None,
        venue=None,
    )
    EditionFactory(code="AI", kind=Edition.Kind.SPECIAL, number=None, title="", topic="AI and Society")
    switch = EditionFactory(code="D1", start_date=datetime.date(2026, 10, 25), start_time=datetime.time(1, 0))
    on_agenda = TalkFactory(edition=switch, title="Same", speakers=[people[0], people[1]])
    TalkFactory(edition=switch, title="Same", speakers=[])
    AgendaItemFactory(edition=switch, position=1, start_time=datetime.time(1, 30), talk=on_agenda)
    AgendaItemFactory(edition=switch, position=2, start_time=None)
    AgendaItemFactory(edition=switch, position=3, start_time=datetime.time(2, 30), talk=on_agenda)
    AgendaItemFactory(edition=switch, position=4, start_time=datetime.time(3, 30))
    TalkFactory(edition=EditionFactory(code="99", published=False), speakers=[people[0]])


def test_every_list_item_is_the_json_of_its_detail_endpoint(client, site, subtests):
    for url in ("/api/editions/", "/api/talks/", "/api/speakers/"):
        (page,) = _walk(client, f"{url}?page_size=50")
        assert page["results"]
        for item in page["results"]:
            with subtests.test(url=item["api_url"]):
                assert client.get(item["api_url"]).json() == item


def test_the_talks_inside_an_edition_are_the_talk_endpoints_but_for_their_slot(client, site):
    """An edition's talk carries its own (last) slot on that agenda, /api/talks/<slug>/ its first."""
    for edition in client.get("/api/editions/?page_size=50").json()["results"]:
        for talk in edition["talks"]:
            alone = client.get(talk["api_url"]).json()
            assert {**alone, "start": None, "end": None} == {**talk, "start": None, "end": None}
    talk = client.get("/api/editions/d1/").json()["talks"][0]
    assert (talk["start"], talk["end"]) == ("2026-10-25T02:30:00+02:00", "2026-10-25T03:30:00+01:00")
    alone = client.get(talk["api_url"]).json()
    assert (alone["start"], alone["end"]) == ("2026-10-25T01:30:00+02:00", "2026-10-25T02:30:00+02:00")


def test_output_builds_the_links_reverse_and_build_absolute_uri_build(db):
    request = RequestFactory().get("/api/talks/")
    out = Output(request)

    for slug in ("a-talk", "talk_with_underscores", "UPPER-case-2", "7"):
        assert out.talk_page(slug) == absolute(request, path_to("talks:talk_detail", slug=slug))
        assert out.speaker_api(slug) == absolute(request, path_to("api:speaker_detail", slug=slug))
    assert out.edition_calendar("ai") == "http://testserver/meetups/ai/calendar.ics"
    for bad in ("a b", "ünï", ""):
        with pytest.raises(NoReverseMatch):
            out.talk_api(bad)
    assert out.file(Edition, "intro_slides", "") is None
    assert out.file(Edition, "intro_slides", "slides/editions/a b.pdf") == request.build_absolute_uri(
        "/media/slides/editions/a%20b.pdf"
    )


def test_output_writes_datetimes_as_iso_does(db):
    out = Output(RequestFactory().get("/api/"))
    vienna = timezone.get_default_timezone()
    for moment in (
        datetime.datetime(2026, 1, 12, 9, 4, 51, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2026, 7, 12, 22, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 10, 25, 2, 30, tzinfo=vienna),
        datetime.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=vienna),
        datetime.datetime(2026, 3, 29, 2, 30, tzinfo=vienna),
        datetime.datetime(2026, 3, 29, 2, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
    ):
        assert out.moment(moment) == iso(moment), moment
