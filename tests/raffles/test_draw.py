"""The draw: fair, reproducible, verifiable, and once only."""

import collections
import datetime
import hashlib
import hmac
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from raffles.models import Raffle, RaffleDraw, RaffleEntry
from raffles.services import (
    DrawError,
    derive_seed,
    draw,
    list_hash,
    pick_winners,
    verify_draw,
)
from tests.factories import RaffleEntryFactory, RaffleFactory

IDS = [f"{n:08x}-0000-4000-8000-000000000000" for n in range(10)]


def _closed_raffle(**fields):
    now = timezone.now()
    defaults = {
        "opens_at": now - datetime.timedelta(days=10),
        "closes_at": now - datetime.timedelta(seconds=1),
        "requires_confirmation": True,
    }
    defaults.update(fields)
    return RaffleFactory(**defaults)


def _entry(raffle, correct=True, confirmed=True, **fields):
    return RaffleEntryFactory(
        raffle=raffle,
        answer="Chollet" if correct else "Hinton",
        confirmed_at=timezone.now() - datetime.timedelta(days=2) if confirmed else None,
        **fields,
    )


def test_same_salt_and_list_give_the_same_winners():
    seed = derive_seed("ab" * 32, list_hash(IDS))
    assert pick_winners(seed, IDS, 3) == pick_winners(seed, IDS, 3)
    # ...while other salts give other results (720 possible ordered triples).
    draws = {tuple(pick_winners(derive_seed(f"{n:064x}", list_hash(IDS)), IDS, 3)) for n in range(20)}
    assert len(draws) > 15


def test_winners_are_distinct_and_from_the_list():
    seed = derive_seed("ef" * 32, list_hash(IDS))
    winners = pick_winners(seed, IDS, 10)
    assert sorted(winners) == sorted(IDS)


def test_seed_is_hmac_of_salt_and_list_hash():
    salt = "12" * 32
    digest = list_hash(IDS)
    assert digest == hashlib.sha256("\n".join(IDS).encode()).hexdigest()
    assert derive_seed(salt, digest) == hmac.new(salt.encode(), digest.encode(), hashlib.sha256).hexdigest()


def test_first_winner_is_uniform_over_many_seeds():
    """Chi-square over 6,000 deterministic seeds for a list of 6 (a size that
    does not divide 2**64, where a modulo draw would be biased)."""
    ids = IDS[:6]
    counts = collections.Counter(
        pick_winners(hashlib.sha256(str(n).encode()).hexdigest(), ids, 1)[0] for n in range(6000)
    )
    expected = 1000
    chi_square = sum((counts[i] - expected) ** 2 / expected for i in ids)
    # 5 degrees of freedom: the 99.9th percentile is 20.5.
    assert chi_square < 20.5, counts


def test_rejection_sampling_discards_the_biased_tail(monkeypatch):
    """With a limit of 3, the value 2**64 - 1 lies in the incomplete last block
    and must be thrown away, not folded onto 0 by a modulo."""
    from raffles import services

    blocks = iter([b"\xff" * 32, (5).to_bytes(8, "big") * 4])

    class FakeHmac:
        def __init__(self, *args):
            self._block = next(blocks)

        def digest(self):
            return self._block

    monkeypatch.setattr(services.hmac, "new", FakeHmac)
    value, counter = services._random_below("00" * 32, 0, 3)
    assert (value, counter) == (5 % 3, 2)


