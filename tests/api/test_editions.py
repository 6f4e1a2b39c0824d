"""/api/editions/ and /api/editions/<code>/: what an integrating developer reads."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from meetups.demo import load_demo
from meetups.models import Edition
from tests.factories import EditionFactory, PersonFactory, TalkFactory
from tests.site_data import build_meetup_32

VIENNA = ZoneInfo("Europe/Vienna")


@pytest.fixture
def deck(db):
    return build_meetup_32()


def test_edition_32_with_venue_host_agenda_and_talks(client, deck):
    response = client.get("/api/editions/32/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert {key: data[key] for key in ("code", "number", "kind", "title", "topic", "start_date", "end_date")} == {
        "code": "32",
        "number": 32,
        "kind": "meetup",
        "title": "32nd Vienna Deep Learning Meetup",
        "topic": "Self-Supervised Learning / NeurIPS 2019",
        "start_date": "2020-01-30",
        "end_date": "2020-01-30",
    }
    assert data["start"] == "2020-01-30T18:30:00+01:00"
    assert data["end"] == "2020-01-30T22:00:00+01:00"
    assert data["time_zone"] == "Europe/Vienna"
    assert data["url"] == "http://testserver/meetups/32/"
    assert data["api_url"] == "http://testserver/api/editions/32/"
    assert data["calendar_url"] == "http://testserver/meetups/32/calendar.ics"
    assert data["meetup_url"] == "https://www.meetup.com/Vienna-Deep-Learning-Meetup/events/267684493/"
    assert (data["cancelled"], data["attendance"], data["stream_url"], data["is_upcoming"]) == (
        False,
        "offline",
        None,
        False,
    )
    assert data["venue"] == {
        "name": "Takeda Austria",
        "address": "Industriestraße 67\n1220 Wien",
        "map_url": "https://www.openstreetmap.org/search?query=Industriestra%C3%9Fe%2067%2C%201220%20Wien",
    }
    assert data["host"] == {
        "role": "host",
        "note": "",
        "organisation": {
            "slug": "takeda",
            "name": "Takeda",
            "website": "https://www.takeda.com/de-at/",
            "logo_url": None,
            "url": "http://testserver/sponsors/#takeda",
        },
    }
    assert [(row["role"], row["note"], row["organisation"]["name"]) for row in data["sponsors"]] == [
        ("prize_donor", "Raffle ticket", "ML Prague")
    ]
    assert [person["name"] for person in data["organizers"]] == ["Alex Schindler", "Jan Schlüter", "René Donner"]
    assert data["agenda"][2] == {
        "position": 30,
        "time": "18:55",
        "start": "2020-01-30T18:55:00+01:00",
        "end": "2020-01-30T19:40:00+01:00",
        "kind": "talk",
        "title": "Self-Supervised Deep Learning",
        "talk_slug": "self-supervised-deep-learning",
    }
    assert [(item["time"], item["title"]) for item in data["agenda"]][-1] == ("21:15", "Networking")
    assert [talk["slug"] for talk in data["talks"]] == [
        "self-supervised-deep-learning",
        "report-from-neurips-2019",
        "hot-topics-32",
    ]
    neurips = data["talks"][1]
    assert neurips["speakers"] == [
        {
            "slug": "rene-donner",
            "name": "René Donner",
            "affiliation": "contextflow GmbH",
            "url": "http://testserver/speakers/rene-donner/",
            "api_url": "http://testserver/api/speakers/rene-donner/",
        }
    ]
    assert (neurips["start"], neurips["end"]) == ("2020-01-30T20:10:00+01:00", "2020-01-30T20:50:00+01:00")
    assert neurips["edition"]["api_url"] == "http://testserver/api/editions/32/"


def test_codes_are_case_insensitive_and_unknown_or_draft_codes_are_json_404s(client, db):
    EditionFactory(code="AI", number=None, kind=Edition.Kind.SPECIAL, title="AI and Society")
    EditionFactory(code="77", published=False)

    assert client.get("/api/editions/ai/").json()["title"] == "AI and Society"
    assert client.get("/api/editions/AI/").json()["api_url"] == "http://testserver/api/editions/ai/"
    for code in ("77", "nope"):
        response = client.get(f"/api/editions/{code}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json() == {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": f"No published edition has the code '{code}'.",
        }


def test_the_list_is_paginated_with_absolute_links_that_keep_the_filters(client, db):
    EditionFactory.create_batch(21, start_date=datetime.date(2019, 5, 2))
    EditionFactory(kind=Edition.Kind.WORKSHOP, start_date=datetime.date(2019, 5, 3))

    first = client.get("/api/editions/?kind=meetup").json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()

    assert first["count"] == second["count"] == third["count"] == 21
    assert [len(page["results"]) for page in (first, second, third)] == [10, 10, 1]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/editions/?kind=meetup&page=2"
    assert second["previous"] == "http://testserver/api/editions/?kind=meetup&page=1"
    assert second["next"] == "http://testserver/api/editions/?kind=meetup&page=3"
    assert third["next"] is None
    assert third["previous"] == "http://testserver/api/editions/?kind=meetup&page=2"
    codes = [edition["code"] for page in (first, second, third) for edition in page["results"]]
    assert len(set(codes)) == 21


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=VIENNA), tick=False)
def test_filters_by_year_kind_and_when(client, db):
    EditionFactory(code="60", start_date=datetime.date(2025, 11, 27))
    EditionFactory(code="61", start_date=datetime.date(2026, 1, 29))
    EditionFactory(code="W1", number=1, kind=Edition.Kind.WORKSHOP, start_date=datetime.date(2026, 2, 12))
    EditionFactory(code="62", start_date=datetime.date(2026, 3, 26))
    EditionFactory(code="63", start_date=datetime.date(2026, 4, 30))
    EditionFactory(code="64", start_date=datetime.date(2026, 5, 28), published=False)

    def codes(query):
        response = client.get(f"/api/editions/?{query}")
        assert response.status_code == 200, query
        return [edition["code"] for edition in response.json()["results"]]

    assert codes("") == ["63", "62", "W1", "61", "60"]
    assert codes("year=2026") == ["63", "62", "W1", "61"]
    assert codes("year=2025") == ["60"]
    assert codes("kind=workshop") == ["W1"]
    assert codes("when=upcoming") == ["62", "63"]
    assert codes("when=past") == ["W1", "61", "60"]
    assert codes("when=past&kind=meetup&year=2026") == ["61"]
    assert codes("year=2031") == []


def test_drafts_and_their_talks_never_appear(client, db):
    draft = EditionFactory(code="99", published=False, topic="Not announced yet")
    TalkFactory(edition=draft, slug="secret-talk", speakers=[PersonFactory(name="Secret Speaker", slug="secret")])
    EditionFactory(code="98")

    responses = [client.get(url) for url in ("/api/editions/", "/api/talks/", "/api/speakers/")]

    for response in responses:
        assert response.status_code == 200
        assert b"Not announced yet" not in response.content
        assert b"secret" not in response.content.lower()
    assert client.get("/api/talks/secret-talk/").status_code == 404
    assert client.get("/api/speakers/secret/").status_code == 404


def test_an_edition_without_times_has_dates_and_null_datetimes(client, db):
    EditionFactory(
        code="W2",
        kind=Edition.Kind.WORKSHOP,
        start_date=datetime.date(2018, 12, 4),
        end_date=datetime.date(2018, 12, 5),
        start_time=None,
        end_time=None,
        venue=None,
    )

    data = client.get("/api/editions/w2/").json()

    assert (data["start_date"], data["end_date"], data["start"], data["end"]) == (
        "2018-12-04",
        "2018-12-05",
        None,
        None,
    )
    assert data["venue"] is None
    assert data["host"] is None


def test_summer_time_editions_carry_the_summer_offset(client, db):
    EditionFactory(code="71", start_date=datetime.date(2026, 3, 30))

    data = client.get("/api/editions/71/").json()

    assert data["start"] == "2026-03-30T18:30:00+02:00"


def test_the_demo_data_has_its_upcoming_edition_next(client, db):
    load_demo(archive=())
    demo = Edition.objects.get(code="demo")

    data = client.get("/api/editions/?when=upcoming").json()

    assert data["count"] == 1
    (upcoming,) = data["results"]
    assert upcoming["code"] == "demo"
    assert upcoming["title"] == "Vienna Deep Learning Meetup – demo evening"
    assert upcoming["is_upcoming"] is True
    start = datetime.datetime.combine(demo.start_date, datetime.time(18, 30), tzinfo=VIENNA)
    assert upcoming["start"] == start.isoformat()
    assert upcoming["venue"]["address"] == "Favoritenstraße 9–11, 1040 Wien"
    assert upcoming["host"]["organisation"]["name"] == "TU Wien"
    assert [(item["time"], item["title"]) for item in upcoming["agenda"]][:2] == [
        ("18:30", "Welcome & Introduction"),
        ("18:45", "To be announced"),
    ]
    edition_32 = client.get("/api/editions/32/").json()
    assert edition_32["topic"] == "Self-Supervised Deep Learning / Report from NeurIPS 2019"
    assert [talk["speakers"][0]["affiliation"] for talk in edition_32["talks"]] == [
        "Njinn Technologies",
        "contextflow GmbH",
        "",
    ]


def test_upcoming_and_past_move_with_the_day_and_with_new_editions(client, db):
    # The list's queries are compiled once per filter, page and day: the next day, and a
    # new edition, must show at once.
    EditionFactory(code="61", start_date=datetime.date(2026, 1, 29))
    EditionFactory(code="62", start_date=datetime.date(2026, 3, 26))

    def codes(query):
        return [edition["code"] for edition in client.get(f"/api/editions/?{query}").json()["results"]]

    with time_machine.travel(datetime.datetime(2026, 3, 26, 12, 0, tzinfo=VIENNA), tick=False):
        assert codes("when=upcoming") == ["62"]
        assert codes("when=past") == ["61"]
    with time_machine.travel(datetime.datetime(2026, 3, 27, 12, 0, tzinfo=VIENNA), tick=False):
        assert codes("when=upcoming") == []
        assert codes("when=past") == ["62", "61"]
        EditionFactory(code="63", start_date=datetime.date(2026, 4, 30))
        assert codes("when=upcoming") == ["63"]
        assert codes("") == ["63", "62", "61"]
        assert client.get("/api/editions/?page_size=2&page=2").json()["count"] == 3
