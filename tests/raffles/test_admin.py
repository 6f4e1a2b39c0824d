"""Organizers run the raffle from the admin: draw, export, erase."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from raffles.models import RaffleDraw, RaffleEntry
from tests.factories import RaffleEntryFactory, RaffleFactory
from tests.html_helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_raffle():
    now = timezone.now()
    raffle = RaffleFactory(
        title="ML Prague 2020", opens_at=now - datetime.timedelta(days=9), closes_at=now - datetime.timedelta(hours=1)
    )
    for n in range(3):
        RaffleEntryFactory(raffle=raffle, email=f"person{n}@example.org", answer="Chollet", confirmed_at=now)
    RaffleEntryFactory(raffle=raffle, email="wrong@example.org", answer="Hinton", confirmed_at=now)
    return raffle


def test_draw_action_draws_once_and_shows_the_winner(
    organizer_client, closed_raffle, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("admin:raffles_raffle_changelist")
    data = {"action": "draw_winners", "_selected_action": [closed_raffle.pk]}
    # First a page that asks, with what the draw will be made of; nothing is drawn yet.
    asked = organizer_client.post(url, data)
    assert asked.status_code == 200 and not RaffleDraw.objects.exists() and not mailoutbox
    page = text(asked)
    assert "ML Prague 2020: 3 eligible entries, 1 winner." in page
    assert closed_raffle.commitment in page
    assert "Yes, draw now" in asked.content.decode()

    data["apply"] = "1"
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(url, data, follow=True)
    record = RaffleDraw.objects.get()
    winner = RaffleEntry.objects.get(public_id=record.winner_ids[0])
    content = response.content.decode()
    assert f"Raffle “ML Prague 2020”: draw 1 among 3 eligible entries. Winner(s): {winner.email}" in content
    assert [m.to for m in mailoutbox] == [[winner.email]]

    again = organizer_client.post(url, data, follow=True).content.decode()
    assert "This raffle has already been drawn" in again
    assert RaffleDraw.objects.count() == 1

    change = organizer_client.get(reverse("admin:raffles_raffle_change", args=[closed_raffle.pk])).content.decode()
    assert winner.email in change  # organizers see the full address


def test_draw_records_cannot_be_changed_in_the_admin(organizer_client, closed_raffle):
    from raffles.services import draw

    record = draw(closed_raffle)
    url = reverse("admin:raffles_raffledraw_change", args=[record.pk])
    assert organizer_client.get(url).status_code == 200
    organizer_client.post(url, {"seed": "0" * 64})
    record.refresh_from_db()
    assert record.seed != "0" * 64
    delete = reverse("admin:raffles_raffledraw_delete", args=[record.pk])
    assert organizer_client.post(delete, {"post": "yes"}).status_code == 403
    assert RaffleDraw.objects.count() == 1


def test_csv_export_of_entries(organizer_client, closed_raffle):
    RaffleEntryFactory(raffle=closed_raffle, email="sneaky@example.org", name="=HYPERLINK(1)", answer="Chollet")
    response = organizer_client.post(
        reverse("admin:raffles_raffle_changelist"),
        {"action": "export_entries_csv", "_selected_action": [closed_raffle.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == ["raffle", "public id", "email", "name", "answer", "correct"]
    assert len(rows) == 6
    assert {row[2] for row in rows[1:]} >= {"person0@example.org", "wrong@example.org"}
    sneaky = next(row for row in rows if row[2] == "sneaky@example.org")
    assert sneaky[3] == "'=HYPERLINK(1)"  # no formula runs when the sheet is opened
    assert next(row for row in rows if row[2] == "wrong@example.org")[5] == "no"


def test_entry_list_filters(organizer_client, closed_raffle):
    RaffleEntryFactory(raffle=closed_raffle, email="unconfirmed@example.org", confirmed_at=None)
    url = reverse("admin:raffles_raffleentry_changelist")
    correct = organizer_client.get(url, {"correct": "no"}).context["cl"].result_list
    assert [e.email for e in correct] == ["wrong@example.org"]
    unconfirmed = organizer_client.get(url, {"confirmed": "no"}).context["cl"].result_list
    assert [e.email for e in unconfirmed] == ["unconfirmed@example.org"]


def test_erase_action_forgets_a_person_in_every_raffle(organizer_client, closed_raffle):
    other = RaffleEntryFactory(email="PERSON0@example.org")
    entry = closed_raffle.entries.get(email="person0@example.org")
    organizer_client.post(
        reverse("admin:raffles_raffleentry_changelist"),
        {"action": "erase_people", "_selected_action": [entry.pk]},
    )
    entry.refresh_from_db()
    other.refresh_from_db()
    assert entry.email.endswith("@anonymised.invalid") and other.email.endswith("@anonymised.invalid")
    assert entry.anonymised_at and other.anonymised_at
    assert RaffleEntry.objects.filter(email__iexact="person0@example.org").count() == 0
