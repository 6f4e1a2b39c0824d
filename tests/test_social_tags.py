"""Link previews: every public page has OpenGraph and Twitter card tags that chat apps can show."""

import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.html_helpers import canonical, meta, parse
from tests.site_data import build_meetup_32
from tests.test_page_basics import PAGES

VIENNA = ZoneInfo("Europe/Vienna")
DEFAULT_IMAGE = "http://testserver/static/img/og-default.png"


def og(response, name):
    for tag, attrs in parse(response).elements:
        if tag == "meta" and attrs.get("property") == name:
            return attrs.get("content")
    return None


def _png():
    buffer = BytesIO()
    Image.new("RGB", (600, 300), (0, 80, 160)).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue())


@pytest.fixture
def deck(db):
    with time_machine.travel(datetime.datetime(2020, 1, 30, 9, 0, tzinfo=VIENNA), tick=False):
        yield build_meetup_32()


def test_every_public_page_has_title_description_url_and_image(client, deck, subtests):
    with time_machine.travel(datetime.datetime(2020, 1, 30, 9, 0, tzinfo=VIENNA), tick=False):
        responses = {url: client.get(url) for url in PAGES}
    for url, response in responses.items():
        with subtests.test(url=url):
            assert response.status_code == 200
            title = og(response, "og:title")
            assert title and title in parse(response).title
            assert og(response, "og:description") == meta(response, "description")
            assert og(response, "og:url") == canonical(response)
            assert og(response, "og:site_name") == "Vienna Deep Learning Meetup"
            assert og(response, "og:type") == "website"
            assert og(response, "og:image").startswith("http://testserver/")
            assert meta(response, "twitter:card") in ("summary", "summary_large_image")
            assert meta(response, "twitter:title") == title
            assert meta(response, "twitter:description") == meta(response, "description")
            assert meta(response, "twitter:image") == og(response, "og:image")


def test_the_title_without_the_site_name_and_the_default_image(client, deck):
    response = client.get("/talks/self-supervised-deep-learning/")

    assert og(response, "og:title") == "Self-Supervised Deep Learning – Christoph Bonitz"
    assert og(response, "og:url") == "http://testserver/talks/self-supervised-deep-learning/"
    assert og(response, "og:image") == DEFAULT_IMAGE
    assert (og(response, "og:image:width"), og(response, "og:image:height")) == ("1200", "630")
    assert meta(response, "twitter:card") == "summary_large_image"


def test_edition_and_talk_pages_show_the_host_logo(client, deck):
    deck.takeda.logo = _png()
    deck.takeda.save()
    logo = f"http://testserver{deck.takeda.logo.url}"

    edition = client.get("/meetups/32/")
    talk = client.get("/talks/report-from-neurips-2019/")

    for response in (edition, talk):
        assert og(response, "og:image") == logo
        assert og(response, "og:image:alt") == "Takeda"
        assert meta(response, "twitter:card") == "summary"
    assert og(edition, "og:title") == "32nd Vienna Deep Learning Meetup: Self-Supervised Learning / NeurIPS 2019"


def test_the_home_page_uses_its_full_title(client, deck):
    with time_machine.travel(datetime.datetime(2020, 1, 30, 9, 0, tzinfo=VIENNA), tick=False):
        response = client.get("/")

    assert og(response, "og:title") == (
        "Vienna Deep Learning Meetup – next: 32nd Vienna Deep Learning Meetup, Thu, 30 January 2020"
    )
    assert og(response, "og:url") == "http://testserver/"


def test_the_default_image_ships_with_the_app_in_the_size_previews_expect(client, db):
    path = finders.find("img/og-default.png")

    assert path is not None
    assert Path(path).is_relative_to(settings.BASE_DIR / "static")
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
