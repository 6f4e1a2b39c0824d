"""Talks and speakers, as a visitor sees them."""

import datetime

import pytest
from django.test import Client

from meetups.models import Edition
from talks.models import Talk
from tests.factories import EditionFactory, PersonFactory, TalkFactory, TalkSpeakerFactory
from tests.html_helpers import links, parse, resource_urls, text
from tests.site_data import build_meetup_32

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck(db):
    return build_meetup_32()


def _talk_titles(response):
    return [title for level, title in parse(response).headings if level == 2][: len(response.context["talks"])]


# --- Talk list -------------------------------------------------------------


def test_talk_list_shows_every_published_talk_newest_edition_first(client, deck):
    older = EditionFactory(number=31, code="31", start_date=datetime.date(2019, 12, 10))
    TalkFactory(edition=older, title="GANs in practice")
    TalkFactory(edition=EditionFactory(published=False, code="90", number=90), title="A secret talk")

    response = client.get("/talks/")

    assert response.status_code == 200
    assert _talk_titles(response) == [
        "Hot Topics and Latest News",
        "Report from NeurIPS 2019",
        "Self-Supervised Deep Learning",
        "GANs in practice",
    ]
    page = text(response)
    assert (
        "#32 · Thu, 30 January 2020 Conference report Report from NeurIPS 2019 by René Donner, contextflow GmbH"
    ) in page
    assert "A secret talk" not in page


def test_a_talk_card_links_slides_and_video_and_escapes_what_organizers_typed(client, db):
    edition = EditionFactory(number=40, code="40", start_date=datetime.date(2021, 3, 4))
    speaker = PersonFactory(name="Ada <Lovelace>", slug="ada")
    TalkFactory(
        edition=edition,
        title='Attention & "transformers"',
        subtitle="<i>not</i> italic",
        kind=Talk.Kind.LIGHTNING,
        slides_url="https://example.org/slides.pdf",
        video_url="https://www.youtube.com/watch?v=abc",
        speakers=[speaker],
    )
    response = client.get("/talks/")
    page = parse(response)

    assert (
        '#40 · Thu, 4 March 2021 Lightning talk Attention & "transformers" <i>not</i> italic by Ada <Lovelace>'
    ) in page.text
    assert b"<i>not</i>" not in response.content and b"<Lovelace>" not in response.content
    assert 'Slides of “Attention & "transformers"” · Video of “Attention & "transformers"”' in page.text
    hrefs = links(response)
    assert {"/meetups/40/", "/speakers/ada/", "https://example.org/slides.pdf"} <= set(hrefs)
    assert any(href.endswith("#video") and href.startswith("/talks/") for href in hrefs)
    assert (2, 'Attention & "transformers"') in page.headings  # a list of its own: h2 titles


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "neurips"}, ["Report from NeurIPS 2019"]),
        ({"q": "Bonitz"}, ["Self-Supervised Deep Learning"]),
        ({"kind": "hot_topics"}, ["Hot Topics and Latest News"]),
        ({"kind": "conference_report", "q": "2019"}, ["Report from NeurIPS 2019"]),
        ({"year": "2020", "q": "deep"}, ["Self-Supervised Deep Learning"]),
        ({"year": "2019"}, []),
    ],
)
def test_talk_list_search_and_filters(client, deck, params, expected):
    EditionFactory(number=31, code="31", start_date=datetime.date(2019, 12, 10))

    assert _talk_titles(client.get("/talks/", params)) == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "There is nothing from “abc”, so all years are shown."),
        ({"kind": "keynote"}, "“keynote” is not a kind we know, so all kinds are shown."),
        ({"page": "999"}, "3 talks."),
        ({"q": "x" * 500}, "Ensure this value has at most 100 characters"),
    ],
)
def test_talk_list_bad_input_is_explained_not_an_error(client, deck, params, message):
    response = client.get("/talks/", params)

    assert response.status_code == 200
    assert message in text(response)
    assert len(response.context["talks"]) == 3


# --- Talk detail -----------------------------------------------------------


def test_talk_page_has_abstract_speakers_slides_and_edition(client, deck):
    response = client.get("/talks/report-from-neurips-2019/")

    assert response.status_code == 200
    page = parse(response)
    assert page.headings[0] == (1, "Report from NeurIPS 2019")
    assert page.title == "Report from NeurIPS 2019 – René Donner – Vienna Deep Learning Meetup"
    assert "At the 32nd Vienna Deep Learning Meetup, Thu, 30 January 2020, 18:30, Takeda Austria." in page.text
    assert "René will discuss a small selection of the 1,428 papers" in page.text
    assert "Speaker R René Donner contextflow GmbH" in page.text
    hrefs = links(response)
    assert deck.neurips.slides_url in hrefs
    assert "/speakers/rene-donner/" in hrefs
    assert "/meetups/32/" in hrefs


def test_talk_page_offers_youtube_only_on_click_and_via_youtube_nocookie(client, deck):
    response = client.get("/talks/self-supervised-deep-learning/")

    html = response.content.decode()
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/GSMh5fw2Mjo"' in html
    assert "<iframe" not in html
    assert not [url for url in resource_urls(response) if "youtube" in url]
    assert "https://www.youtube.com/watch?v=GSMh5fw2Mjo" in links(response)


