"""Entries share the raffle's lock with each other, never with a draw (raffles.services.lock_for_entry).

Each test holds one transaction open in a thread at a chosen point and checks
what another transaction can do meanwhile: the order of events, never a timing.
"""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from raffles import services
from raffles.models import Raffle, RaffleDraw, RaffleEntry
from tests.factories import RaffleFactory

WAIT = 20  # seconds before a stuck test fails instead of hanging


def _in_thread(target):
    outcome = {}

    def run():
        try:
            outcome["value"] = target()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.django_db(transaction=True)
def test_an_entry_does_not_wait_for_another_entrys_transaction():
    raffle = RaffleFactory(requires_confirmation=False)
    holding, release = threading.Event(), threading.Event()

    def slow_entry():
        with transaction.atomic():
            services.lock_for_entry(raffle.pk)
            holding.set()
            assert release.wait(WAIT), "the other entry never finished"

    thread, outcome = _in_thread(slow_entry)
    assert holding.wait(WAIT)
    try:
        # Meanwhile, a second entrant's whole entry goes through and is stored.
        result = services.submit_entry(raffle, email="second@example.org", answer="Chollet")
        assert result.created
        assert RaffleEntry.objects.filter(raffle=raffle).count() == 1
    finally:
        release.set()
        thread.join(WAIT)
    assert "error" not in outcome


@pytest.mark.django_db(transaction=True)
def test_a_draw_waits_for_an_entry_that_began_before_the_deadline_and_counts_it(monkeypatch):
    now = timezone.now()
    raffle = RaffleFactory(
        requires_confirmation=False,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(seconds=1),
    )
    stored, release = threading.Event(), threading.Event()
    original_save = RaffleEntry.save

    def save_then_pause(entry, *args, **kwargs):
        original_save(entry, *args, **kwargs)
        if entry.email == "last-second@example.org":
            stored.set()  # inserted, not yet committed
            assert release.wait(WAIT)

    monkeypatch.setattr(RaffleEntry, "save", save_then_pause)
    entry_thread, entry_outcome = _in_thread(
        lambda: services.submit_entry(raffle, email="last-second@example.org", answer="Chollet", now=now)
    )
    assert stored.wait(WAIT)
    after_deadline = now + datetime.timedelta(seconds=5)
    draw_thread, draw_outcome = _in_thread(lambda: services.draw(raffle, now=after_deadline))
    try:
        draw_thread.join(0.5)
        assert draw_thread.is_alive(), "the draw went ahead while an entry was still being stored"
    finally:
        release.set()
        entry_thread.join(WAIT)
        draw_thread.join(WAIT)

    assert "error" not in entry_outcome and "error" not in draw_outcome
    entry = RaffleEntry.objects.get(email="last-second@example.org")
    assert RaffleDraw.objects.get(raffle=raffle).winner_ids == [str(entry.public_id)]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite lets one writer in at a time")


pytestmark = pytest.mark.usefixtures("postgres_only")


@pytest.mark.django_db
def test_the_share_lock_reads_the_whole_raffle_row():
    raffle = RaffleFactory(requires_confirmation=False)
    with transaction.atomic():
        locked = services.lock_for_entry(raffle.pk)
    assert locked.get_deferred_fields() == set()
    stored = Raffle.objects.get(pk=raffle.pk)
    columns = [field.attname for field in Raffle._meta.get_fields() if field.concrete]  # the documented _meta API
    assert [getattr(locked, name) for name in columns] == [getattr(stored, name) for name in columns]


@pytest.mark.django_db
def test_the_share_lock_of_a_missing_raffle_says_so():
    with pytest.raises(Raffle.DoesNotExist), transaction.atomic():
        services.lock_for_entry(0)
