"""The editions' RSS and Atom feeds, read with an XML parser as a feed reader would."""

import datetime
import xml.etree.ElementTree as ET  # noqa: S405 - parses the site's own feeds
from email.utils import parsedate_to_datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve

from meetups.feeds import EditionAtomFeed, EditionFeed
from meetups.models import Edition
from tests.factories import EditionFactory, PersonFactory, TalkFactory
from tests.site_data import build_meetup_32

ATOM = "{http://www.w3.org/2005/Atom}"


def _xml(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 - the site's own output


@pytest.fixture
def deck(db):
    return build_meetup_32()


def test_the_rss_feed_lists_editions_with_links_dates_and_agenda(client, deck):
    channel = _xml(client, "/meetups/feed/", "application/rss+xml").find("channel")

    assert channel.findtext("title") == "Vienna Deep Learning Meetup: meetups and events"
    assert channel.findtext("link") == "http://testserver/meetups/"
    item = next(item for item in channel.findall("item") if item.findtext("link").endswith("/32/"))
    assert item.findtext("title") == "32nd Vienna Deep Learning Meetup, Thu, 30 January 2020, 18:30"
    assert item.findtext("link") == "http://testserver/meetups/32/"
    assert item.findtext("guid") == "http://testserver/meetups/32/"
    assert item.findtext("category") == "Meetup"
    assert parsedate_to_datetime(item.findtext("pubDate")) == deck.edition.created_at.replace(microsecond=0)
    description = item.findtext("description")
    assert "<strong>When:</strong> Thu, 30 January 2020, 18:30 – 22:00" in description
    assert "<strong>Where:</strong> Takeda Austria, Industriestraße 67, 1220 Wien" in description
    assert "<strong>Host:</strong> Takeda" in description
    assert "<li>18:55 Self-Supervised Deep Learning – Christoph Bonitz (Njinn Technologies)</li>" in description
    assert "<li>20:10 Report from NeurIPS 2019 – René Donner (contextflow GmbH)</li>" in description


def test_editions_come_newest_announcement_first_and_drafts_never(client, db):
    older = EditionFactory(code="40", number=40)
    newer = EditionFactory(code="41", number=41)
    Edition.objects.filter(pk=older.pk).update(created_at=datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC))
    Edition.objects.filter(pk=newer.pk).update(created_at=datetime.datetime(2020, 1, 9, tzinfo=datetime.UTC))
    draft = EditionFactory(code="42", number=42, published=False, topic="Not announced yet")
    TalkFactory(edition=draft, speakers=[PersonFactory(name="Secret Speaker")])

    response = client.get("/meetups/feed/")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314

    assert [item.findtext("link") for item in channel.findall("item")] == [
        "http://testserver/meetups/41/",
        "http://testserver/meetups/40/",
    ]
    assert b"Not announced yet" not in response.content
    assert b"Secret Speaker" not in response.content


