"""The talks' RSS and Atom feeds: talks with slides or a video, read with an XML parser."""

import datetime
import xml.etree.ElementTree as ET  # noqa: S405 - parses the site's own feeds
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve

from talks.feeds import TalkAtomFeed, TalkFeed
from tests.factories import EditionFactory, PersonFactory, TalkFactory
from tests.site_data import build_meetup_32

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
VIENNA = ZoneInfo("Europe/Vienna")


def _items(client, url="/talks/feed/"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - the site's own output
    return channel, {item.findtext("link"): item for item in channel.findall("item")}


@pytest.fixture
def deck(db):
    return build_meetup_32()


def test_talks_with_slides_or_video_are_listed_with_speakers_and_links(client, deck):
    channel, items = _items(client)

    assert channel.findtext("title") == "Vienna Deep Learning Meetup: talks, slides and videos"
    # The hot topics of #32 have neither slides nor a video: nothing to fetch yet.
    assert list(items) == [
        "http://testserver/talks/report-from-neurips-2019/",
        "http://testserver/talks/self-supervised-deep-learning/",
    ]
    item = items["http://testserver/talks/self-supervised-deep-learning/"]
    assert item.findtext("title") == "Self-Supervised Deep Learning"
    assert item.findtext(f"{DC}creator") == "Christoph Bonitz"
    assert item.findtext("category") == "Talk"
    assert parsedate_to_datetime(item.findtext("pubDate")) == datetime.datetime(2020, 1, 30, 18, 30, tzinfo=VIENNA)
    description = item.findtext("description")
    assert description.startswith(
        "<p>Talk by Christoph Bonitz (Njinn Technologies) at the 32nd Vienna Deep Learning Meetup, "
        "Thu, 30 January 2020.</p>"
    )
    assert f'<a href="{deck.self_supervised.slides_url}">Slides</a>' in description
    assert '<a href="https://www.youtube.com/watch?v=GSMh5fw2Mjo">Video</a>' in description
    # The description template is one line: no whitespace of its own around the HTML.
    assert description.endswith("</a></p>") and description == description.strip()
    neurips = items["http://testserver/talks/report-from-neurips-2019/"].findtext("description")
    assert "by René Donner (contextflow GmbH)" in neurips


def test_uploaded_slides_are_an_enclosure(client, db):
    pdf = b"%PDF-1.4\n% slides\n%%EOF\n"
    talk = TalkFactory(slug="with-pdf", slides_file=SimpleUploadedFile("slides.pdf", pdf))

    _channel, items = _items(client)

    enclosure = items["http://testserver/talks/with-pdf/"].find("enclosure")
    assert enclosure.get("url") == f"http://testserver{talk.slides_file.url}"
    assert enclosure.get("length") == str(len(pdf))
    assert enclosure.get("type") == "application/pdf"
    description = items["http://testserver/talks/with-pdf/"].findtext("description")
    assert f'<a href="http://testserver{talk.slides_file.url}">Slides</a>' in description


def test_talks_of_draft_editions_never_appear(client, db):
    draft = EditionFactory(published=False)
    TalkFactory(
        edition=draft, slug="secret", video_url="https://youtu.be/x", speakers=[PersonFactory(name="Secret Speaker")]
    )

    response = client.get("/talks/feed/")

    assert b"secret" not in response.content
    assert b"Secret Speaker" not in response.content


def test_the_latest_talks_come_first(client, db):
    for day, slug in [(datetime.date(2019, 5, 2), "older"), (datetime.date(2020, 5, 7), "newer")]:
        TalkFactory(edition=EditionFactory(start_date=day), slug=slug, video_url="https://youtu.be/x")

    _channel, items = _items(client)

    assert list(items) == ["http://testserver/talks/newer/", "http://testserver/talks/older/"]


def test_the_atom_feed_has_authors_and_dates(client, deck):
    response = client.get("/talks/feed/atom/")
    feed = ET.fromstring(response.content)  # noqa: S314 - the site's own output

    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    entries = {entry.findtext(f"{ATOM}id"): entry for entry in feed.findall(f"{ATOM}entry")}
    entry = entries["http://testserver/talks/report-from-neurips-2019/"]
    assert entry.findtext(f"{ATOM}title") == "Report from NeurIPS 2019"
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "René Donner"
    assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == datetime.datetime(
        2020, 1, 30, 18, 30, tzinfo=VIENNA
    )
    assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == deck.neurips.updated_at


def test_the_feed_paths_are_not_taken_for_talk_slugs(db):
    assert isinstance(resolve("/talks/feed/").func, TalkFeed)
    assert isinstance(resolve("/talks/feed/atom/").func, TalkAtomFeed)
    talk = TalkFactory.build(slug="feed", edition=EditionFactory())

    with pytest.raises(ValidationError) as error:
        talk.full_clean()

    assert "/talks/feed/ is taken by another page" in str(error.value)
