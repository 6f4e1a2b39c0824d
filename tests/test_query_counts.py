"""Every public page costs a fixed, small number of SQL queries.

Each page is measured with one edition (8 talks × 2 speakers), then again after
the archive has grown to 30 editions × 8 talks × 2 speakers: the count must not
change, and must stay at or below MAX_QUERIES.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from raffles import services
from raffles.models import Raffle
from tests.factories import PersonFactory, RaffleEntryFactory, RaffleFactory
from tests.site_data import build_archive

# Ten at most (the edition page: the edition, its two neighbours and seven queries for what
# it shows), and never more with more data.
MAX_QUERIES = 10


def _page_urls(edition, upcoming):
    talk = edition.talks.order_by("pk").first()
    speaker = talk.talk_speakers.order_by("position").first().person
    job_ad = edition.job_ads.get()
    raffle = edition.raffles.get()
    year = edition.start_date.year
    return [
        "/",
        "/meetups/",
        "/meetups/?page=2",
        f"/meetups/?q=Talk&year={year}&kind=meetup",
        f"/meetups/?q={speaker.name}",
        f"/meetups/{edition.code}/",
        f"/meetups/{upcoming.code}/",
        "/talks/",
        f"/talks/?q=Speaker&kind=talk&year={year}",
        f"/talks/{talk.slug}/",
        "/speakers/",
        "/speakers/?q=Speaker",
        f"/speakers/{speaker.slug}/",
        "/sponsors/",
        "/jobs/",
        f"/jobs/{job_ad.slug}/",
        f"/raffles/{raffle.slug}/",
        "/privacy/",
    ]


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_every_page_costs_the_same_few_queries_whatever_the_data_size(
    client, django_assert_num_queries, subtests
):
    today = timezone.localdate()
    speakers = PersonFactory.create_batch(40)
    (upcoming,) = build_archive(1, first_day=today + datetime.timedelta(weeks=3), speakers=speakers)
    (edition,) = build_archive(1, first_day=today, speakers=speakers)
    urls = _page_urls(edition, upcoming)
    client.get("/")  # the site profile is cached from now on, as on a running site
    small = {url: _count(client, url) for url in urls}

    build_archive(29, first_day=today - datetime.timedelta(weeks=1), speakers=speakers)
    # New content: each process reads the site profile once more (SiteProfile.cached), then never.
    client.get("/")

    for url in urls:
        with subtests.test(url=url):
            assert small[url] <= MAX_QUERIES, f"{url} needs {small[url]} queries"
            with django_assert_num_queries(small[url], info=url):
                response = client.get(url)
            assert response.status_code == 200


@pytest.mark.django_db
def test_the_large_archive_really_is_large(client):
    """Guards the test above: the second measurement must see 30 editions × 8 talks × 2 speakers."""
    speakers = PersonFactory.create_batch(40)
    build_archive(30, speakers=speakers)
    response = client.get("/")
    assert response.context["stats"] == {"editions": 30, "workshops": 3, "talks": 240, "speakers": 40}


@pytest.mark.django_db
def test_raffle_pages_cost_the_same_with_one_entry_or_many(client, django_assert_num_queries):
    def drawn_raffle(entries):
        raffle = RaffleFactory(requires_confirmation=False, prize_count=min(entries, 3))
        RaffleEntryFactory.create_batch(entries, raffle=raffle)
        Raffle.objects.filter(pk=raffle.pk).update(closes_at=timezone.now() - datetime.timedelta(hours=1))
        services.draw(raffle)
        return raffle

    small, large = drawn_raffle(1), drawn_raffle(60)
    client.get("/")
    for page in ("", "result/"):
        client.get(f"/raffles/{small.slug}/{page}")  # once before, as every page above
        count = _count(client, f"/raffles/{small.slug}/{page}")
        assert count <= MAX_QUERIES
        with django_assert_num_queries(count, info=page):
            assert client.get(f"/raffles/{large.slug}/{page}").status_code == 200
