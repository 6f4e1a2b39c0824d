"""The benchmark's data set (bench/seed.py) is the same every time, and its pages exist.

Seeded at a small size: the full one is the same code with bigger numbers. No
timing here: `make bench` measures, the tests only check what it measures.
"""

import datetime

import pytest
from django.test import Client

from bench import seed
from meetups.models import AgendaItem, Announcement, Edition, SiteProfile, Venue
from raffles.models import Raffle, RaffleEntry
from sponsors.models import JobAd, Organisation
from talks.models import Person, Talk

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def _clear():
    """Delete what seed() wrote, children first (speakers protect people, sponsorships organisations)."""
    RaffleEntry.objects.all().delete()
    Raffle.objects.all().delete()
    JobAd.objects.all().delete()
    Edition.objects.all().delete()
    Person.objects.all().delete()
    Venue.objects.all().delete()
    Organisation.objects.all().delete()
    SiteProfile.objects.all().delete()


def test_the_same_size_seed_and_day_give_the_same_data():
    seed.seed(seed.SMALL, today=DAY)
    first = seed.fingerprint()
    _clear()
    assert not Talk.objects.exists() and not AgendaItem.objects.exists() and not Announcement.objects.exists()
    seed.seed(seed.SMALL, today=DAY)
    assert seed.fingerprint() == first

    _clear()
    seed.seed(seed.SMALL, today=DAY, rng_seed=7)
    assert seed.fingerprint() != first


def test_the_data_set_has_the_size_asked_for(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=seed.VIENNA))
    seed.seed(seed.SMALL)
    size = seed.SMALL
    assert seed.counts() == {
        "editions": size.editions,
        "talks": size.editions * size.talks_per_edition,
        "people": size.people,
        "organisations": size.organisations,
        "job ads": size.job_ads,
        "raffle entries": size.raffle_entries,
    }
    assert seed.FULL.editions * seed.FULL.talks_per_edition == 1600
    upcoming = Edition.objects.published().upcoming().get()
    assert upcoming.start_date == DAY + datetime.timedelta(days=14)
    assert Edition.objects.filter(kind=Edition.Kind.WORKSHOP).exists()
    raffle = Raffle.objects.get(slug=seed.RAFFLE_SLUG)
    assert raffle.edition == upcoming and raffle.entries.count() == size.raffle_entries


def test_a_second_seed_into_a_filled_database_is_refused():
    seed.seed(seed.SMALL, today=DAY)
    with pytest.raises(RuntimeError, match="empty database"):
        seed.seed(seed.SMALL, today=DAY)


def test_every_page_the_benchmark_measures_exists(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=seed.VIENNA))
    seed.seed(seed.SMALL)
    paths = seed.bench_paths()
    assert len(paths) == 10
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, name
    home = client.get("/").content.decode()
    assert "Conference ticket" in home  # the raffle is open, as the entry benchmark needs
    assert Client().get(f"/raffles/{seed.RAFFLE_SLUG}/").status_code == 200
