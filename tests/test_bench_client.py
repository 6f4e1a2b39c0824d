"""The benchmark's fixed-count entry client (bench/run.py post_entries) counts what the site answers.

It is what says "every success is a stored row" in bench/results.md, so it must tell
a stored entry from a refusal. Five entries (under the rate limit the tests keep on)
against the live test server; no timing here.
"""

import os
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches

from bench import run, seed
from raffles.models import RaffleEntry


def post_entries(*args):
    # In a thread of its own: the client runs its own asyncio loop, and the browser tests
    # leave one running in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run.post_entries, *args).result()


@pytest.mark.django_db(transaction=True)
def test_every_entry_the_client_counts_as_a_success_is_a_stored_row(live_server):
    seed.seed(seed.SMALL)
    # Entries earlier tests posted from this address still count against the rate limit
    # (its cache table outlives transactional tests).
    caches["ratelimit"].clear()
    port = int(live_server.url.rsplit(":", 1)[1])
    tag = "client-test"

    entered, successes, outcomes = post_entries(port, 5, 2, tag, secrets.token_hex(16))

    assert successes == 5 and outcomes == {200: 5}
    assert RaffleEntry.objects.filter(email__startswith=f"{tag}-").count() == 5
    assert entered.errors == 0

    # The same addresses again: answered "already entered", not counted as new entries.
    _, successes, outcomes = post_entries(port, 3, 2, tag, secrets.token_hex(16))
    assert successes == 0 and outcomes == {"200 without entry": 3}
    assert RaffleEntry.objects.filter(email__startswith=f"{tag}-").count() == 5


def test_cpu_per_entry_counts_the_servers_whole_process_tree_and_the_client():
    ticks_per_ms = os.sysconf("SC_CLK_TCK") / 1000
    client = os.getpid()
    # pid: (parent pid, CPU ticks, its ended children's ticks): the server 10 with workers 11
    # and 12 (and 13, started by 12 during the run), an unrelated process 99; worker 14 was
    # replaced during the run, and 10 waited for it: 7 ticks of it after the first snapshot.
    before = {10: (1, 100, 0), 11: (10, 50, 0), 12: (10, 0, 0), 14: (10, 33, 0), 99: (1, 5, 0), client: (1, 1000, 0)}
    after = {10: (1, 110, 40), 11: (10, 80, 0), 12: (10, 20, 0), 13: (12, 5, 0), 99: (1, 500, 9), client: (1, 1040, 0)}

    cpu = run.cpu_per_request(before, after, server_pid=10, requests=5)

    # The master's ended children grew by all of 14's 40 ticks, 33 of them used before the run.
    assert cpu["web workers"] == pytest.approx((10 + 30 + 20 + 5 + 7) / ticks_per_ms / 5)
    assert cpu["client"] == pytest.approx(40 / ticks_per_ms / 5)
    assert cpu.get("database", 0) == 0  # no backend of the benchmark's database among these
