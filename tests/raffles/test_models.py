import pytest
from django.db import IntegrityError, transaction

from raffles.models import Raffle, RaffleEntry, normalize_answer
from tests.factories import RaffleEntryFactory, RaffleFactory

pytestmark = pytest.mark.django_db


def test_one_entry_per_email_per_raffle_whatever_the_case():
    entry = RaffleEntryFactory(email="ada@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        RaffleEntryFactory(raffle=entry.raffle, email="ADA@Example.org")
    assert RaffleEntry.objects.count() == 1


def test_same_email_may_enter_another_raffle():
    RaffleEntryFactory(email="ada@example.org")
    RaffleEntryFactory(email="ada@example.org")
    assert RaffleEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("answer", "correct"),
    [
        ("François Chollet", True),
        ("francois chollet", True),
        ("  FRANÇOIS   Chollet ", True),
        ("Chollet", True),
        ("François Chollet.", True),
        ('"Chollet"!', True),
        ("\tfrancois chollet ?", True),
        ("Chollet, François", False),
        ("Yann LeCun", False),
        ("...", False),
        ("", False),
    ],
)
def test_correctness_is_derived_from_the_accepted_answers(answer, correct):
    raffle = RaffleFactory(accepted_answers="François Chollet\nFrancois Chollet\nChollet")
    entry = RaffleEntryFactory(raffle=raffle, answer=answer)
    assert entry.answer_correct is correct
    assert entry.is_correct is correct


def test_organizer_can_overrule_the_automatic_check():
    entry = RaffleEntryFactory(answer="F. Chollet")
    assert entry.is_correct is False
    entry.correct_override = True
    entry.save()
    counts = Raffle.objects.with_entry_counts().get(pk=entry.raffle_id)
    assert entry.is_correct is True
    assert (counts.entry_count, counts.correct_entry_count) == (1, 1)


def test_changed_accepted_answers_recheck_existing_entries():
    raffle = RaffleFactory(accepted_answers="Chollet")
    entry = RaffleEntryFactory(raffle=raffle, answer="Keras author François")
    raffle.accepted_answers = "Chollet\nKeras author François"
    raffle.save()
    raffle.recheck_entries()
    entry.refresh_from_db()
    assert entry.answer_correct is True


def test_raffle_must_close_after_it_opens():
    raffle = RaffleFactory.build()
    raffle.closes_at = raffle.opens_at
    with pytest.raises(IntegrityError), transaction.atomic():
        raffle.save()


def test_normalize_answer_ignores_accents_case_and_spacing():
    assert normalize_answer(" Fran\u00e7ois\tCHOLLET ") == "francois chollet"


def test_a_raffle_without_a_slug_gets_a_short_one_to_read_off_the_projector():
    from tests.factories import EditionFactory

    edition = EditionFactory(code="34", number=34)
    first = RaffleFactory(slug="", edition=edition, title="eMail raffle for 1 free ticket to ML Prague 2027",
                          prize="1 free ticket for ML Prague 2027")
    second = RaffleFactory(slug="", edition=edition, prize="1 free ticket")
    third = RaffleFactory(slug="", edition=None, prize="2 books")
    assert (first.slug, second.slug, third.slug) == ("34-ticket", "34-ticket-2", "books")
    assert first.get_absolute_url() == "/raffles/34-ticket/"
    # An address the organizer typed stays as it is.
    assert RaffleFactory(slug="ml-prague", edition=edition).slug == "ml-prague"
