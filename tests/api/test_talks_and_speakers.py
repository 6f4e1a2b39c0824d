"""/api/talks/ and /api/speakers/ (and their detail endpoints)."""

import datetime

import pytest

from talks.models import Talk
from tests.factories import EditionFactory, PersonFactory, TalkFactory
from tests.site_data import build_meetup_32


@pytest.fixture
def deck(db):
    return build_meetup_32()


def test_a_talk_has_its_speakers_slot_and_edition(client, deck):
    data = client.get("/api/talks/self-supervised-deep-learning/").json()

    assert data == {
        "slug": "self-supervised-deep-learning",
        "title": "Self-Supervised Deep Learning",
        "subtitle": "",
        "kind": "talk",
        "abstract": "This talk introduces **self-supervised** and semi-supervised learning in general.",
        "url": "http://testserver/talks/self-supervised-deep-learning/",
        "api_url": "http://testserver/api/talks/self-supervised-deep-learning/",
        "slides_url": "https://github.com/vdlm/meetups/blob/master/Meetups/Meetup_32/slides/bonitz.pdf",
        "video_url": "https://www.youtube.com/watch?v=GSMh5fw2Mjo",
        "start": "2020-01-30T18:55:00+01:00",
        "end": "2020-01-30T19:40:00+01:00",
        "speakers": [
            {
                "slug": "christoph-bonitz",
                "name": "Christoph Bonitz",
                "affiliation": "Njinn Technologies",
                "url": "http://testserver/speakers/christoph-bonitz/",
                "api_url": "http://testserver/api/speakers/christoph-bonitz/",
            }
        ],
        "edition": {
            "code": "32",
            "title": "32nd Vienna Deep Learning Meetup",
            "start_date": "2020-01-30",
            "start": "2020-01-30T18:30:00+01:00",
            "url": "http://testserver/meetups/32/",
            "api_url": "http://testserver/api/editions/32/",
        },
        "updated_at": data["updated_at"],
    }
    assert datetime.datetime.fromisoformat(data["updated_at"]) == deck.self_supervised.updated_at.replace(
        microsecond=0
    )


def test_talks_filter_by_year_and_kind(client, deck):
    TalkFactory(edition=EditionFactory(start_date=datetime.date(2021, 3, 11)), slug="later", title="Later talk")

    def slugs(query):
        response = client.get(f"/api/talks/?{query}")
        assert response.status_code == 200, query
        return [talk["slug"] for talk in response.json()["results"]]

    assert slugs("") == ["later", "hot-topics-32", "report-from-neurips-2019", "self-supervised-deep-learning"]
    assert slugs("year=2020") == ["hot-topics-32", "report-from-neurips-2019", "self-supervised-deep-learning"]
    assert slugs("kind=conference_report") == ["report-from-neurips-2019"]
    assert slugs("year=2021&kind=talk") == ["later"]


def test_a_speaker_has_current_affiliation_and_each_talk_with_the_affiliation_then(client, deck):
    deck.donner.affiliation = "Somewhere new"
    deck.donner.save()

    data = client.get("/api/speakers/rene-donner/").json()

    assert data["name"] == "René Donner"
    assert data["affiliation"] == "Somewhere new"
    assert data["url"] == "http://testserver/speakers/rene-donner/"
    assert data["talks"] == [
        {
            "slug": "report-from-neurips-2019",
            "title": "Report from NeurIPS 2019",
            "kind": "conference_report",
            "affiliation": "contextflow GmbH",
            "url": "http://testserver/talks/report-from-neurips-2019/",
            "api_url": "http://testserver/api/talks/report-from-neurips-2019/",
            "edition": {
                "code": "32",
                "title": "32nd Vienna Deep Learning Meetup",
                "start_date": "2020-01-30",
                "start": "2020-01-30T18:30:00+01:00",
                "url": "http://testserver/meetups/32/",
                "api_url": "http://testserver/api/editions/32/",
            },
        }
    ]


def test_speakers_are_people_with_public_talks_and_never_show_an_email(client, deck):
    PersonFactory(name="Only Organizes", slug="only-organizes", email="private@example.org")
    deck.bonitz.email = "christoph@example.org"
    deck.bonitz.save()

    response = client.get("/api/speakers/")

    assert [person["slug"] for person in response.json()["results"]] == [
        "christoph-bonitz",
        "michael-pieler",
        "rene-donner",
    ]
    assert b"@example.org" not in response.content
    assert client.get("/api/speakers/alex-schindler/").status_code == 404


def test_speakers_filter_by_the_year_and_kind_of_their_talks(client, deck):
    later = EditionFactory(start_date=datetime.date(2021, 3, 11))
    TalkFactory(edition=later, kind=Talk.Kind.LIGHTNING, speakers=[deck.bonitz, PersonFactory(slug="newcomer")])

    def slugs(query):
        return [person["slug"] for person in client.get(f"/api/speakers/?{query}").json()["results"]]

    assert slugs("year=2021") == ["christoph-bonitz", "newcomer"]
    assert slugs("kind=hot_topics") == ["michael-pieler"]
    assert slugs("year=2020&kind=lightning") == []
    # A filtered speaker still lists all their public talks.
    bonitz = client.get("/api/speakers/?year=2021").json()["results"][0]
    assert [talk["edition"]["start_date"] for talk in bonitz["talks"]] == ["2021-03-11", "2020-01-30"]
