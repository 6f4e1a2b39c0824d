"""The database cache behind the rate limits counts exactly, even under concurrency."""

import datetime
import threading

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection

from vdlm.cache import AtomicDatabaseCache


@pytest.fixture
def counter_cache(settings):
    if not isinstance(caches["ratelimit"], AtomicDatabaseCache):
        pytest.skip("REDIS_URL is set: the rate limits use Redis, which increments atomically itself")
    return caches["ratelimit"]


@pytest.mark.django_db
def test_incr_counts_and_keeps_the_window(counter_cache):
    assert counter_cache.add("hits", 1, 600)
    assert not counter_cache.add("hits", 1, 600)
    assert counter_cache.incr("hits") == 2
    assert counter_cache.incr("hits", 3) == 5
    assert counter_cache.get("hits") == 5
    with pytest.raises(ValueError, match="not found"):
        counter_cache.incr("missing")


@pytest.mark.django_db
def test_a_thousand_increments_keep_the_ten_minute_window(counter_cache):
    """The outside test's case: RAFFLE_ENTRY_RATE=1000/10m refused 105 of 1,000 entries, the window shrank."""
    start = datetime.datetime.now(tz=datetime.UTC)
    counter_cache.add("window-1000", 0, 600)
    for count in range(1, 1001):
        assert counter_cache.incr("window-1000") == count
    with time_machine.travel(start + datetime.timedelta(seconds=598)):
        assert counter_cache.get("window-1000") == 1000
    with time_machine.travel(start + datetime.timedelta(seconds=602)):
        assert counter_cache.get("window-1000") is None


@pytest.mark.django_db
def test_incr_of_an_expired_counter_starts_over(counter_cache):
    counter_cache.add("window", 1, 60)
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=61)):
        with pytest.raises(ValueError):
            counter_cache.incr("window")
        assert counter_cache.add("window", 1, 60)


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_lose_nothing(counter_cache):
    counter_cache.add("burst", 0, 600)
    barrier = threading.Barrier(8)

    def hammer():
        barrier.wait()
        try:
            for _ in range(25):
                counter_cache.incr("burst")
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counter_cache.get("burst") == 200


@pytest.mark.django_db
def test_a_room_full_of_counters_culls_none_of_them(counter_cache):
    """150 entrants count under four keys each: the first counter of the evening must survive them all."""
    counter_cache.add("0-first-entrant", 1, 600)
    for key in range(150 * 4):
        counter_cache.add(f"counter-{key}", 1, 600)
    assert counter_cache.incr("0-first-entrant") == 2