def test_the_atom_feed_has_ids_published_and_updated_dates(client, deck):
    feed = _xml(client, "/meetups/feed/atom/", "application/atom+xml")

    assert feed.findtext(f"{ATOM}title") == "Vienna Deep Learning Meetup: meetups and events"
    self_link = next(link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == "http://testserver/meetups/feed/atom/"
    entry = next(entry for entry in feed.findall(f"{ATOM}entry") if entry.findtext(f"{ATOM}id").endswith("/32/"))
    assert entry.findtext(f"{ATOM}title") == "32nd Vienna Deep Learning Meetup, Thu, 30 January 2020, 18:30"
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/meetups/32/"
    published = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
    updated = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert published == deck.edition.created_at
    assert updated == deck.edition.updated_at


def test_uploaded_intro_slides_are_an_enclosure_with_their_length(client, db):
    pdf = b"%PDF-1.4\n% the intro slides\n%%EOF\n"
    edition = EditionFactory(code="45", intro_slides=SimpleUploadedFile("intro.pdf", pdf))
    EditionFactory(code="46", intro_slides_url="https://github.com/vdlm/meetups/intro.pdf")

    channel = _xml(client, "/meetups/feed/", "application/rss+xml").find("channel")

    items = {item.findtext("link"): item for item in channel.findall("item")}
    enclosure = items["http://testserver/meetups/45/"].find("enclosure")
    assert enclosure.get("url") == f"http://testserver{edition.intro_slides.url}"
    assert enclosure.get("length") == str(len(pdf))
    assert enclosure.get("type") == "application/pdf"
    # A link elsewhere has no known length, so it is no enclosure.
    assert items["http://testserver/meetups/46/"].find("enclosure") is None


def test_a_cancelled_edition_says_so_in_its_title(client, db):
    EditionFactory(code="47", number=47, cancelled=True, start_date=datetime.date(2021, 3, 11))

    channel = _xml(client, "/meetups/feed/", "application/rss+xml").find("channel")
    title = channel.find("item").findtext("title")

    assert title == "Cancelled: 47th Vienna Deep Learning Meetup, Thu, 11 March 2021, 18:30"


def test_the_feed_paths_are_not_taken_for_edition_codes(db):
    assert isinstance(resolve("/meetups/feed/").func, EditionFeed)
    assert isinstance(resolve("/meetups/feed/atom/").func, EditionAtomFeed)


def test_feed_cannot_become_an_edition_code(db):
    edition = EditionFactory.build(code="Feed", number=None, venue=None)

    with pytest.raises(ValidationError) as error:
        edition.full_clean()

    assert "/meetups/feed/ is taken by another page" in str(error.value)


def test_pages_announce_the_feeds_and_the_calendar(client, db):
    response = client.get("/")

    assert b'<link rel="alternate" type="application/rss+xml" title="Meetups (RSS)" href="/meetups/feed/">' in (
        response.content
    )
    assert b'type="application/atom+xml" title="Meetups (Atom)" href="/meetups/feed/atom/"' in response.content
    assert b'type="text/calendar" title="Meetup calendar (iCal)" href="/meetups/calendar.ics"' in response.content


@pytest.mark.parametrize(
    ("rss", "atom"), [("/meetups/feed/", "/meetups/feed/atom/"), ("/talks/feed/", "/talks/feed/atom/")]
)
def test_the_channel_description_is_escaped_as_the_items_are(client, deck, rss, atom):
    """Feed readers show an RSS description as HTML: the organizers' text must arrive as text."""
    from meetups.models import SiteProfile

    profile = SiteProfile.load()
    profile.group_name = 'Deep <img src=x onerror="alert(1)"> & Co'
    profile.save()
    description = _xml(client, rss, "application/rss+xml").find("channel").findtext("description")
    assert "<img" not in description
    assert "Deep &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co" in description
    # Atom's subtitle is plain text: shown as typed, not escaped twice.
    subtitle = _xml(client, atom, "application/atom+xml").findtext(f"{ATOM}subtitle")
    assert 'Deep <img src=x onerror="alert(1)"> & Co' in subtitle


@pytest.mark.parametrize("url", ["/meetups/feed/", "/meetups/feed/atom/", "/talks/feed/", "/talks/feed/atom/"])
def test_rows_stored_with_control_characters_before_the_validators_still_make_a_valid_feed(client, deck, url):
    from django.db import connection

    from talks.models import Talk

    nul = "\x00" if connection.vendor == "sqlite" else ""  # PostgreSQL stores no NUL character at all
    Edition.objects.filter(code="32").update(title=f"Bad{nul}title\x0b\x1bhere", description=f"Null {nul} and \x0c")
    Talk.objects.filter(edition__code="32").update(title="Talk\x1b[31m red", abstract=f"ab{nul}stract\x08")
    root = _xml(client, url, "application/atom+xml" if "atom" in url else "application/rss+xml")
    text = ET.tostring(root, encoding="unicode")
    # Titles are one line: each run of control characters became one space.
    assert (f"Bad{' ' if nul else ''}title here" if "/meetups/" in url else "Talk [31m red") in text
