"""The open raffle's page, kept once rendered (raffles.views._open_raffle_page): what
everybody opens when the QR code goes up must stay each visitor's own where it matters.
"""

import datetime
import re

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone

from meetups.models import SiteProfile
from raffles import views
from raffles.models import RaffleEntry
from tests.factories import RaffleFactory
from vdlm.spam import seconds_since_rendered

pytestmark = pytest.mark.django_db

PATH = "/raffles/ml-prague-2020/"


@pytest.fixture(autouse=True)
def site_profile(db):
    # As on a running site: the first page shown does not create the profile (a content change).
    return SiteProfile.load()


@pytest.fixture
def raffle():
    return RaffleFactory(
        title="ML Prague 2020",
        slug="ml-prague-2020",
        accepted_answers="Chollet",
        closes_at=timezone.now() + datetime.timedelta(days=6, hours=1, minutes=30),
    )


def _hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def test_every_visitor_gets_their_own_csrf_token_and_form_time_and_can_enter(raffle):
    visitors = [Client(enforce_csrf_checks=True) for _ in range(3)]
    pages = []
    for visitor in visitors:
        response = visitor.get(PATH)
        assert response.status_code == 200
        assert "csrftoken" in response.cookies  # the token in the form belongs to this cookie
        pages.append(response.content.decode())
    tokens = [_hidden(page, "csrfmiddlewaretoken") for page in pages]
    assert len(set(tokens)) == 3
    for page in pages:
        assert "vdlm-hole" not in page
        assert 0 <= seconds_since_rendered(_hidden(page, "rendered_at")) < 5
    # Apart from those two values, all visitors get the same page.
    blank = [re.sub(r'value="[^"]+"', 'value=""', page) for page in pages]
    assert blank[0] == blank[1] == blank[2]

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30)):
        for number, (visitor, page) in enumerate(zip(visitors, pages, strict=True)):
            response = visitor.post(
                PATH,
                {
                    "csrfmiddlewaretoken": _hidden(page, "csrfmiddlewaretoken"),
                    "rendered_at": _hidden(page, "rendered_at"),
                    "email": f"visitor{number}@example.org",
                    "answer": "Chollet",
                    "consent": "on",
                },
            )
            assert response.status_code == 200 and "Thank you for entering!" in response.content.decode()
    assert RaffleEntry.objects.filter(raffle=raffle).count() == 3


def test_a_token_from_another_visitors_page_is_refused(raffle):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(PATH).content.decode()
    second.get(PATH)
    response = second.post(
        PATH,
        {
            "csrfmiddlewaretoken": _hidden(first_page, "csrfmiddlewaretoken"),
            "rendered_at": _hidden(first_page, "rendered_at"),
            "email": "someone@example.org",
            "answer": "Chollet",
            "consent": "on",
        },
    )
    assert response.status_code == 403
    assert not RaffleEntry.objects.exists()


def test_an_organizers_change_shows_on_the_next_view(client, raffle):
    assert "ML Prague 2020" in client.get(PATH).content.decode()
    raffle.title = "ML Prague 2020: two tickets"
    raffle.question = "Who created Keras, and when?"
    raffle.save()
    page = client.get(PATH).content.decode()
    assert "ML Prague 2020: two tickets" in page and "Who created Keras, and when?" in page


def _text(response):
    return response.content.decode().replace("\xa0", " ")


def test_the_countdown_moves_with_the_clock(client, raffle):
    assert "closes in 6 days, 1 hour" in _text(client.get(PATH))
    assert "closes in 6 days, 1 hour" in _text(client.get(PATH))
    with time_machine.travel(raffle.closes_at - datetime.timedelta(minutes=5, seconds=30), tick=False):
        assert "closes in 5 minutes" in _text(client.get(PATH))
    with time_machine.travel(raffle.closes_at - datetime.timedelta(minutes=4, seconds=30), tick=False):
        assert "closes in 4 minutes" in _text(client.get(PATH))
    with time_machine.travel(raffle.closes_at + datetime.timedelta(seconds=1), tick=False):
        page = client.get(PATH).content.decode()
    assert "closes in" not in page and "This raffle closed on" in page and "csrfmiddlewaretoken" not in page


def test_a_visitor_with_a_session_gets_a_page_rendered_for_them(client, organizer_client, raffle):
    client.get(PATH)  # kept for visitors without a session
    page = organizer_client.get(PATH).content.decode()
    assert "ML Prague 2020" in page and "vdlm-hole" not in page
    token = _hidden(page, "csrfmiddlewaretoken")
    assert token != _hidden(client.get(PATH).content.decode(), "csrfmiddlewaretoken")


def test_the_page_takes_one_query_once_kept(client, raffle, django_assert_num_queries):
    client.get(PATH)
    with django_assert_num_queries(1):  # the raffle itself: whether it exists, is open, changed
        assert client.get(PATH).status_code == 200


def test_a_render_that_asked_for_the_csrf_token_is_never_kept():
    request = RequestFactory().get(PATH)
    assert views._is_the_same_for_everybody(request)
    views.get_token(request)
    assert not views._is_the_same_for_everybody(request)


def test_a_page_whose_holes_did_not_come_out_is_not_kept(rf, raffle):
    kept = views._KeptPages()
    request = rf.get(PATH)
    response = kept.response(request, ("k",), "raffles/entered.html", lambda: {"raffle": raffle, "email": "x"},
                             lambda: {"email": "ada@example.org"})
    assert response.status_code == 200 and "ada@example.org" not in response.content.decode()
    assert kept._pages == {}  # kept, it would have shown one address to everybody