def test_talk_page_with_a_non_youtube_video_gives_a_plain_link(client, deck):
    Talk.objects.filter(pk=deck.neurips.pk).update(video_url="https://vimeo.com/123456")

    response = client.get("/talks/report-from-neurips-2019/")

    assert "https://vimeo.com/123456" in links(response)
    assert "data-embed-src" not in response.content.decode()


def test_hot_topics_talk_lists_its_sources(client, deck):
    response = client.get("/talks/hot-topics-32/")

    page = text(response)
    assert "Sources Are Deep Neural Networks Dramatically Overfitted? Deep Double Descent" in page
    assert "https://openai.com/blog/deep-double-descent/" in links(response)


def test_talk_page_shows_the_other_talks_of_the_evening(client, deck):
    page = text(client.get("/talks/report-from-neurips-2019/"))

    assert (
        "Also at the 32nd Vienna Deep Learning Meetup Hot Topics and Latest News by Michael Pieler "
        "Self-Supervised Deep Learning by Christoph Bonitz, Njinn Technologies"
    ) in page


def test_talk_of_a_draft_edition_is_404_for_visitors_and_marked_for_organizers(organizer_client):
    talk = TalkFactory(edition=EditionFactory(published=False), title="Not yet announced")

    assert Client().get(talk.get_absolute_url()).status_code == 404
    response = organizer_client.get(talk.get_absolute_url())
    assert response.status_code == 200
    assert "Draft. Only organizers can see this page" in text(response)


def test_unknown_talk_is_404(client, deck):
    assert client.get("/talks/no-such-talk/").status_code == 404


def test_talk_abstract_markdown_is_sanitized(client):
    talk = TalkFactory(abstract='Hi <img src="https://tracker.example/p.gif" onerror="x()"> [a](javascript:alert(1))')

    html = client.get(talk.get_absolute_url()).content.decode()

    assert "tracker.example" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


# --- Speakers --------------------------------------------------------------


def test_speaker_list_shows_people_with_published_talks(client, deck):
    PersonFactory(name="Only Registered")
    hidden = PersonFactory(name="Draft Speaker")
    TalkFactory(edition=EditionFactory(published=False), speakers=[hidden])

    response = client.get("/speakers/")

    names = [title for level, title in parse(response).headings if level == 2][:3]
    assert names == ["Christoph Bonitz", "Michael Pieler", "René Donner"]
    page = text(response)
    assert "René Donner contextflow 1 talk, latest: Report from NeurIPS 2019" in page
    assert "Only Registered" not in page
    assert "Draft Speaker" not in page


def test_speaker_list_search(client, deck):
    response = client.get("/speakers/", {"q": "njinn"})

    assert [person.name for person in response.context["speakers"]] == ["Christoph Bonitz"]
    assert "1 speaker found." in text(response)


def test_speaker_page_lists_every_talk_across_editions_with_the_affiliation_of_the_time(client, deck):
    earlier = EditionFactory(number=23, code="23", start_date=datetime.date(2019, 1, 31))
    TalkSpeakerFactory(
        talk=TalkFactory(edition=earlier, title="NeurIPS 2018 Report", slug="neurips-2018-report"),
        person=deck.donner,
        affiliation="contextflow",
    )
    deck.donner.affiliation = "Now at a new company"
    deck.donner.bio = "Head of **Machine Learning**."
    deck.donner.save()

    response = client.get("/speakers/rene-donner/")

    assert response.status_code == 200
    page = parse(response)
    assert page.headings[0] == (1, "René Donner")
    assert "Now at a new company" in page.text
    assert "Head of Machine Learning." in page.text
    assert "Talks at the meetup (2)" in page.text
    assert [title for level, title in page.headings if level == 3] == [
        "Report from NeurIPS 2019",
        "NeurIPS 2018 Report",
    ]
    assert "Report from NeurIPS 2019 by René Donner, contextflow GmbH" in page.text
    assert "NeurIPS 2018 Report by René Donner, contextflow" in page.text
    assert "Organizer of 32nd Vienna Deep Learning Meetup, Thu, 30 January 2020" in page.text


def test_speaker_page_hides_talks_of_draft_editions(client, deck):
    TalkFactory(edition=EditionFactory(published=False), title="Unannounced", speakers=[deck.bonitz])

    page = text(client.get("/speakers/christoph-bonitz/"))

    assert "Talks at the meetup (1)" in page
    assert "Unannounced" not in page


def test_person_without_anything_published_has_no_page(client, organizer_client):
    person = PersonFactory(slug="hidden-person")
    TalkFactory(edition=EditionFactory(published=False), speakers=[person])

    assert Client().get("/speakers/hidden-person/").status_code == 404
    assert Client().get("/speakers/nobody/").status_code == 404
    response = organizer_client.get("/speakers/hidden-person/")
    assert response.status_code == 200
    assert "Draft." in text(response)


def test_speaker_email_is_never_shown(client, deck):
    deck.bonitz.email = "private@example.org"
    deck.bonitz.save()

    for url in ("/speakers/", "/speakers/christoph-bonitz/", "/talks/self-supervised-deep-learning/"):
        assert "private@example.org" not in client.get(url).content.decode()


def test_edition_kind_counts_do_not_matter_for_speakers(client, deck):
    workshop = EditionFactory(kind=Edition.Kind.WORKSHOP, number=1, code="W1")
    TalkFactory(edition=workshop, kind=Talk.Kind.WORKSHOP, speakers=[deck.bonitz])

    assert "Christoph Bonitz Njinn Technologies 2 talks" in text(client.get("/speakers/"))
