"""Hosts and sponsors, job ads, and the logo thumbnails they show."""

import datetime
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from sponsors.models import Sponsorship
from tests.factories import EditionFactory, JobAdFactory, OrganisationFactory, SponsorshipFactory
from tests.html_helpers import links, parse, text
from tests.site_data import build_meetup_32

pytestmark = pytest.mark.django_db

DECK_DAY = datetime.datetime(2020, 2, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def deck(db):
    with time_machine.travel(DECK_DAY, tick=False):
        yield build_meetup_32()


def _png(width, height, colour=(200, 30, 30, 255)):
    buffer = BytesIO()
    Image.new("RGBA", (width, height), colour).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


# --- Sponsors --------------------------------------------------------------


def test_sponsor_page_lists_hosts_then_other_supporters_with_their_editions(client, deck):
    response = client.get("/sponsors/")

    assert response.status_code == 200
    page = parse(response)
    assert [title for level, title in page.headings if level in (2, 3)][:5] == [
        "Venue hosts",
        "Magenta",
        "Takeda",
        "Sponsors and partners",
        "ML Prague",
    ]
    assert "Takeda Austria: more than 4,000 employees" in page.text
    assert "Venue host – 32nd Vienna Deep Learning Meetup, Thu, 30 January 2020" in page.text
    assert "Prize donor (Raffle ticket) – 32nd Vienna Deep Learning Meetup" in page.text
    assert "https://www.takeda.com/de-at/" in links(response)
    assert 'id="takeda"' in response.content.decode()  # Organisation.get_absolute_url points here


def test_sponsor_page_leaves_out_organisations_of_draft_editions_only(client, deck):
    SponsorshipFactory(
        edition=EditionFactory(published=False),
        organisation=OrganisationFactory(name="Future Host"),
        role=Sponsorship.Role.HOST,
    )
    OrganisationFactory(name="Just an affiliation")

    page = text(client.get("/sponsors/"))

    assert "Future Host" not in page
    assert "Just an affiliation" not in page


def test_sponsor_page_links_the_open_positions_of_a_sponsor(client, deck):
    with time_machine.travel(DECK_DAY, tick=False):
        SponsorshipFactory(edition=deck.edition, organisation=deck.automic, role=Sponsorship.Role.PARTNER)
        response = client.get("/sponsors/")

    assert "Open positions: Lead Data Engineer" in text(response)
    assert "/jobs/lead-data-engineer/" in links(response)


def test_logos_are_resized_thumbnails_with_size_and_alt_text(client, deck):
    deck.takeda.logo = _png(800, 400)
    deck.takeda.save()

    response = client.get("/sponsors/")

    images = [attrs for tag, attrs in parse(response).elements if tag == "img"]
    (logo,) = [image for image in images if image["alt"] == "Takeda"]
    # Fits the 200×80 box, keeping the 2:1 shape.
    assert (logo["width"], logo["height"]) == ("160", "80")
    assert logo["src"].startswith("/media/thumbs/")
    stored = Path(settings.MEDIA_ROOT) / logo["src"].removeprefix("/media/")
    with Image.open(stored) as thumbnail:
        # Twice the display size for sharp high-density screens, far below the 800 px original.
        assert thumbnail.size == (320, 160)
        assert thumbnail.format == "PNG"


def test_a_broken_logo_does_not_break_the_page(client, deck):
    deck.takeda.logo.name = "logos/missing.png"
    deck.takeda.save()

    response = client.get("/sponsors/")

    assert response.status_code == 200
    assert "Takeda" in text(response)


# --- Jobs ------------------------------------------------------------------


def test_job_list_shows_active_ads_only(client, deck):
    with time_machine.travel(DECK_DAY, tick=False):
        JobAdFactory(title="Expired role", published_on=datetime.date(2019, 1, 1), expires_on=datetime.date(2019, 6, 1))
        JobAdFactory(title="Unpublished role", published=False)
        JobAdFactory(title="Scheduled role", published_on=datetime.date(2020, 3, 1), expires_on=None)
        response = client.get("/jobs/")

    page = text(response)
    assert "Lead Data Engineer Automic · Vienna Become the spearhead of our data product initiatives" in page
    assert "Open until Sat, 29 February 2020" in page
    for hidden in ("Expired role", "Unpublished role", "Scheduled role"):
        assert hidden not in page


def test_job_ad_reads_like_the_deck_with_an_apply_button(client, deck):
    with time_machine.travel(DECK_DAY, tick=False):
        response = client.get("/jobs/lead-data-engineer/")

    assert response.status_code == 200
    page = parse(response)
    assert [title for level, title in page.headings if level == 2][:4] == [
        "3 things you will do",
        "3 things you bring",
        "3 things you get",
        "Interested?",
    ]
    html = response.content.decode()
    assert "Extract and <strong>build data sets</strong> from various applications" in html
    assert "Announced at 32nd Vienna Deep Learning Meetup." in page.text
    assert "https://cd.automic.com/lead-data-engineer/" in links(response)
    assert "Apply at Automic" in page.text


def test_expired_job_ad_answers_410_with_a_clear_page(client, deck):
    with time_machine.travel(datetime.datetime(2020, 3, 5, 12, 0, tzinfo=datetime.UTC), tick=False):
        response = client.get("/jobs/lead-data-engineer/")

    assert response.status_code == 410
    page = text(response)
    assert "This position is closed" in page
    assert "“Lead Data Engineer” at Automic is no longer open: the ad ended on Sat, 29 February 2020." in page
    assert "https://cd.automic.com/lead-data-engineer/" not in links(response)
    assert "/jobs/" in links(response)


def test_job_ad_is_still_open_on_its_last_day(client, deck):
    with time_machine.travel(datetime.datetime(2020, 2, 29, 22, 0, tzinfo=datetime.UTC), tick=False):
        # 23:00 in Vienna on 29 February: still the last day.
        assert client.get("/jobs/lead-data-engineer/").status_code == 200


def test_unpublished_and_scheduled_job_ads_are_404_for_visitors_and_drafts_for_organizers(organizer_client):
    unpublished = JobAdFactory(published=False)
    scheduled = JobAdFactory(published_on=timezone.localdate() + datetime.timedelta(days=5), expires_on=None)

    for job_ad in (unpublished, scheduled):
        assert Client().get(job_ad.get_absolute_url()).status_code == 404
        response = organizer_client.get(job_ad.get_absolute_url())
        assert response.status_code == 200
        assert "Draft." in text(response)


def test_unknown_job_ad_is_404(client):
    assert client.get("/jobs/no-such-job/").status_code == 404
