"""The raffle's "meetup news" tick and the contribution form's invitations tick: the same double opt-in."""

import time

import pytest
from django.core import mail

from contributions.models import Proposal
from members.models import Subscriber
from tests.contributions.conftest import form_data
from tests.factories import RaffleFactory
from vdlm.spam import rendered_at_token

pytestmark = pytest.mark.django_db


def raffle_entry(**changes):
    data = {
        "email": "ada@example.org",
        "name": "Ada",
        "answer": "Chollet",
        "consent": "on",
        "website": "",
        "rendered_at": rendered_at_token(time.time() - 30),
    }
    return {**data, **changes}


def test_the_raffles_news_tick_asks_for_a_confirmation(client, django_capture_on_commit_callbacks):
    RaffleFactory(slug="ml-prague-2020", accepted_answers="Chollet")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/raffles/ml-prague-2020/", raffle_entry(news_opt_in="on"))
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status, subscriber.source) == ("ada@example.org", "pending", "raffle")
    assert "news about upcoming meetups" in subscriber.consent_text
    assert sorted(message.subject.split(":")[0] for message in mail.outbox) == [
        "Please confirm",
        "Please confirm your entry",
    ]


def test_without_the_tick_nobody_is_added(client, django_capture_on_commit_callbacks):
    RaffleFactory(slug="ml-prague-2020", accepted_answers="Chollet")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/raffles/ml-prague-2020/", raffle_entry())
    assert not Subscriber.objects.exists()


def test_the_contribution_forms_tick_asks_for_a_confirmation(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contribute/", form_data(invitations="on"))
    assert "Thank you for your proposal!" in response.content.decode()
    assert Proposal.objects.count() == 1
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.source, subscriber.name) == ("pending", "contribution", "Ada Lovelace")
    assert any("/invitations/confirm/" in message.body for message in mail.outbox)
