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
