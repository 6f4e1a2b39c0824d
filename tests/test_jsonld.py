"""schema.org JSON-LD on edition and talk pages, read back from the rendered HTML.

Google's event rich results require name, startDate and location, and
recommend description, endDate, eventStatus, eventAttendanceMode, image,
offers, organizer and performer: every event page must have all of them.
"""

import datetime
import json
from html.parser import HTMLParser
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from meetups.models import Edition
from tests.factories import EditionFactory, SponsorshipFactory, TalkFactory, VenueFactory
from tests.site_data import build_meetup_32

VIENNA = ZoneInfo("Europe/Vienna")
REQUIRED = {"name", "startDate", "location"}
RECOMMENDED = {
    "description",
    "endDate",
    "eventStatus",
    "eventAttendanceMode",
    "image",
    "offers",
    "organizer",
    "performer",
}
TAKEDA_PLACE = {
    "@type": "Place",
    "name": "Takeda Austria",
    "address": {
        "@type": "PostalAddress",
        "streetAddress": "Industriestraße 67",
        "postalCode": "1220",
        "addressLocality": "Wien",
        "addressCountry": "AT",
    },
}


class _JsonLd(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks, self._inside = [], False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.blocks[-1] += data


def json_ld(response):
    assert response.status_code == 200
    parser = _JsonLd()
    parser.feed(response.content.decode())
    return [json.loads(block) for block in parser.blocks]


def _png():
    buffer = BytesIO()
    Image.new("RGB", (600, 300), (0, 80, 160)).save(buffer, "PNG")
    return SimpleUploadedFile("takeda.png", buffer.getvalue())


@pytest.fixture
def before_32(db):
    """Ten days before #32: the evening is upcoming and open to everyone."""
    with time_machine.travel(datetime.datetime(2020, 1, 20, 9, 0, tzinfo=VIENNA), tick=False):
        deck = build_meetup_32()
        deck.takeda.logo = _png()
        deck.takeda.save()
        yield deck


def test_edition_32_is_an_event_with_every_property_google_asks_for(client, before_32):
    (event,) = json_ld(client.get("/meetups/32/"))

    assert set(event) >= REQUIRED | RECOMMENDED
    assert event["@context"] == "https://schema.org"
    assert event["@type"] == "Event"
    assert event["name"] == "32nd Vienna Deep Learning Meetup"
    assert event["url"] == "http://testserver/meetups/32/"
    assert event["description"] == (
        "Self-Supervised Learning / NeurIPS 2019. Dear Deep Learners, "
        "We are happy to invite you to the first meetup of 2020!"
    )
    assert event["startDate"] == "2020-01-30T18:30:00+01:00"
    assert event["endDate"] == "2020-01-30T22:00:00+01:00"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert event["location"] == TAKEDA_PLACE
    assert event["image"] == [f"http://testserver{before_32.takeda.logo.url}"]
    assert event["organizer"] == {
        "@type": "Organization",
        "name": "Vienna Deep Learning Meetup",
        "url": "http://testserver/",
    }
    assert event["sponsor"] == [
        {
            "@type": "Organization",
            "name": "Takeda",
            "url": "https://www.takeda.com/de-at/",
            "logo": f"http://testserver{before_32.takeda.logo.url}",
        },
        {"@type": "Organization", "name": "ML Prague", "url": "https://mlprague.com/"},
    ]
    assert event["performer"] == [
        {
            "@type": "Person",
            "name": "Christoph Bonitz",
            "url": "http://testserver/speakers/christoph-bonitz/",
            "affiliation": {"@type": "Organization", "name": "Njinn Technologies"},
        },
        {
            "@type": "Person",
            "name": "René Donner",
            "url": "http://testserver/speakers/rene-donner/",
            "affiliation": {"@type": "Organization", "name": "contextflow GmbH"},
        },
        {"@type": "Person", "name": "Michael Pieler", "url": "http://testserver/speakers/michael-pieler/"},
    ]
    assert event["offers"] == {
        "@type": "Offer",
        "price": "0",
        "priceCurrency": "EUR",
        "availability": "https://schema.org/InStock",
        "url": "https://www.meetup.com/Vienna-Deep-Learning-Meetup/events/267684493/",
    }
    assert event["isAccessibleForFree"] is True


def test_the_talks_are_sub_events_with_their_slot_and_speakers(client, before_32):
    (event,) = json_ld(client.get("/meetups/32/"))

    assert [
        (talk["name"], talk.get("startDate"), talk.get("endDate"), [person["name"] for person in talk["performer"]])
        for talk in event["subEvent"]
    ] == [
        (
            "Self-Supervised Deep Learning",
            "2020-01-30T18:55:00+01:00",
            "2020-01-30T19:40:00+01:00",
            ["Christoph Bonitz"],
        ),
        ("Report from NeurIPS 2019", "2020-01-30T20:10:00+01:00", "2020-01-30T20:50:00+01:00", ["René Donner"]),
        ("Hot Topics and Latest News", "2020-01-30T20:50:00+01:00", "2020-01-30T21:15:00+01:00", ["Michael Pieler"]),
    ]
    assert all(talk["@type"] == "Event" and talk["location"] == TAKEDA_PLACE for talk in event["subEvent"])
    assert event["subEvent"][0]["url"] == "http://testserver/talks/self-supervised-deep-learning/"


def test_a_talk_without_a_slot_on_the_agenda_has_no_start_date(client, db):
    edition = EditionFactory(code="44")
    TalkFactory(edition=edition, title="Unscheduled")

    (event,) = json_ld(client.get("/meetups/44/"))

    assert event["subEvent"][0]["name"] == "Unscheduled"
    assert "startDate" not in event["subEvent"][0]


def test_a_talk_page_is_an_event_within_its_edition(client, before_32):
    (event,) = json_ld(client.get("/talks/self-supervised-deep-learning/"))

    assert set(event) >= REQUIRED | RECOMMENDED
    assert event["name"] == "Self-Supervised Deep Learning"
    assert event["description"] == "This talk introduces self-supervised and semi-supervised learning in general."
    assert (event["startDate"], event["endDate"]) == ("2020-01-30T18:55:00+01:00", "2020-01-30T19:40:00+01:00")
    assert event["location"] == TAKEDA_PLACE
    assert [person["name"] for person in event["performer"]] == ["Christoph Bonitz"]
    assert event["superEvent"] == {
        "@type": "Event",
        "@id": "http://testserver/meetups/32/#event",
        "name": "32nd Vienna Deep Learning Meetup",
        "url": "http://testserver/meetups/32/",
        "startDate": "2020-01-30T18:30:00+01:00",
    }
    assert event["sponsor"][0]["name"] == "Takeda"


def test_after_the_evening_the_offer_is_no_longer_available(client, db):
    build_meetup_32()  # today, 30 January 2020 is long past

    (event,) = json_ld(client.get("/meetups/32/"))

    assert event["offers"]["availability"] == "https://schema.org/Discontinued"
    assert event["image"] == ["http://testserver/static/img/og-default.png"]


def test_cancelled_online_and_hybrid_editions(client, db):
    venue = VenueFactory(name="TU Wien Informatik", address="Favoritenstraße 9–11, 1040 Wien")
    EditionFactory(code="80", venue=venue, cancelled=True)
    EditionFactory(code="81", venue=venue, attendance=Edition.Attendance.ONLINE, stream_url="https://youtu.be/live")
    EditionFactory(code="82", venue=venue, attendance=Edition.Attendance.HYBRID, stream_url="https://youtu.be/live")

    (cancelled,) = json_ld(client.get("/meetups/80/"))
    (online,) = json_ld(client.get("/meetups/81/"))
    (hybrid,) = json_ld(client.get("/meetups/82/"))

    tu_wien = {
        "@type": "Place",
        "name": "TU Wien Informatik",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Favoritenstraße 9–11",
            "postalCode": "1040",
            "addressLocality": "Wien",
            "addressCountry": "AT",
        },
    }
    virtual = {"@type": "VirtualLocation", "url": "https://youtu.be/live"}
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    assert cancelled["offers"]["availability"] == "https://schema.org/Discontinued"
    assert online["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert online["location"] == virtual
    assert hybrid["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert hybrid["location"] == [tu_wien, virtual]


def test_an_edition_without_a_venue_is_still_located_in_vienna(client, db):
    EditionFactory(code="83", venue=None, start_time=None, end_time=None, start_date=datetime.date(2016, 7, 7))

    (event,) = json_ld(client.get("/meetups/83/"))

    assert event["location"] == {
        "@type": "Place",
        "name": "Vienna",
        "address": {"@type": "PostalAddress", "addressLocality": "Wien", "addressCountry": "AT"},
    }
    assert (event["startDate"], event["endDate"]) == ("2016-07-07", "2016-07-07")


def test_no_text_can_close_the_data_block(client, db):
    edition = EditionFactory(code="84", topic='</script><script>alert("x")</script> & <b>')
    SponsorshipFactory(edition=edition)

    response = client.get("/meetups/84/")
    (event,) = json_ld(response)

    assert b'</script><script>alert("x")' not in response.content
    assert event["description"].startswith('</script><script>alert("x")</script> & <b>.')


def test_only_event_pages_carry_event_data(client, db):
    EditionFactory()

    assert json_ld(client.get("/")) == []
    assert json_ld(client.get("/meetups/")) == []
