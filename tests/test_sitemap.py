"""The sitemap lists every public page with its last change, and robots.txt points to it."""

import datetime
import xml.etree.ElementTree as ET  # noqa: S405 - parses the site's own sitemap

import pytest
from django.utils import timezone

from meetups.models import Edition
from talks.models import Person, Talk
from tests.factories import EditionFactory, JobAdFactory, PersonFactory, TalkFactory
from tests.site_data import build_meetup_32

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)  # noqa: S314 - the site's own output
    return {url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root.findall(f"{NS}url")}


def _set_updated(model, pk, day):
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    model.objects.filter(pk=pk).update(updated_at=noon)


@pytest.fixture
def deck(db):
    return build_meetup_32()


def test_editions_talks_speakers_jobs_and_lists_are_listed_with_their_last_change(client, deck):
    _set_updated(Edition, deck.edition.pk, datetime.date(2020, 2, 3))
    _set_updated(Edition, deck.next_edition.pk, datetime.date(2020, 2, 20))
    _set_updated(Talk, deck.neurips.pk, datetime.date(2020, 2, 4))
    _set_updated(Person, deck.donner.pk, datetime.date(2021, 6, 1))
    job = JobAdFactory(slug="ml-engineer")

    urls = _sitemap(client)

    assert urls["http://testserver/meetups/32/"] == "2020-02-03"
    assert urls["http://testserver/meetups/33/"] == "2020-02-20"
    assert urls["http://testserver/talks/report-from-neurips-2019/"] == "2020-02-04"
    assert urls["http://testserver/speakers/rene-donner/"] == "2021-06-01"
    # Organizers have pages too, through the editions they organized.
    assert "http://testserver/speakers/alex-schindler/" in urls
    # In Vienna, as the sitemap writes dates (just after midnight there it is already tomorrow).
    assert urls["http://testserver/jobs/ml-engineer/"] == f"{timezone.localtime(job.updated_at):%Y-%m-%d}"
    for page in ("", "meetups/", "talks/", "speakers/", "sponsors/", "jobs/"):
        assert f"http://testserver/{page}" in urls, page
    assert urls["http://testserver/meetups/"] == "2020-02-20"
    assert all(url.startswith("http://testserver/") and "#" not in url for url in urls)


def test_drafts_expired_jobs_and_people_without_public_pages_are_never_listed(client, db):
    draft = EditionFactory(code="99", published=False)
    TalkFactory(edition=draft, slug="secret-talk", speakers=[PersonFactory(slug="secret-speaker")])
    PersonFactory(slug="nobody-yet")
    JobAdFactory(slug="closed", expires_on=datetime.date(2020, 1, 1), published_on=datetime.date(2019, 12, 1))
    JobAdFactory(slug="unpublished", published=False)
    EditionFactory(code="98")

    urls = _sitemap(client)

    assert "http://testserver/meetups/98/" in urls
    for hidden in ("meetups/99/", "talks/secret-talk/", "speakers/secret-speaker/", "speakers/nobody-yet/",
                   "jobs/closed/", "jobs/unpublished/"):
        assert f"http://testserver/{hidden}" not in urls


def test_an_empty_site_still_has_a_sitemap_of_its_lists(client, db):
    urls = _sitemap(client)

    assert set(urls) == {
        "http://testserver/",
        "http://testserver/meetups/",
        "http://testserver/talks/",
        "http://testserver/speakers/",
        "http://testserver/sponsors/",
        "http://testserver/jobs/",
    }


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /raffles/*/confirm/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines
