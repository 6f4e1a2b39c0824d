"""The deck's URL, who may open it, what the page loads, and the organizers' controls in the admin."""

import pytest
from django.urls import resolve, reverse

from decks.models import DeckSettings, DeckSlide
from tests.decks.helpers import png_upload, read_deck
from tests.factories import EditionFactory, SuperUserFactory, UserFactory
from tests.html_helpers import canonical, links, meta, resource_urls, text

pytestmark = pytest.mark.django_db


def test_the_deck_lives_under_its_edition_and_is_not_swallowed_by_the_edition_page(meetup_32):
    assert reverse("decks:deck", kwargs={"code": "32"}) == "/meetups/32/deck/"
    assert resolve("/meetups/32/deck/").view_name == "decks:deck"
    assert resolve("/meetups/32/").view_name == "meetups:edition_detail"


def test_the_deck_is_found_by_its_code_in_any_case(client, on_deck_day):
    EditionFactory(code="AI", number=None, title="AI Special")
    response = client.get("/meetups/ai/deck/")
    assert response.status_code == 200
    assert read_deck(response).slides[0].heading == "AI Special"


@pytest.mark.parametrize(
    "path",
    [
        "/meetups/99/deck/",
        "/meetups/%00/deck/",
        "/meetups/%C3%BC/deck/",
        "/meetups/" + "9" * 5000 + "/deck/",
        "/meetups/32%27%20OR%201=1/deck/",
        "/meetups/32/deck/extra/",
    ],
)
def test_unknown_or_malformed_codes_are_not_found(client, meetup_32, path):
    assert client.get(path).status_code == 404


def test_a_draft_deck_is_for_organizers_only(client, meetup_32):
    edition = meetup_32.edition
    edition.published = False
    edition.save()
    assert client.get("/meetups/32/deck/").status_code == 404

    client.force_login(UserFactory())
    assert client.get("/meetups/32/deck/").status_code == 404

    client.force_login(SuperUserFactory(username="organizer"))
    response = client.get("/meetups/32/deck/")
    assert response.status_code == 200
    assert "Draft: only organizers can see this deck." in text(response)


def test_the_deck_is_its_own_page_with_local_assets_and_no_inline_code(client, meetup_32):
    response = client.get("/meetups/32/deck/")
    deck = read_deck(response)
    assert deck.title == "32nd Vienna Deep Learning Meetup – slides"
    # Not a page of the site: no navigation, no Bootstrap, only the deck's own files.
    assert "Skip to main content" not in text(response)
    assert deck.stylesheets == ["/static/decks/deck.css"]
    assert deck.scripts == ["/static/decks/deck.js"]
    assert deck.styles == [], "no style attributes or <style> blocks: the CSP will forbid them"
    assert all(url.startswith("/") for url in resource_urls(response)), "everything loads from the site itself"
    assert meta(response, "robots") == "noindex"
    assert canonical(response) == "http://testserver/meetups/32/"


def test_every_slide_is_labelled_for_screen_readers_with_its_number(client, meetup_32):
    slides = read_deck(client.get("/meetups/32/deck/")).slides
    assert [slide.number for slide in slides] == list(range(1, 18))
    assert slides[0].label == "1 of 17: 32nd Vienna Deep Learning Meetup"
    assert slides[2].label == "3 of 17: Topics for Today – next: Welcome & Introduction"
    assert slides[-1].label == "17 of 17: Next Meetup: 26 February at Magenta"


def test_links_on_slides_open_in_a_new_tab_so_the_deck_stays_open(client, meetup_32):
    html = client.get("/meetups/32/deck/").content.decode()
    deck_links = [link for link in links(client.get("/meetups/32/deck/")) if link.startswith("http")]
    assert deck_links
    assert html.count('target="_blank" rel="noopener"') == len(deck_links)


def test_organizers_find_the_deck_from_the_edition_page(client, meetup_32):
    assert "/meetups/32/deck/" not in links(client.get("/meetups/32/"))
    client.force_login(SuperUserFactory(username="organizer"))
    response = client.get("/meetups/32/")
    assert "/meetups/32/deck/" in links(response)
    assert "Present the deck" in text(response)


