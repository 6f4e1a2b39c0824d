"""What every public page owes its visitors: a real title, description and canonical
URL, headings in order, labelled controls, images with size and alt text, and
nothing loaded from another host."""

import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from meetups.models import SiteProfile
from tests.html_helpers import canonical, meta, parse, resource_urls
from tests.site_data import build_meetup_32

VIENNA = ZoneInfo("Europe/Vienna")

PAGES = [
    "/",
    "/meetups/",
    "/meetups/?q=NeurIPS",
    "/meetups/32/",
    "/talks/",
    "/talks/self-supervised-deep-learning/",
    "/talks/hot-topics-32/",
    "/speakers/",
    "/speakers/rene-donner/",
    "/sponsors/",
    "/jobs/",
    "/jobs/lead-data-engineer/",
    "/raffles/ml-prague-2020/",
    "/privacy/",
]


def _png():
    buffer = BytesIO()
    Image.new("RGB", (600, 300), (0, 80, 160)).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue())


@pytest.fixture
def responses(client, db):
    profile = SiteProfile.load()
    profile.github_url = "https://github.com/vdlm/meetups"
    profile.save()
    with time_machine.travel(datetime.datetime(2020, 1, 30, 9, 0, tzinfo=VIENNA), tick=False):
        deck = build_meetup_32()
        deck.takeda.logo = _png()
        deck.takeda.save()
        deck.bonitz.photo = _png()
        deck.bonitz.save()
        yield {url: client.get(url) for url in PAGES}


def test_every_page_has_title_description_and_canonical_url(responses, subtests):
    for url, response in responses.items():
        with subtests.test(url=url):
            assert response.status_code == 200
            title = parse(response).title
            assert "Vienna Deep Learning Meetup" in title
            assert len(title) > len("Vienna Deep Learning Meetup") + 5
            description = meta(response, "description")
            assert 40 <= len(description) <= 400
            assert canonical(response) == "http://testserver" + url.split("?")[0]


def test_titles_differ_between_pages(responses):
    titles = [parse(response).title for url, response in responses.items() if "?" not in url]

    assert len(set(titles)) == len(titles)


def test_every_page_has_one_h1_and_headings_in_order(responses, subtests):
    for url, response in responses.items():
        with subtests.test(url=url):
            levels = [level for level, _text in parse(response).headings]
            assert levels[0] == 1
            assert levels.count(1) == 1
            for before, after in zip(levels, levels[1:], strict=False):
                assert after <= before + 1, f"h{before} followed by h{after}"


def test_no_page_loads_anything_from_another_host(responses, subtests):
    for url, response in responses.items():
        with subtests.test(url=url):
            urls = resource_urls(response)
            assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
            assert "/static/bootstrap/css/bootstrap.min.css" in urls
            assert "/static/bootstrap/js/bootstrap.bundle.min.js" in urls


def test_every_page_has_landmarks_skip_link_and_language(responses, subtests):
    for url, response in responses.items():
        with subtests.test(url=url):
            tags = parse(response).elements
            assert ("html", {"lang": "en"}) in tags
            assert any(tag == "a" and attrs.get("href") == "#main" for tag, attrs in tags)
            assert any(tag == "main" and attrs.get("id") == "main" for tag, attrs in tags)
            assert any(tag == "nav" and attrs.get("aria-label") == "Main" for tag, attrs in tags)
            assert any(tag == "footer" for tag, _attrs in tags)
            # A strict Content-Security-Policy comes later: no inline scripts or styles. schema.org
            # data (application/ld+json) is a data block that browsers never run, so it may stay.
            assert not [
                attrs
                for tag, attrs in tags
                if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/ld+json"
            ]
            assert not [attrs for tag, attrs in tags if "style" in attrs]
            assert "style" not in [tag for tag, _attrs in tags]


def test_controls_are_labelled_and_images_described(responses, subtests):
    for url, response in responses.items():
        with subtests.test(url=url):
            page = parse(response)
            labelled = {attrs.get("for") for tag, attrs in page.elements if tag == "label"}
            for tag, attrs in page.elements:
                if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
                    assert attrs.get("id") in labelled or attrs.get("aria-label"), attrs
                if tag == "img":
                    assert "alt" in attrs and attrs.get("width") and attrs.get("height"), attrs


def test_logos_and_photos_appear_as_thumbnails(responses):
    images = {
        url: [attrs for tag, attrs in parse(response).elements if tag == "img"] for url, response in responses.items()
    }

    assert any(image["alt"] == "Takeda" for image in images["/meetups/32/"])
    assert any(image["alt"] == "Photo of Christoph Bonitz" for image in images["/talks/self-supervised-deep-learning/"])
    assert all(image["src"].startswith("/media/thumbs/") for found in images.values() for image in found)


@pytest.mark.django_db
def test_bootstrap_is_served_by_the_app_itself_after_collectstatic(client, tmp_path, settings):
    from django.core.management import call_command

    settings.STATIC_ROOT = str(tmp_path)
    settings.MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware", *settings.MIDDLEWARE]
    call_command("collectstatic", interactive=False, verbosity=0)

    css = client.get("/static/bootstrap/css/bootstrap.min.css")
    js = client.get("/static/bootstrap/js/bootstrap.bundle.min.js")
    site = client.get("/static/css/site.css")

    assert css.status_code == js.status_code == site.status_code == 200
    assert b"Bootstrap  v5.3.8" in b"".join(css.streaming_content)
    assert b"Bootstrap v5.3.8" in b"".join(js.streaming_content)
