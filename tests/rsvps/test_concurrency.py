"""The seats' invariant under concurrency, on the test's real database (PostgreSQL in CI, and SQLite).

Each thread has its own database connection, as each gunicorn worker has; the RSVPs and
cancellations race for the same edition's seats.
"""

import threading

import pytest
from django.db import connection

from rsvps import services
from rsvps.models import Rsvp, RsvpSettings
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db(transaction=True)

CAPACITY = 10
PEOPLE = 40


def run_in_threads(work, items, threads=8):
    """Run work(item) for every item from `threads` threads at once; returns the exceptions raised."""
    errors, lock = [], threading.Lock()
    pending = list(items)
    start = threading.Barrier(threads)

    def worker():
        start.wait()
        try:
            while True:
                with lock:
                    if not pending:
                        return
                    item = pending.pop()
                try:
                    work(item)
                except Exception as error:  # noqa: BLE001 - every failure is counted, none may happen
                    with lock:
                        errors.append(error)
        finally:
            connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    return errors


def rsvp_with_retry(edition, email):
    for _attempt in range(20):  # what a visitor does on "please send it again"
        try:
            return services.rsvp(edition, name=email, email=email, base_url="http://testserver/")
        except services.RsvpBusy:
            continue
    raise AssertionError(f"{email}: still busy after 20 tries")


def test_never_more_going_than_seats_and_freed_seats_go_in_order(settings):
    settings.RSVP_LOCK_TIMEOUT_MS = 10000
    edition = EditionFactory()
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=CAPACITY)
    addresses = [f"person{n:02}@example.org" for n in range(PEOPLE)]

    errors = run_in_threads(lambda email: rsvp_with_retry(edition, email), addresses)

    assert errors == []
    assert Rsvp.objects.count() == PEOPLE  # nobody twice, nobody lost
    assert Rsvp.objects.filter(status="going").count() == CAPACITY
    assert Rsvp.objects.filter(status="waiting").count() == PEOPLE - CAPACITY

    # Half of those going cancel at once: exactly that many offers, to the first in the queue.
    going = list(Rsvp.objects.filter(status="going"))[: CAPACITY // 2]
    queue = list(Rsvp.objects.filter(edition=edition).waiting_in_order().values_list("email", flat=True))

    def cancel(entry):
        for _attempt in range(20):
            try:
                return services.cancel(entry)
            except services.RsvpBusy:
                continue
        raise AssertionError("still busy")

    errors = run_in_threads(cancel, going)

    assert errors == []
    offered = set(Rsvp.objects.filter(status="offered").values_list("email", flat=True))
    assert offered == set(queue[: CAPACITY // 2])
    assert Rsvp.objects.filter(edition=edition).holding_seats().seats() == CAPACITY
