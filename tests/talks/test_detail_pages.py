"""The talk and speaker pages: what they show, and at what cost."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from talks.models import Talk
from tests.factories import EditionFactory, PersonFactory, TalkFactory, TalkSourceFactory, TalkSpeakerFactory
from tests.html_helpers import links, parse, text

pytestmark = pytest.mark.django_db


def _photo():
    buffer = BytesIO()
    Image.new("RGB", (300, 300), (200, 80, 0)).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue())


def _pdf():
    return SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def test_a_talk_without_a_venue_is_shown_without_one_and_an_unknown_slug_is_404(client):
    TalkFactory(slug="online", title="Online talk", edition=EditionFactory(venue=None))

    response = client.get("/talks/online/")

    assert response.status_code == 200
    assert response.context["edition"].venue is None
    assert client.get("/talks/nothing/").status_code == 404


def test_draft_talks_on_a_speaker_page_come_once_each_with_all_their_speakers(organizer_client):
    person, other = PersonFactory(name="Ada", slug="ada"), PersonFactory(name="Alan")
    draft = TalkFactory(edition=EditionFactory(published=False), title="Draft talk", speakers=[other, person])
    TalkSourceFactory.create_batch(2, talk=draft)

    page = parse(organizer_client.get("/speakers/ada/"))

    assert [title for level, title in page.headings if level == 3] == ["Draft talk"]
    assert "Draft talk by Alan, TU Wien; Ada, TU Wien" in page.text


# --- The talk page ---------------------------------------------------------------------------


@pytest.fixture
def evening():
    edition = EditionFactory(number=50, code="50", start_date=datetime.date(2024, 3, 7))
    ada = PersonFactory(name="Ada Lovelace", slug="ada", affiliation="Analytical Engines", photo=_photo())
    alan = PersonFactory(name="Alan Turing", slug="alan", affiliation="Bletchley Park")
    talk = TalkFactory(edition=edition, title="Main talk", slug="main", slides_file=_pdf())
    TalkSpeakerFactory(talk=talk, person=alan, position=2, affiliation="Manchester")
    TalkSpeakerFactory(talk=talk, person=ada, position=1)
    TalkSourceFactory(talk=talk, position=2, title="Second paper", url="https://example.org/2")
    TalkSourceFactory(talk=talk, position=1, title="First paper", url="https://example.org/1")
    TalkFactory(edition=edition, title="Zebra finches", slug="zebra", speakers=[alan])
    TalkFactory(edition=edition, title="Attention", slug="attention", speakers=[ada, alan])
    TalkFactory(edition=edition, title="Nobody yet", slug="nobody-yet")
    # Later changes to the people do not change what the talk said at the time.
    ada.affiliation = "Now elsewhere"
    ada.save()
    return edition


def test_talk_page_names_speakers_in_order_with_the_affiliation_of_the_time_and_their_photo(client, evening):
    response = client.get("/talks/main/")

    page = parse(response)
    # Ada's photo, then Alan's initial (he has no photo).
    assert "Speakers Ada Lovelace Analytical Engines A Alan Turing Manchester" in page.text
    assert page.title == "Main talk – Ada Lovelace – Vienna Deep Learning Meetup"
    assert any(attrs.get("alt") == "Photo of Ada Lovelace" for tag, attrs in page.elements if tag == "img")
    assert "Now elsewhere" not in page.text


def test_talk_page_lists_sources_in_order_and_links_the_uploaded_slides(client, evening):
    response = client.get("/talks/main/")

    page = text(response)
    assert "Sources First paper Second paper" in page
    assert "Slides (PDF) of “Main talk”" in page
    assert Talk.objects.get(slug="main").slides_file.url in links(response)


def test_talk_page_lists_the_other_talks_of_the_evening_by_title_with_their_speakers(client, evening):
    page = text(client.get("/talks/main/"))

    assert (
        "Also at the 50th Vienna Deep Learning Meetup "
        "Attention by Ada Lovelace, Analytical Engines; Alan Turing, Bletchley Park "
        "Nobody yet "
        "Zebra finches by Alan Turing, Bletchley Park"
    ) in page


def test_a_draft_talk_is_hidden_from_visitors_and_shown_to_organizers(organizer_client):
    TalkFactory(edition=EditionFactory(published=False), slug="secret", speakers=[PersonFactory(name="Grace")])

    assert Client().get("/talks/secret/").status_code == 404
    response = organizer_client.get("/talks/secret/")
    assert response.status_code == 200
    assert "Draft. Only organizers can see this page" in text(response)
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_talk_page_costs_five_queries_however_many_speakers_sources_and_talks(client, django_assert_num_queries):
    def evening_of(count):
        edition = EditionFactory()
        people = PersonFactory.create_batch(count)
        for index in range(count):
            talk = TalkFactory(edition=edition, speakers=people[: index + 1])
            TalkSourceFactory.create_batch(count, talk=talk)
        return talk

    small, large = evening_of(1), evening_of(6)
    client.get("/")  # the site profile is cached from now on, as on a running site
    for talk in (small, large):
        with django_assert_num_queries(5):
            assert client.get(talk.get_absolute_url()).status_code == 200


# --- The speaker page --------------------------------------------------------------------------


def test_speaker_page_lists_talks_latest_first_with_every_speaker_in_order(client):
    ada, alan = PersonFactory(name="Ada", slug="ada"), PersonFactory(name="Alan")
    TalkFactory(edition=EditionFactory(start_date=datetime.date(2021, 1, 1)), title="Older", speakers=[ada])
    newer = TalkFactory(edition=EditionFactory(start_date=datetime.date(2023, 1, 1)), title="Newer")
    TalkSpeakerFactory(talk=newer, person=alan, position=1, affiliation="Then at A")
    TalkSpeakerFactory(talk=newer, person=ada, position=2, affiliation="Then at B")

    page = parse(client.get("/speakers/ada/"))

    assert [title for level, title in page.headings if level == 3] == ["Newer", "Older"]
    assert "Newer by Alan, Then at A; Ada, Then at B" in page.text
    assert "Older by Ada, TU Wien" in page.text  # the factory's affiliation, copied when the talk was saved


def test_speaker_page_shows_draft_talks_and_editions_only_to_organizers(organizer_client):
    person = PersonFactory(name="Ada", slug="ada")
    TalkFactory(edition=EditionFactory(code="60", number=60), title="Public talk", speakers=[person])
    TalkFactory(edition=EditionFactory(code="61", number=61, published=False), title="Draft talk", speakers=[person])
    EditionFactory(code="62", number=62, published=False).organizers.add(person)

    visitor = text(Client().get("/speakers/ada/"))
    organizer = text(organizer_client.get("/speakers/ada/"))

    assert "Talks at the meetup (1)" in visitor
    assert "Draft talk" not in visitor and "Organizer of" not in visitor
    assert "Talks at the meetup (2)" in organizer
    assert "Draft talk" in organizer
    assert "Organizer of 62nd Vienna Deep Learning Meetup" in organizer
    assert "Only organizers can see this page" not in organizer  # the person is public: only drafts are marked


def test_an_organizer_of_a_published_edition_has_a_page_without_talks(client):
    person = PersonFactory(name="Org", slug="org")
    EditionFactory(code="70", number=70).organizers.add(person)

    response = client.get("/speakers/org/")

    assert response.status_code == 200
    assert "No talks yet." in text(response)
    assert "Org organizes the Vienna Deep Learning Meetup." in response.content.decode()


def test_a_person_with_only_drafts_is_hidden_from_visitors_and_marked_for_organizers(organizer_client):
    person = PersonFactory(slug="only-drafts")
    EditionFactory(published=False).organizers.add(person)

    assert Client().get("/speakers/only-drafts/").status_code == 404
    response = organizer_client.get("/speakers/only-drafts/")
    assert response.status_code == 200
    assert "Draft. Only organizers can see this page" in text(response)


def test_speaker_page_costs_three_queries_however_many_talks_and_co_speakers(client, django_assert_num_queries):
    def speaker_of(count):
        speaker = PersonFactory()
        for _ in range(count):
            TalkFactory(speakers=[speaker, *PersonFactory.create_batch(count)])
            EditionFactory().organizers.add(speaker)
        return speaker

    small, large = speaker_of(1), speaker_of(5)
    client.get("/")  # the site profile is cached from now on, as on a running site
    for speaker in (small, large):
        with django_assert_num_queries(3):
            assert client.get(speaker.get_absolute_url()).status_code == 200
