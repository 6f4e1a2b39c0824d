"""What stays true on the entry path: every entrant's own page, a raffle's changes at once,
the locked raffle deciding, and one row per address.

(raffles.services.submit_entry inserts without a savepoint of its own.)
"""

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetups.models import SiteProfile
from raffles import services
from raffles.models import Raffle, RaffleEntry
from tests.factories import OrganisationFactory, RaffleFactory
from vdlm.spam import rendered_at_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_profile(db):
    # As on a running site: the first page shown does not create the profile (a content change).
    return SiteProfile.load()


@pytest.fixture
def raffle():
    return RaffleFactory(title="ML Prague 2020", slug="ml-prague-2020", accepted_answers="Chollet")


def _post(client, email, **overrides):
    data = {
        "email": email,
        "name": "",
        "answer": "Chollet",
        "consent": "on",
        "website": "",
        "rendered_at": rendered_at_token(time.time() - 30),
        **overrides,
    }
    response = client.post("/raffles/ml-prague-2020/", data)
    return response, response.content.decode()


def test_each_entrant_sees_their_own_address(client, raffle):
    _, first = _post(client, "ada@example.org")
    response, second = _post(client, "o'brien&co@example.org")
    assert response.status_code == 200
    assert "Thank you for entering!" in second
    assert "we sent an email to <strong>o&#x27;brien&amp;co@example.org</strong>" in second
    assert "ada@example.org" not in second
    assert "we sent an email to <strong>ada@example.org</strong>" in first
    # Apart from the address, both entrants get the very same page.
    assert second.replace("o&#x27;brien&amp;co@example.org", "ada@example.org") == first
    assert sorted(RaffleEntry.objects.values_list("email", flat=True)) == ["ada@example.org", "o'brien&co@example.org"]


def test_a_repeated_address_gets_its_own_page_after_a_new_one(client, raffle):
    _post(client, "ada@example.org")
    _post(client, "grace@example.org")
    _, content = _post(client, "ADA@example.org")
    assert "You have already entered" in content
    assert "There is already an entry for <strong>ADA@example.org</strong>" in content
    assert "Thank you for entering!" not in content
    assert RaffleEntry.objects.count() == 2


def test_a_bot_gets_the_same_page_as_a_person(client, raffle):
    _, person = _post(client, "ada@example.org")
    _, bot = _post(client, "ada@example.org", website="http://cheap-pills.example")
    assert bot == person
    assert RaffleEntry.objects.count() == 1


def test_an_edited_raffle_shows_on_the_next_thank_you_page(client, raffle):
    _post(client, "ada@example.org")
    raffle.title = "ML Prague 2021"
    raffle.prize = "2 free tickets"
    raffle.save()
    _, content = _post(client, "grace@example.org")
    assert "Raffle “<a href=\"/raffles/ml-prague-2020/\">ML Prague 2021</a>”: 2 free tickets." in content
    assert "ML Prague 2020" not in content


def test_a_raffle_cancelled_after_an_entry_refuses_the_next_one(client, raffle):
    _post(client, "ada@example.org")
    raffle.status = Raffle.Status.CANCELLED
    raffle.save()
    response, content = _post(client, "grace@example.org")
    assert response.status_code == 403
    assert "This raffle was cancelled." in content
    assert list(RaffleEntry.objects.values_list("email", flat=True)) == ["ada@example.org"]


def test_the_locked_raffle_decides_even_when_the_views_first_look_found_it_open(raffle):
    # The view's first look happened before a draw committed: the fresh read under the lock decides.
    first_look = Raffle.objects.get(pk=raffle.pk)
    Raffle.objects.filter(pk=raffle.pk).update(status=Raffle.Status.DRAWN)
    with pytest.raises(services.RaffleClosedError, match="No more entries are accepted."):
        services.submit_entry(first_look, email="grace@example.org", answer="Chollet")
    assert not RaffleEntry.objects.exists()


def test_a_raffle_drawn_without_a_signal_refuses_the_next_entry(client, raffle):
    _post(client, "ada@example.org")
    # A bulk update sends no signal and changes no content version: the next entry sees it all the same.
    Raffle.objects.filter(pk=raffle.pk).update(status=Raffle.Status.DRAWN)
    response, content = _post(client, "grace@example.org")
    assert response.status_code == 403
    assert "No more entries are accepted." in content
    assert "Thank you for entering!" not in content
    assert list(RaffleEntry.objects.values_list("email", flat=True)) == ["ada@example.org"]


def test_a_published_draft_takes_entries_at_once(client):
    draft = RaffleFactory(slug="ml-prague-2020", status=Raffle.Status.DRAFT, accepted_answers="Chollet")
    response, _ = _post(client, "ada@example.org")
    assert response.status_code == 404
    draft.status = Raffle.Status.PUBLISHED
    draft.save()
    response, content = _post(client, "ada@example.org")
    assert response.status_code == 200
    assert "Thank you for entering!" in content
    assert RaffleEntry.objects.count() == 1


