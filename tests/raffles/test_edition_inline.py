"""The edition's raffles on the edition's admin page (raffles/admin.py RaffleOfEditionInline)."""

import pytest
from django.urls import reverse

from meetups.models import Edition
from raffles.models import Raffle
from tests.admin_forms import form_data
from tests.factories import EditionFactory, RaffleEntryFactory, RaffleFactory

pytestmark = pytest.mark.django_db


def post_page(client, edition, change):
    url = reverse("admin:meetups_edition_change", args=[edition.pk])
    data = form_data(client.get(url), Edition)
    data.update({name: [value] for name, value in change.items()})
    return client.post(url, {name: values[0] if len(values) == 1 else values for name, values in data.items()})


def test_a_raffle_added_on_the_edition_page_is_a_draft_with_a_short_address(organizer_client):
    edition = EditionFactory(code="34", number=34)
    response = post_page(
        organizer_client,
        edition,
        {
            "raffles-TOTAL_FORMS": "1",
            "raffles-0-title": "Win a ticket to ML Prague",
            "raffles-0-status": "draft",
            "raffles-0-prize": "1 free ticket",
            "raffles-0-prize_count": "1",
            "raffles-0-question": "Who created Keras?",
            "raffles-0-accepted_answers": "François Chollet",
            "raffles-0-opens_at_0": "2026-12-01",
            "raffles-0-opens_at_1": "09:00",
            "raffles-0-closes_at_0": "2026-12-20",
            "raffles-0-closes_at_1": "20:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    raffle = Raffle.objects.get(edition=edition)
    assert (raffle.status, raffle.slug, raffle.commitment != "") == ("draft", "34-ticket", True)


def test_closing_before_opening_is_refused_with_the_raffles_own_message(organizer_client):
    edition = EditionFactory()
    RaffleFactory(edition=edition)
    response = post_page(organizer_client, edition, {"raffles-0-closes_at_0": "2000-01-01"})
    assert response.status_code == 200
    assert "The raffle must close after it opens." in response.content.decode()


def test_new_accepted_answers_recheck_the_entries(organizer_client):
    edition = EditionFactory()
    raffle = RaffleFactory(edition=edition, accepted_answers="Chollet")
    entry = RaffleEntryFactory(raffle=raffle, answer="Keras team")
    assert entry.answer_correct is False
    response = post_page(organizer_client, edition, {"raffles-0-accepted_answers": "Chollet\nKeras team"})
    assert response.status_code == 302, response.content.decode()[:3000]
    entry.refresh_from_db()
    assert entry.answer_correct is True
