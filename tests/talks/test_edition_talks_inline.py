"""Talks and their speakers on the edition's admin page (talks/edition_inline.py), posted as the page sends them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from meetups.models import Edition
from talks.models import Person, Talk
from tests.admin_forms import form_data
from tests.factories import EditionFactory, PersonFactory, TalkFactory

pytestmark = pytest.mark.django_db


def png(size=(120, 90)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("portrait.png", buffer.getvalue(), content_type="image/png")


def edition_page(client, edition):
    url = reverse("admin:meetups_edition_change", args=[edition.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, form_data(response, Edition)


def add_talk_row(data, index, title, slug, speakers):
    """A new talk row as "Add another talk" makes it, with `speakers` rows (dicts of the row's fields)."""
    prefix = f"talks-{index}"
    data["talks-TOTAL_FORMS"] = [str(index + 1)]
    data.update({f"{prefix}-title": [title], f"{prefix}-slug": [slug], f"{prefix}-kind": ["talk"]})
    data[f"{prefix}-speakers-TOTAL_FORMS"] = [str(len(speakers))]
    data[f"{prefix}-speakers-INITIAL_FORMS"] = ["0"]
    for row, fields in enumerate(speakers):
        for name, value in fields.items():
            data[f"{prefix}-speakers-{row}-{name}"] = value if isinstance(value, SimpleUploadedFile) else [value]


def flat(data):
    """The test client posts a list as repeated values and a file as an upload."""
    return {name: value[0] if isinstance(value, list) and len(value) == 1 else value for name, value in data.items()}


def test_a_talk_with_a_known_and_a_new_speaker_is_added_in_one_save(organizer_client):
    edition = EditionFactory()
    known = PersonFactory(name="Christoph Bonitz", affiliation="Dynatrace")
    url, data = edition_page(organizer_client, edition)
    add_talk_row(
        data,
        0,
        "Retrieval for agents",
        "retrieval-for-agents",
        [
            {"order": "20", "person": str(known.pk), "affiliation": ""},
            {"order": "10", "new_name": "Ana Neuer", "affiliation": "TU Wien", "new_photo": png()},
        ],
    )

    response = organizer_client.post(url, flat(data))

    assert response.status_code == 302, response.content.decode()[:3000]
    talk = Talk.objects.get(slug="retrieval-for-agents")
    assert talk.edition == edition
    assert [(s.position, s.person.name, s.affiliation) for s in talk.talk_speakers.all()] == [
        (10, "Ana Neuer", "TU Wien"),
        (20, "Christoph Bonitz", "Dynatrace"),
    ]
    new = Person.objects.get(name="Ana Neuer")
    assert (new.slug, new.affiliation) == ("ana-neuer", "TU Wien")
    assert new.photo and new.photo.name.startswith("people/") and "portrait" not in new.photo.name


def test_the_edition_page_shows_each_talks_speakers_and_saves_their_changes(organizer_client):
    edition = EditionFactory()
    first, second = PersonFactory(name="Ada First"), PersonFactory(name="Bert Second")
    talk = TalkFactory(edition=edition, speakers=[first, second])
    url, data = edition_page(organizer_client, edition)
    assert data["talks-0-speakers-0-person"] == [str(first.pk)]
    assert data["talks-0-speakers-TOTAL_FORMS"] == ["3"]  # the two, and one blank row
    data["talks-0-speakers-0-order"], data["talks-0-speakers-1-order"] = ["2"], ["1"]
    data["talks-0-speakers-1-affiliation"] = ["Magenta (then)"]

    response = organizer_client.post(url, flat(data))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert [(s.person.name, s.affiliation) for s in talk.talk_speakers.all()] == [
        ("Bert Second", "Magenta (then)"),
        ("Ada First", first.affiliation),
    ]


def test_a_speaker_is_removed_from_the_edition_page(organizer_client):
    edition = EditionFactory()
    talk = TalkFactory(edition=edition, speakers=[PersonFactory(name="Stays"), PersonFactory(name="Goes")])
    url, data = edition_page(organizer_client, edition)
    data["talks-0-speakers-1-DELETE"] = ["on"]

    assert organizer_client.post(url, flat(data)).status_code == 302
    assert [s.person.name for s in talk.talk_speakers.all()] == ["Stays"]
    assert Person.objects.filter(name="Goes").exists()  # the person stays on the site


@pytest.mark.parametrize(
    "row, message",
    [
        ({"new_name": "Christoph Bonitz"}, "Christoph Bonitz is already on the site: choose them under “Person”."),
        (
            {"person": "KNOWN", "new_name": "Someone Else"},
            "Choose a person or type a new speaker&#x27;s name, not both.",
        ),
        ({"affiliation": "TU Wien"}, "Choose the speaker, or type a new speaker&#x27;s name."),
        ({"person": "KNOWN", "new_photo": "PNG"}, "A photo goes with a new speaker"),
        ({"new_name": "Bomb Person", "new_photo": "HUGE"}, "megapixels"),
        ({"person": "99999999999999999999999"}, "Select a valid choice."),
    ],
)
def test_a_wrong_speaker_row_gets_a_message_and_nothing_is_saved(organizer_client, row, message):
    edition = EditionFactory()
    known = PersonFactory(name="Christoph Bonitz")
    files = {"PNG": lambda: png(), "HUGE": lambda: png((10_000, 10_000))}
    row = {
        name: (str(known.pk) if value == "KNOWN" else files[value]() if value in files else value)
        for name, value in row.items()
    }
    url, data = edition_page(organizer_client, edition)
    add_talk_row(data, 0, "A talk kept on the page", "a-talk-kept", [row])

    response = organizer_client.post(url, flat(data))

    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "Check the speakers of this talk below." in content
    assert "A talk kept on the page" in content  # what was typed is still there
    assert not Talk.objects.filter(slug="a-talk-kept").exists()
    assert not Person.objects.exclude(pk=known.pk).exists()


def test_a_blank_new_talk_with_numbered_blank_speaker_rows_is_ignored(organizer_client):
    edition = EditionFactory()
    url, data = edition_page(organizer_client, edition)
    add_talk_row(data, 0, "", "", [{"order": "10"}, {"order": "20"}])
    data["talks-0-kind"] = ["talk"]

    assert organizer_client.post(url, flat(data)).status_code == 302
    assert not edition.talks.exists()


def test_speaker_rows_only_without_a_talk_title_ask_for_the_title(organizer_client):
    edition = EditionFactory()
    url, data = edition_page(organizer_client, edition)
    add_talk_row(data, 0, "", "", [{"order": "10", "new_name": "Ana Neuer"}])

    response = organizer_client.post(url, flat(data))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Person.objects.filter(name="Ana Neuer").exists()
