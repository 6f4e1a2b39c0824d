"""Entering a raffle through the web form: what an entrant (and a bot) experiences."""

import datetime
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from raffles.models import RaffleEntry
from tests.factories import RaffleFactory
from vdlm.spam import rendered_at_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def raffle():
    return RaffleFactory(title="ML Prague 2020", slug="ml-prague-2020", accepted_answers="François Chollet\nChollet")


def _form(**overrides):
    data = {
        "email": "ada@example.org",
        "name": "Ada",
        "answer": "François Chollet.",
        "consent": "on",
        "website": "",
        "rendered_at": rendered_at_token(time.time() - 30),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _post(client, data, **extra):
    response = client.post("/raffles/ml-prague-2020/", data, **extra)
    return response, response.content.decode()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for a commit (the emails) as soon as a request ends, as in production."""

    def post_and_commit(client, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return _post(client, data, **extra)

    return post_and_commit


def test_happy_path_stores_the_entry_and_mails_a_confirmation_link(client, raffle, mailoutbox, commit):
    response, content = commit(client, _form())
    assert response.status_code == 200
    assert "Thank you for entering!" in content
    assert "we sent an email to <strong>ada@example.org</strong>" in content
    entry = RaffleEntry.objects.get()
    assert (entry.email, entry.name, entry.answer, entry.is_correct, entry.is_confirmed) == (
        "ada@example.org",
        "Ada",
        "François Chollet.",
        True,
        False,
    )
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert str(entry.public_id) in body
    link = re.search(r"http://testserver(/raffles/ml-prague-2020/confirm/\S+/)", body).group(1)

    # Opening the link does not confirm (mail scanners open links); pressing the button does.
    assert "Confirm my entry" in client.get(link).content.decode()
    entry.refresh_from_db()
    assert not entry.is_confirmed
    confirmed = client.post(link).content.decode()
    assert "Thank you, your entry is confirmed." in confirmed
    entry.refresh_from_db()
    assert entry.is_confirmed


def test_tampered_link_gets_a_clear_message(client, raffle):
    _post(client, _form())
    response = client.post("/raffles/ml-prague-2020/confirm/not-a-real-token/")
    assert response.status_code == 400
    assert "This confirmation link is not valid" in response.content.decode()
    assert not RaffleEntry.objects.get().is_confirmed


def test_expired_link_gets_a_clear_message(client, raffle, mailoutbox, commit):
    commit(client, _form())
    link = re.search(r"http://testserver(/\S+/confirm/\S+/)", mailoutbox[0].body).group(1)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        raffle.closes_at = timezone.now() + datetime.timedelta(days=1)
        raffle.save()
        response = client.post(link)
    assert response.status_code == 400
    assert "This confirmation link has expired" in response.content.decode()


def test_second_entry_in_other_case_is_friendly_and_resends_the_link_once_in_ten_minutes(
    client, raffle, mailoutbox, commit
):
    commit(client, _form(email="Ada@Example.org"))
    response, content = commit(client, _form(email="ada@EXAMPLE.org", answer="Yann LeCun"))
    assert response.status_code == 200
    assert "You have already entered" in content
    # The link went out a moment ago: not again, and the page does not claim it was.
    assert "We sent the confirmation link to that address again." not in content
    assert RaffleEntry.objects.count() == 1
    assert RaffleEntry.objects.get().answer == "François Chollet."
    assert [m.to for m in mailoutbox] == [["Ada@Example.org"]]

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10, seconds=1)):
        response, content = commit(client, _form(email="ada@example.org"))
        assert "We sent the confirmation link to that address again." in content
        response, content = commit(client, _form(email="ada@example.org"))
        assert "We sent the confirmation link to that address again." not in content
    assert [m.to for m in mailoutbox] == [["Ada@Example.org"], ["Ada@Example.org"]]


def test_invalid_input_is_explained_and_kept(client, raffle):
    response, content = _post(client, _form(email="not-an-address", consent=None, answer="Chollet"))
    assert response.status_code == 400
    assert "Enter a valid email address." in content
    assert "Please agree to the storage of your entry" in content
    assert 'value="not-an-address"' in content
    assert 'value="Chollet"' in content
    assert RaffleEntry.objects.count() == 0


def test_consent_box_starts_unticked(client, raffle):
    content = client.get("/raffles/ml-prague-2020/").content.decode()
    consent = re.search(r"<input[^>]*name=\"consent\"[^>]*>", content).group(0)
    assert "checked" not in consent
    assert "required" in consent


def test_after_the_deadline_the_post_is_refused_and_nothing_stored(client, raffle):
    with time_machine.travel(raffle.closes_at + datetime.timedelta(seconds=1), tick=False):
        response, content = _post(client, _form())
    assert response.status_code == 403
    assert "This raffle closed on" in content
    assert "No more entries are accepted." in content
    assert 'name="answer"' not in content  # no entry form (the footer's invitations form has an email field)
    assert RaffleEntry.objects.count() == 0


def test_one_second_before_the_deadline_is_in_time(client, raffle):
    with time_machine.travel(raffle.closes_at - datetime.timedelta(seconds=1), tick=False):
        response, _ = _post(client, _form())
    assert response.status_code == 200
    assert RaffleEntry.objects.count() == 1


def test_before_opening_the_form_is_replaced_by_a_message(client):
    RaffleFactory(
        slug="ml-prague-2020",
        opens_at=timezone.now() + datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    content = client.get("/raffles/ml-prague-2020/").content.decode()
    assert "This raffle opens on" in content
    assert 'name="answer"' not in content  # no entry form (the footer's invitations form has an email field)
    response, _ = _post(client, _form())
    assert response.status_code == 403
    assert RaffleEntry.objects.count() == 0


@pytest.mark.parametrize(
    "spam",
    [
        {"website": "http://cheap-pills.example"},
        {"rendered_at": "SENT-BACK-AT-ONCE"},
        {"rendered_at": "1234567890:forged"},
        {"rendered_at": None},
    ],
)
def test_spam_looks_successful_but_stores_nothing(client, raffle, mailoutbox, spam):
    if spam.get("rendered_at") == "SENT-BACK-AT-ONCE":
        spam = {"rendered_at": rendered_at_token(time.time())}
    response, content = _post(client, _form(**spam))
    assert response.status_code == 200
    assert "Thank you for entering!" in content
    assert RaffleEntry.objects.count() == 0
    assert mailoutbox == []


def test_the_burst_guard_per_network_answers_429_and_keeps_the_input(client, raffle, settings):
    settings.RAFFLE_ENTRY_IP_RATE = "10/10m"
    for n in range(10):
        response, _ = _post(client, _form(email=f"person{n}@example.org"), REMOTE_ADDR="192.0.2.10")
        assert response.status_code == 200
    response, content = _post(client, _form(email="eleventh@example.org"), REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 429
    assert "Too many entries from your network" in content
    assert 'value="eleventh@example.org"' in content
    assert RaffleEntry.objects.count() == 10
    # Another visitor is not affected.
    response, _ = _post(client, _form(email="other@example.org"), REMOTE_ADDR="192.0.2.11")
    assert response.status_code == 200


def test_the_form_page_is_never_cached(client, raffle):
    response = client.get("/raffles/ml-prague-2020/")
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]


def _parallel_posts(emails):
    def submit(indexed_email):
        index, email = indexed_email
        # A distinct client address per request: the rate limit is per IP, and
        # these stand for many people entering at once.
        client = Client(REMOTE_ADDR=f"198.51.{index // 250}.{index % 250}")
        try:
            return client.post("/raffles/ml-prague-2020/", _form(email=email)).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(submit, enumerate(emails)))


@pytest.mark.django_db(transaction=True)
def test_200_parallel_entries_give_200_rows():
    RaffleFactory(slug="ml-prague-2020")
    statuses = _parallel_posts([f"person{n}@example.org" for n in range(200)])
    assert statuses == [200] * 200
    assert RaffleEntry.objects.count() == 200


@pytest.mark.django_db(transaction=True)
def test_50_parallel_entries_of_one_address_give_one_row(settings):
    # The limit per address would refuse most of them first: this is about the unique index.
    settings.RAFFLE_ENTRY_EMAIL_RATE = "1000/10m"
    RaffleFactory(slug="ml-prague-2020")
    variants = ["ada@example.org", "ADA@example.org", "Ada@Example.org", "ada@EXAMPLE.ORG", "aDa@example.org"]
    statuses = _parallel_posts([variants[n % len(variants)] for n in range(50)])
    assert statuses == [200] * 50
    assert RaffleEntry.objects.count() == 1
