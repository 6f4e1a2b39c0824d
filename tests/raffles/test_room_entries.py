"""The raffle on the evening: a room full of people behind the venue's one Wi-Fi address (issue #17).

Limits are per email address (from anywhere), per address from one network (repeats)
and, only as a high burst guard, per network; the confirmation mail is resent at most
once in ten minutes; the form's signed render time expires and cannot be replayed.
"""

import datetime
import re
import time

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from raffles.models import RaffleEntry
from tests.factories import RaffleFactory
from vdlm.spam import rendered_at_token

pytestmark = pytest.mark.django_db

VENUE_WIFI = "203.0.113.7"


@pytest.fixture
def raffle():
    return RaffleFactory(slug="ml-prague-2027", accepted_answers="Chollet")


# Addresses of their own: a transactional test elsewhere may have committed rate-limit
# counters for ada@example.org, which live in the database cache for ten minutes.
def _form(email, **overrides):
    return {
        "email": email,
        "answer": "Chollet",
        "consent": "on",
        "website": "",
        "rendered_at": rendered_at_token(time.time() - 30),
        **overrides,
    }


def _enter(client, data):
    response = client.post("/raffles/ml-prague-2027/", data)
    return response, response.content.decode()


def test_150_people_in_one_room_enter_within_ten_minutes(raffle, django_capture_on_commit_callbacks):
    room = Client(REMOTE_ADDR=VENUE_WIFI)
    start = timezone.now()
    for person in range(150):
        # Spread over nine minutes, as the QR code stays up on the screen.
        moment = start + datetime.timedelta(seconds=person * 3.6)
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            response, content = _enter(room, _form(f"guest{person}@example.org"))
        assert response.status_code == 200, (person, content[:300])
        assert "Thank you for entering!" in content
    assert RaffleEntry.objects.filter(raffle=raffle).count() == 150
    assert len(mail.outbox) == 150


def test_one_address_is_limited_from_every_network(raffle, settings):
    for attempt in range(settings_rate(settings.RAFFLE_ENTRY_EMAIL_RATE)):
        response, _ = _enter(Client(REMOTE_ADDR=f"198.51.100.{attempt + 1}"), _form("ada.room@example.org"))
        assert response.status_code == 200
    response, content = _enter(Client(REMOTE_ADDR="198.51.100.200"), _form("ADA.room@example.org"))
    assert response.status_code == 429
    assert "This email address was sent too often" in content
    assert 'value="ADA.room@example.org"' in content  # nothing typed is lost
    # Everybody else in the room still gets in.
    response, _ = _enter(Client(REMOTE_ADDR="198.51.100.200"), _form("grace@example.org"))
    assert response.status_code == 200


def test_repeats_of_one_address_from_one_network_are_limited_sooner(raffle, settings):
    room = Client(REMOTE_ADDR=VENUE_WIFI)
    for _ in range(settings_rate(settings.RAFFLE_ENTRY_IP_EMAIL_RATE)):
        assert _enter(room, _form("ada.repeats@example.org"))[0].status_code == 200
    assert _enter(room, _form("ada.repeats@example.org"))[0].status_code == 429
    assert _enter(room, _form("grace.repeats@example.org"))[0].status_code == 200


def settings_rate(rate):
    """The count of a django-ratelimit rate such as "5/10m"."""
    return int(rate.split("/")[0])


def test_a_repeated_entry_mails_a_stranger_at_most_once_in_ten_minutes(
    raffle, settings, django_capture_on_commit_callbacks
):
    settings.RAFFLE_ENTRY_EMAIL_RATE = settings.RAFFLE_ENTRY_IP_EMAIL_RATE = "1000/10m"
    start = timezone.now()
    attacker = Client(REMOTE_ADDR="192.0.2.66")
    for second in range(0, 1200, 6):  # 200 entries in 20 minutes
        moment = start + datetime.timedelta(seconds=second)
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            response, content = _enter(attacker, _form("stranger@example.org"))
        assert response.status_code == 200
        said_sent = "We sent the confirmation link to that address again." in content
        assert said_sent == (second == 600), second
    # The entry's own mail, then one more at 10 minutes; the next would be due at 20.
    assert [message.to for message in mail.outbox] == [["stranger@example.org"]] * 2
    assert RaffleEntry.objects.count() == 1


def test_a_form_left_open_too_long_is_refused_with_a_message_and_kept(raffle, settings):
    stale = rendered_at_token(time.time() - settings.SPAM_FORM_MAX_AGE - 60)
    response, content = _enter(Client(), _form("ada@example.org", name="Ada", rendered_at=stale))
    assert response.status_code == 400
    assert "This form was opened more than 2 hours ago" in content
    assert 'value="ada@example.org"' in content and 'value="Ada"' in content
    assert RaffleEntry.objects.count() == 0
    # The form shown again carries a fresh render time: sending it again goes in.
    fresh = re.search(r'name="rendered_at" value="([^"]+)"', content).group(1)
    assert fresh != stale
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30)):
        response, content = _enter(Client(), _form("ada@example.org", rendered_at=fresh))
    assert response.status_code == 200
    assert RaffleEntry.objects.count() == 1


def test_one_shown_form_replayed_for_many_entries_stores_only_what_a_person_would_send(raffle, settings):
    token = rendered_at_token(time.time() - 30)
    for person in range(10):
        response, content = _enter(Client(), _form(f"bot{person}@example.org", rendered_at=token))
        assert response.status_code == 200  # a bot learns nothing from the answer
    assert RaffleEntry.objects.count() == settings.SPAM_FORM_MAX_USES