def test_invalid_input_shows_the_whole_form_again(client, raffle):
    raffle.prize_donor = OrganisationFactory(name="Takeda")
    raffle.save()
    response, content = _post(client, "not-an-address")
    assert response.status_code == 400
    assert "Enter a valid email address." in content
    assert 'value="not-an-address"' in content
    assert "form-trap" in content  # the honeypot stays hidden from people
    assert 'value="Enter the raffle"' in content
    assert "<dt>Donated by</dt><dd>Takeda</dd>" in content  # the raffle page as ever


@pytest.mark.django_db(transaction=True)
def test_a_repeated_address_in_its_own_transaction_returns_the_first_entry_and_the_next_entry_goes_in(
    mailoutbox,
):
    raffle = RaffleFactory(accepted_answers="Chollet")
    first = services.submit_entry(raffle, email="Ada@Example.org", answer="Chollet", base_url="http://testserver")
    second = services.submit_entry(raffle, email=" ada@EXAMPLE.org ", answer="LeCun", base_url="http://testserver")
    third = services.submit_entry(raffle, email="grace@example.org", answer="Chollet", base_url="http://testserver")
    assert (first.created, second.created, third.created) == (True, False, True)
    assert second.entry.pk == first.entry.pk
    assert second.entry.answer == "Chollet"
    assert sorted(RaffleEntry.objects.values_list("email", flat=True)) == ["Ada@Example.org", "grace@example.org"]
    # Each new entry was mailed once its row was committed; the repeated one was not.
    assert [message.to for message in mailoutbox] == [["Ada@Example.org"], ["grace@example.org"]]
    assert all("http://testserver/raffles/" in message.body for message in mailoutbox)


@pytest.mark.django_db(transaction=True)
def test_a_repeated_address_is_told_so_through_the_form():
    RaffleFactory(slug="ml-prague-2020", accepted_answers="Chollet")
    client = Client()
    _post(client, "ada@example.org")
    response, content = _post(client, "Ada@Example.org")
    assert response.status_code == 200
    assert "You have already entered" in content
    # The first mail went out a moment ago: it is not sent again, nor claimed to be.
    assert "We sent the confirmation link to that address again." not in content
    assert RaffleEntry.objects.count() == 1


def test_an_entry_reads_the_raffle_once_locked_and_inserts_once(client, raffle):
    _post(client, "first@example.org")  # as on a running site: the first request of a process
    with CaptureQueriesContext(connection) as queries:
        response, page = _post(client, "ada@example.org")
    assert response.status_code == 200 and "Thank you for entering!" in page
    statements = [query["sql"] for query in queries if not query["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]
    # The raffle is read once, locked (FOR SHARE on PostgreSQL), and not looked up before that.
    raffle_reads = [sql for sql in statements if 'FROM "raffles_raffle"' in sql]
    assert len(raffle_reads) == 1, statements
    assert len([sql for sql in statements if sql.startswith('INSERT INTO "raffles_raffleentry"')]) == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_an_entry_its_mail_and_its_task_are_one_commit(settings, mailoutbox):
    """The production queue: the entry, its confirmation mail and the worker's task in one transaction."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from outbox.models import OutgoingMail

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    RaffleFactory(slug="ml-prague-2020", accepted_answers="Chollet")
    client = Client()
    _post(client, "first@example.org")
    with CaptureQueriesContext(connection) as queries:
        response, page = _post(client, "ada@example.org")
    assert "Thank you for entering!" in page
    statements = [query["sql"].upper() for query in queries]
    stored = ("RAFFLES_RAFFLEENTRY", "OUTBOX_OUTGOINGMAIL", "DJANGO_TASKS_DATABASE_DBTASKRESULT")
    inserts = [(index, sql.split('"')[1]) for index, sql in enumerate(statements) if sql.startswith("INSERT")]
    inserts = [(index, table) for index, table in inserts if table in stored]
    assert [table for _, table in inserts] == list(stored)
    # Nothing is committed between the entry and its task: one transaction, one commit.
    assert not any(sql.startswith("COMMIT") for sql in statements[inserts[0][0] : inserts[-1][0]])
    assert OutgoingMail.objects.filter(recipient="ada@example.org", status="queued").count() == 1
    assert DBTaskResult.objects.count() == 2
    assert mailoutbox == []  # the request only queues: the worker sends

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    assert sorted(message.to[0] for message in mailoutbox) == ["ada@example.org", "first@example.org"]
    assert "/raffles/ml-prague-2020/confirm/" in mailoutbox[1].body