def test_the_edition_admin_page_presents_the_deck_and_edits_its_controls(organizer_client, meetup_32):
    edition = meetup_32.edition
    url = reverse("admin:meetups_edition_change", args=[edition.pk])
    response = organizer_client.get(url)
    assert response.status_code == 200
    assert "/meetups/32/deck/" in links(response)
    content = response.content.decode()
    assert "Present the deck" in content
    assert 'name="deck_settings-0-show_stats"' in content
    assert 'id="deck_slides-group"' in content


def _edition_post(client, edition, extra, files=None):
    from tests.admin_forms import edition_form_data

    data = edition_form_data(edition)
    data["organizers"] = [str(person.pk) for person in edition.organizers.all()]
    data.update(extra)
    return client.post(reverse("admin:meetups_edition_change", args=[edition.pk]), {**data, **(files or {})})


def test_an_organizer_skips_a_section_and_adds_a_free_slide_in_the_admin(organizer_client, meetup_32):
    edition = meetup_32.edition
    response = _edition_post(
        organizer_client,
        edition,
        {
            "deck_settings-TOTAL_FORMS": "1",
            **{
                f"deck_settings-0-show_{name}": "on"
                for name in ("title", "organizers", "agenda", "host", "announcements", "archive", "raffles")
                + ("jobs", "hot_topics", "sources", "next_meetup")
            },
            "deck_settings-0-archive_rows": "9",
            "deck_slides-TOTAL_FORMS": "1",
            "deck_slides-0-placement": DeckSlide.Placement.AFTER_TITLE,
            "deck_slides-0-position": "0",
            "deck_slides-0-title": "Wifi: VDLM-guest",
            "deck_slides-0-body": "Password: **deeplearning**",
        },
        files={"deck_slides-0-image": png_upload("wifi.png")},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert DeckSettings.objects.get(edition=edition).show_stats is False
    slides = read_deck(organizer_client.get("/meetups/32/deck/")).slides
    assert [slide.kind for slide in slides][:3] == ["title", "free", "organizers"]
    assert slides[1].text == "Wifi: VDLM-guest Password: deeplearning"
    assert len(slides[1].images) == 1
    assert "stats" not in [slide.kind for slide in slides]


def test_a_free_slide_image_that_is_no_image_is_refused_with_a_message(organizer_client, meetup_32):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _edition_post(
        organizer_client,
        meetup_32.edition,
        {
            "deck_slides-TOTAL_FORMS": "1",
            "deck_slides-0-placement": DeckSlide.Placement.END,
            "deck_slides-0-position": "0",
            "deck_slides-0-title": "Photo",
        },
        files={"deck_slides-0-image": SimpleUploadedFile("photo.png", b"<svg onload=alert(1)>")},
    )
    assert response.status_code == 200
    assert "This file is not an image we can read (PNG, JPEG or WebP)." in response.content.decode()
    assert not DeckSlide.objects.exists()


def test_the_archive_rows_setting_is_bounded(organizer_client, meetup_32):
    response = _edition_post(
        organizer_client,
        meetup_32.edition,
        {"deck_settings-TOTAL_FORMS": "1", "deck_settings-0-archive_rows": "500"},
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 12." in response.content.decode()
    assert not DeckSettings.objects.exists()


def test_a_free_slide_image_of_too_many_pixels_is_refused(organizer_client, meetup_32):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")  # 100 megapixels in a tiny file
    response = _edition_post(
        organizer_client,
        meetup_32.edition,
        {
            "deck_slides-TOTAL_FORMS": "1",
            "deck_slides-0-placement": DeckSlide.Placement.END,
            "deck_slides-0-position": "0",
            "deck_slides-0-title": "Group photo",
        },
        files={"deck_slides-0-image": SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")},
    )
    assert response.status_code == 200
    assert "megapixels" in response.content.decode()
    assert not DeckSlide.objects.exists()
