"""The open raffle's page: what everybody opens when the QR code goes up. Its empty form
comes partly from cached template fragments (templates/raffles/entry_form.html), and must
stay each visitor's own where it matters: the CSRF token and the time it was shown.
"""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.template import engines
from django.test import Client
from django.utils import timezone

from meetups.models import SiteProfile
from raffles.forms import RaffleEntryForm
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
    assert len({_hidden(page, "rendered_at") for page in pages}) == 3
    for page in pages:
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


def test_a_visitor_with_a_session_gets_their_own_token(client, organizer_client, raffle):
    client.get(PATH)
    page = organizer_client.get(PATH).content.decode()
    assert "ML Prague 2020" in page
    token = _hidden(page, "csrfmiddlewaretoken")
    assert token != _hidden(client.get(PATH).content.decode(), "csrfmiddlewaretoken")


def test_the_page_takes_one_query(client, raffle, django_assert_num_queries):
    client.get(PATH)
    with django_assert_num_queries(1):  # the raffle, with its donor and edition
        assert client.get(PATH).status_code == 200


def _form_html(page):
    """The entry form of a page, whitespace aside, with the per-visitor values blanked."""
    form = re.search(r"<form\b.*?</form>", page, re.DOTALL).group(0)
    form = re.sub(r'(name="(?:csrfmiddlewaretoken|rendered_at)" value=")[^"]*', r"\1", form)
    return " ".join(re.sub(r">\s+<", "><", form).split())


def test_the_empty_form_is_the_one_crispy_forms_renders_first_and_from_the_cache(rf, client, raffle):
    request = rf.get(PATH)
    crispy = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
    expected = _form_html(crispy.render({"form": RaffleEntryForm()}, request))
    first = client.get(PATH).content.decode()  # renders the fragments
    second = Client().get(PATH).content.decode()  # from the cache
    assert _form_html(first) == expected
    assert _form_html(second) == expected


def test_no_cached_fragment_holds_a_token_or_a_form_time(raffle):
    pages = [Client().get(PATH).content.decode() for _ in range(2)]
    fragments = [cache.get(make_template_fragment_key(name)) for name in ("raffle-entry-form-before",
                                                                         "raffle-entry-form-after")]
    assert all(fragments)
    for page in pages:
        for value in (_hidden(page, "csrfmiddlewaretoken"), _hidden(page, "rendered_at")):
            assert not any(value in fragment for fragment in fragments)
    assert not any("csrfmiddlewaretoken" in fragment or "rendered_at" in fragment for fragment in fragments)

