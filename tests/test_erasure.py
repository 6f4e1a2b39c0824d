"""Erasing one person removes them everywhere the site keeps them: raffles, RSVPs, the list, mail."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from members.models import Subscriber, Suppression, address_hash
from outbox.models import OutgoingMail
from raffles.models import RaffleEntry
from rsvps import services as rsvps
from rsvps.models import AttendanceRecord, Rsvp, RsvpChange, RsvpSettings
from tests.factories import EditionFactory, RaffleEntryFactory

pytestmark = pytest.mark.django_db


def test_erase_person_everywhere(django_capture_on_commit_callbacks):
    edition = EditionFactory()
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        rsvps.rsvp(edition, name="Ada", email="ada@example.org", base_url="http://testserver/")
        rsvps.rsvp(edition, name="Bob", email="bob@example.org", base_url="http://testserver/")
    AttendanceRecord.objects.create(edition=edition, email_hash=address_hash("ada@example.org"), outcome="came")
    RaffleEntryFactory(email="Ada@example.org")
    Subscriber.objects.create(
        email="ADA@example.org", status="subscribed", consent_text="Yes.", consented_at=timezone.now()
    )
    assert OutgoingMail.objects.filter(recipient="ada@example.org").exists() and len(mail.outbox) == 2

    out = StringIO()
    call_command("erase_person", "ada@EXAMPLE.org", stdout=out)

    assert "1 raffle entries, 1 RSVPs, 1 list addresses, 1 sent mails" in out.getvalue()
    assert list(Rsvp.objects.values_list("email", flat=True)) == ["bob@example.org"]
    assert not RsvpChange.objects.filter(what__startswith="Ada").exists()
    assert not AttendanceRecord.objects.exists()
    assert RaffleEntry.objects.get().anonymised_at is not None
    assert not Subscriber.objects.exists() and not Suppression.objects.exists()
    assert not OutgoingMail.objects.filter(recipient__iexact="ada@example.org").exists()
    with pytest.raises(CommandError, match="not an email address"):
        call_command("erase_person", "ada")


def test_erasing_someone_going_offers_their_seat_to_the_waiting_list(django_capture_on_commit_callbacks):
    edition = EditionFactory()
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        rsvps.rsvp(edition, name="Ada", email="ada@example.org", base_url="http://testserver/")
        rsvps.rsvp(edition, name="Bob", email="bob@example.org", base_url="http://testserver/")
        call_command("erase_person", "ada@example.org", stdout=StringIO())
    assert list(Rsvp.objects.values_list("email", "status")) == [("bob@example.org", "offered")]
    assert mail.outbox[-1].to == ["bob@example.org"]
