"""Uploaded images are checked by content, re-encoded without metadata and stored under random names."""

import io
import re
import warnings

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from decks.models import DeckSlide
from sponsors.models import Organisation
from tests.decks.test_views import _edition_post
from tests.factories import PersonFactory
from tests.site_data import build_meetup_32

pytestmark = pytest.mark.django_db

GPS_INFO = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112


def _image_bytes(image_format, size=(120, 80), exif=None, colour=(30, 120, 200), **options):
    image = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    if exif is not None:
        options["exif"] = exif.tobytes()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def _camera_exif():
    exif = Image.Exif()
    exif[MAKE] = "Anna's phone"
    exif[ORIENTATION] = 6  # "turn 90° clockwise to view"
    exif.get_ifd(GPS_INFO).update({1: "N", 2: (48.0, 11.0, 52.0), 3: "E", 4: (16.0, 22.0, 3.0)})
    return exif


def _add_organisation(client, name, upload):
    return client.post(
        reverse("admin:sponsors_organisation_add"),
        {
            "name": name,
            "slug": name.lower().replace(" ", "-"),
            "logo": upload,
            "sponsorships-TOTAL_FORMS": "0",
            "sponsorships-INITIAL_FORMS": "0",
        },
    )


def _page(response):
    return " ".join(response.content.decode().split())


def test_a_photo_from_a_phone_loses_its_location_and_gets_a_random_name(organizer_client):
    jpeg = _image_bytes("JPEG", exif=_camera_exif(), comment=b"taken at home")
    assert b"Anna's phone" in jpeg
    response = _add_organisation(organizer_client, "Takeda", SimpleUploadedFile("anna-home-2024.jpg", jpeg))
    assert response.status_code == 302, _page(response)[:2000]

    logo = Organisation.objects.get(slug="takeda").logo
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.jpg", logo.name)
    stored = logo.open("rb").read()
    assert b"Anna's phone" not in stored and b"taken at home" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        # The orientation was applied to the pixels before the tag was dropped: it still stands upright.
        assert image.size == (80, 120)


@pytest.mark.parametrize("image_format, extension", [("PNG", "png"), ("WEBP", "webp")])
def test_png_and_webp_keep_their_format_under_a_random_name(organizer_client, image_format, extension):
    data = _image_bytes(image_format, exif=_camera_exif())
    # The name says JPEG; the content decides.
    response = _add_organisation(organizer_client, f"Logo {extension}", SimpleUploadedFile("logo.jpg", data))
    assert response.status_code == 302
    logo = Organisation.objects.get(slug=f"logo-{extension}").logo
    assert re.fullmatch(rf"logos/[0-9a-f]{{32}}\.{extension}", logo.name)
    with Image.open(logo.open("rb")) as image:
        assert image.format == image_format
        assert dict(image.getexif()) == {}


def test_transparency_survives_the_re_encoding():
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    image.putpixel((5, 5), (255, 0, 0, 255))
    buffer = io.BytesIO()
    image.convert("P").save(buffer, "PNG", transparency=0)
    person = PersonFactory()
    person.photo.save("round-logo.png", ContentFile(buffer.getvalue()))
    with Image.open(person.photo.open("rb")) as stored:
        pixels = stored.convert("RGBA")
        assert pixels.getpixel((0, 0))[3] == 0 and pixels.getpixel((5, 5)) == (255, 0, 0, 255)


def test_gif_is_refused_by_content_whatever_its_name(organizer_client):
    response = _add_organisation(organizer_client, "Gif Corp", SimpleUploadedFile("logo.png", _image_bytes("GIF")))
    assert response.status_code == 200
    assert "Images must be PNG, JPEG or WebP, not GIF." in _page(response)
    assert not Organisation.objects.filter(slug="gif-corp").exists()


def test_html_named_like_an_image_is_refused(organizer_client):
    upload = SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>")
    response = _add_organisation(organizer_client, "Html Corp", upload)
    assert "This file is not an image we can read (PNG, JPEG or WebP)." in _page(response)


def test_a_tiny_png_declaring_100_megapixels_is_refused_with_a_message_and_no_warning(organizer_client, settings):
    assert Image.MAX_IMAGE_PIXELS == settings.MAX_IMAGE_PIXELS == 25_000_000
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, "PNG")
    assert len(buffer.getvalue()) < 15_000
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = _add_organisation(organizer_client, "Bomb Corp", SimpleUploadedFile("logo.png", buffer.getvalue()))
    assert "This image declares far more than 25 megapixels, the limit. Please scale it down." in _page(response)
    assert not [warning for warning in caught if issubclass(warning.category, Image.DecompressionBombWarning)]
    assert not Organisation.objects.filter(slug="bomb-corp").exists()


def test_just_over_the_pixel_limit_names_the_size(organizer_client, settings):
    settings.MAX_IMAGE_PIXELS = 10_000
    assert Image.MAX_IMAGE_PIXELS == 10_000  # Pillow follows the setting
    upload = SimpleUploadedFile("logo.png", _image_bytes("PNG", size=(150, 100)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = _add_organisation(organizer_client, "Wide Corp", upload)
    assert "This image declares 150 × 100 pixels; the limit is 0.01 megapixels. Please scale it down." in _page(
        response
    )
    assert not [warning for warning in caught if issubclass(warning.category, Image.DecompressionBombWarning)]


def test_files_over_the_byte_limit_are_refused(organizer_client, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("logo.png", _image_bytes("PNG", size=(300, 300)) + b"\0" * 2000)
    response = _add_organisation(organizer_client, "Heavy Corp", upload)
    assert "This image is 2.8 KB; the limit is 1000 bytes. Please upload a smaller file." in _page(response)


def test_deck_slide_pictures_are_re_encoded_too(organizer_client):
    response = _edition_post(
        organizer_client,
        build_meetup_32().edition,
        {
            "deck_slides-TOTAL_FORMS": "1",
            "deck_slides-0-placement": DeckSlide.Placement.END,
            "deck_slides-0-position": "0",
            "deck_slides-0-title": "Group photo",
        },
        files={"deck_slides-0-image": SimpleUploadedFile("IMG_2041.JPG", _image_bytes("JPEG", exif=_camera_exif()))},
    )
    assert response.status_code == 302
    image = DeckSlide.objects.get().image
    assert re.fullmatch(r"decks/[0-9a-f]{32}\.jpg", image.name)
    assert b"Anna's phone" not in image.open("rb").read()


def test_images_saved_from_code_are_re_encoded_as_well():
    person = PersonFactory()
    person.photo.save("passport-scan-anna.jpg", ContentFile(_image_bytes("JPEG", exif=_camera_exif())))
    person.refresh_from_db()
    assert "passport" not in person.photo.name
    assert b"Anna's phone" not in person.photo.open("rb").read()