@pytest.mark.django_db
def test_draw_picks_among_correct_confirmed_entries_and_is_verifiable(
    mailoutbox, django_capture_on_commit_callbacks
):
    raffle = _closed_raffle(prize_count=1)
    eligible = [_entry(raffle) for _ in range(5)]
    _entry(raffle, correct=False)
    _entry(raffle, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        record = draw(raffle)
    assert record.eligible_count == 5
    assert record.eligible_ids == sorted(str(e.public_id) for e in eligible)
    assert record.winner_ids[0] in record.eligible_ids
    assert hashlib.sha256(record.salt.encode()).hexdigest() == raffle.commitment
    assert verify_draw(record).ok
    raffle.refresh_from_db()
    assert raffle.status == Raffle.Status.DRAWN
    winner = RaffleEntry.objects.get(public_id=record.winner_ids[0])
    assert [m.to for m in mailoutbox] == [[winner.email]]
    assert "You won" in mailoutbox[0].subject


@pytest.mark.django_db
def test_without_required_confirmation_unconfirmed_entries_count():
    raffle = _closed_raffle(requires_confirmation=False)
    _entry(raffle, confirmed=False)
    assert draw(raffle).eligible_count == 1


@pytest.mark.django_db
def test_tampered_draw_fails_verification():
    raffle = _closed_raffle()
    for _ in range(4):
        _entry(raffle)
    record = draw(raffle)
    someone_else = next(pid for pid in record.eligible_ids if pid != record.winner_ids[0])
    RaffleDraw.objects.filter(pk=record.pk).update(winner_ids=[someone_else])
    record.refresh_from_db()
    result = verify_draw(record)
    assert not result.ok
    assert dict(result.checks)["the winners follow from the seed"] is False


@pytest.mark.django_db
def test_draw_errors_are_clear():
    open_raffle = RaffleFactory()
    with pytest.raises(DrawError, match="still open"):
        draw(open_raffle)
    empty = _closed_raffle()
    _entry(empty, correct=False)
    with pytest.raises(DrawError, match="no eligible entries"):
        draw(empty)
    small = _closed_raffle()
    _entry(small)
    with pytest.raises(DrawError, match="Cannot draw 2 winners from 1 eligible entry"):
        draw(small, winners=2)
    assert RaffleDraw.objects.count() == 0


@pytest.mark.django_db
def test_second_draw_is_refused_and_redraw_keeps_the_first():
    raffle = _closed_raffle()
    for _ in range(3):
        _entry(raffle)
    first = draw(raffle)
    with pytest.raises(DrawError, match="already been drawn"):
        draw(raffle)
    second = draw(raffle, redraw=True)
    assert second.sequence == 2
    assert second.eligible_count == 2
    assert first.winner_ids[0] not in second.eligible_ids
    assert list(raffle.draws.values_list("sequence", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_draw_records_are_immutable():
    raffle = _closed_raffle()
    _entry(raffle)
    record = draw(raffle)
    record.seed = "0" * 64
    with pytest.raises(ValueError, match="immutable"):
        record.save()
    with pytest.raises(ValueError, match="permanent"):
        record.delete()


@pytest.mark.django_db
def test_draw_and_verify_commands():
    raffle = _closed_raffle(slug="ml-prague-2020")
    for _ in range(3):
        _entry(raffle)
    out = StringIO()
    call_command("draw_raffle", "ml-prague-2020", stdout=out)
    assert "eligible entries: 3" in out.getvalue()
    with pytest.raises(CommandError, match="already been drawn"):
        call_command("draw_raffle", "ml-prague-2020", stdout=StringIO())
    out = StringIO()
    call_command("verify_raffle", "ml-prague-2020", stdout=out)
    assert "The draw matches" in out.getvalue()
    with pytest.raises(CommandError, match="No raffle"):
        call_command("verify_raffle", "nope")


@pytest.mark.django_db
def test_verify_command_reports_a_mismatch():
    raffle = _closed_raffle(slug="tampered")
    for _ in range(2):
        _entry(raffle)
    record = draw(raffle)
    RaffleDraw.objects.filter(pk=record.pk).update(eligible_count=99)
    out = StringIO()
    with pytest.raises(CommandError, match="does NOT match"):
        call_command("verify_raffle", "tampered", stdout=out)
    assert "[FAILED] the eligible list is sorted and has the published count" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_draws_make_one_draw():
    raffle = _closed_raffle()
    for _ in range(5):
        _entry(raffle)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        barrier.wait()
        try:
            draw(raffle)
            outcomes.append("drawn")
        except DrawError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [
        "This raffle has already been drawn. Use a re-draw for an unclaimed prize.",
        "drawn",
    ]
    assert RaffleDraw.objects.filter(raffle=raffle).count() == 1


@pytest.mark.django_db
def test_the_result_page_explains_a_recomputation_that_gives_the_same_winners(client):
    """The Python function printed on the result page, run on the page's own data, finds the winners."""
    import html
    import re

    raffle = _closed_raffle(slug="checkable", prize_count=2)
    for _ in range(7):
        _entry(raffle)
    record = draw(raffle)
    page = client.get("/raffles/checkable/result/").content.decode()
    code = html.unescape(re.search(r"<pre class=\"small\"><code>(.*?)</code></pre>", page, re.S).group(1))
    salt = re.search(r"Revealed key \(salt\)</dt><dd><code class=\"text-break\">([0-9a-f]{64})<", page).group(1)
    ids = re.findall(r"<li><code>([0-9a-f-]{36})</code></li>", page)
    namespace = {}
    exec(compile(code, "result-page", "exec"), namespace)  # noqa: S102 - our own published snippet
    assert ids == record.eligible_ids
    assert namespace["winners"](salt, ids, 2) == record.winner_ids
