"""Every feed, calendar, sitemap and API list costs a fixed number of SQL queries.

Measured with one past and one upcoming edition (8 talks × 2 speakers each),
then again after the archive has grown to 31 editions × 8 talks × 2 speakers:
the count must not change, and must stay at or below MAX_QUERIES.
"""

import datetime

import pytest
from django.utils import timezone

from talks.models import Talk
from tests.factories import PersonFactory
from tests.site_data import build_archive
from tests.test_query_counts import MAX_QUERIES, _count


def _urls(edition):
    talk = edition.talks.order_by("pk").first()
    speaker = talk.talk_speakers.order_by("position").first().person
    year = edition.start_date.year
    return [
        "/api/editions/",
        "/api/editions/?page_size=50",
        f"/api/editions/?year={year}&kind=meetup",
        "/api/editions/?when=past",
        f"/api/editions/{edition.code}/",
        "/api/talks/",
        "/api/talks/?page_size=50",
        f"/api/talks/?year={year}&kind=talk",
        f"/api/talks/{talk.slug}/",
        "/api/speakers/",
        "/api/speakers/?page_size=50",
        f"/api/speakers/?year={year}&kind=talk",
        f"/api/speakers/{speaker.slug}/",
        "/api/openapi.json",
        "/meetups/feed/",
        "/meetups/feed/atom/",
        "/talks/feed/",
        "/talks/feed/atom/",
        "/meetups/calendar.ics",
        f"/meetups/{edition.code}/calendar.ics",
        "/sitemap.xml",
    ]


def _with_videos():
    # The talk feed lists talks with slides or a video: give every talk one, so the feed is full.
    Talk.objects.update(video_url="https://www.youtube.com/watch?v=GSMh5fw2Mjo")


@pytest.mark.django_db
def test_every_list_costs_the_same_few_queries_whatever_the_data_size(client, django_assert_num_queries, subtests):
    today = timezone.localdate()
    speakers = PersonFactory.create_batch(40)
    build_archive(1, first_day=today + datetime.timedelta(weeks=3), speakers=speakers)
    (edition,) = build_archive(1, first_day=today, speakers=speakers)
    _with_videos()
    urls = _urls(edition)
    client.get("/")  # the site profile is cached from now on, as on a running site
    small = {url: _count(client, url) for url in urls}

    build_archive(29, first_day=today - datetime.timedelta(weeks=1), speakers=speakers)
    _with_videos()
    # New content: each process reads the site profile once more (SiteProfile.cached), then never.
    client.get("/")

    for url in urls:
        with subtests.test(url=url):
            assert small[url] <= MAX_QUERIES, f"{url} needs {small[url]} queries"
            with django_assert_num_queries(small[url], info=url):
                response = client.get(url)
            assert response.status_code == 200
    # The large archive really is large: several pages of talks, each page as cheap as the first.
    assert client.get("/api/talks/").json()["count"] == 31 * 8
    with django_assert_num_queries(small["/api/talks/"]):
        assert len(client.get("/api/talks/?page=2").json()["results"]) == 10
    with django_assert_num_queries(small["/api/talks/?page_size=50"]):
        assert len(client.get("/api/talks/?page_size=50&page=3").json()["results"]) == 50


@pytest.mark.django_db
def test_an_api_page_of_50_costs_the_queries_of_a_page_of_1(client):
    speakers = PersonFactory.create_batch(40)
    build_archive(8, speakers=speakers)
    client.get("/")
    for url in ("/api/editions/", "/api/talks/", "/api/speakers/"):
        one, fifty = _count(client, f"{url}?page_size=1"), _count(client, f"{url}?page_size=50")
        assert one == fifty, url
    # Fixed, and few: the page, its count, one query for each kind of row shown in it.
    assert _count(client, "/api/editions/") == 7
    assert _count(client, "/api/talks/") == 4
    assert _count(client, "/api/speakers/") == 3
