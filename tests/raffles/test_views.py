"""The public page of a raffle: what you can win, how to answer, and the result."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from raffles import services
from raffles.models import Raffle
from tests.factories import RaffleEntryFactory, RaffleFactory
from tests.html_helpers import links, parse, text
from tests.site_data import build_meetup_32

pytestmark = pytest.mark.django_db

VIENNA = ZoneInfo("Europe/Vienna")


def _vienna(*args):
    return datetime.datetime(*args, tzinfo=VIENNA)


@pytest.fixture
def raffle(db):
    with time_machine.travel(_vienna(2020, 1, 30, 9, 0), tick=False):
        return build_meetup_32().raffle


def test_open_raffle_shows_prize_question_deadline_and_how_to_answer_by_email(client, raffle):
    with time_machine.travel(_vienna(2020, 2, 3, 12, 0), tick=False):
        response = client.get("/raffles/ml-prague-2020/")

    assert response.status_code == 200
    page = parse(response)
    assert page.headings[0] == (1, "ML Prague 2020")
    assert "Prize 1 free ticket for ML Prague 2020 Donated by ML Prague" in page.text
    assert "Deadline Sun, 9 February 2020, 23:59" in page.text
    assert "Which speaker of ML Prague 2020 is the creator of Keras?" in page.text
    assert (
        "Send your answer by email to vdlmeetup@gmail.com with the subject “ML Prague 2020”, "
        "before Sun, 9 February 2020, 23:59 (Vienna time)."
    ) in page.text
    assert "mailto:vdlmeetup@gmail.com?subject=ML%20Prague%202020" in links(response)
    assert "/meetups/32/" in links(response)
    # The answer stays secret while the raffle runs; the entry form asks for consent, unticked.
    content = response.content.decode()
    assert "Chollet" not in content
    assert 'name="email"' in content and 'name="answer"' in content
    assert 'name="consent"' in content and 'name="consent" checked' not in content
    assert "closes in 6 days" in page.text


def test_raffle_before_it_opens_keeps_the_question_back(client, raffle):
    with time_machine.travel(_vienna(2020, 1, 30, 12, 0), tick=False):
        page = text(client.get("/raffles/ml-prague-2020/"))

    assert "This raffle opens on Thu, 30 January 2020, 18:00." in page
    assert "creator of Keras" not in page


def test_closed_raffle_shows_the_answer_and_that_the_draw_is_pending(client, raffle):
    RaffleEntryFactory(raffle=raffle, answer="Chollet")
    RaffleEntryFactory(raffle=raffle, answer="Geoffrey Hinton")
    with time_machine.travel(_vienna(2020, 2, 10, 9, 0), tick=False):
        page = text(client.get("/raffles/ml-prague-2020/"))

    assert "This raffle closed on Sun, 9 February 2020, 23:59." in page
    assert "The right answer: François Chollet." in page
    assert "2 entries, 1 with the right answer." in page
    assert "The winner will be drawn soon and told by email." in page
    assert "Send your answer" not in page


def test_drawn_raffle_shows_the_result(client, raffle):
    RaffleEntryFactory(raffle=raffle, answer="francois chollet")
    Raffle.objects.filter(pk=raffle.pk).update(status=Raffle.Status.DRAWN, prize_count=2)
    with time_machine.travel(_vienna(2020, 2, 12, 9, 0), tick=False):
        page = text(client.get("/raffles/ml-prague-2020/"))

    assert "Prize 1 free ticket for ML Prague 2020 (2 winners)" in page
    assert "1 entry, 1 with the right answer." in page
    assert "The winners have been drawn and told by email." in page


def test_cancelled_raffle_says_so(client, raffle):
    Raffle.objects.filter(pk=raffle.pk).update(status=Raffle.Status.CANCELLED)

    page = text(client.get("/raffles/ml-prague-2020/"))

    assert "This raffle was cancelled. Nobody was drawn." in page
    assert "François Chollet" not in page


def test_draft_raffle_is_404_for_visitors_and_marked_for_organizers(organizer_client):
    draft = RaffleFactory(status=Raffle.Status.DRAFT, slug="draft-raffle")

    assert Client().get(draft.get_absolute_url()).status_code == 404
    response = organizer_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft." in text(response)


def test_unknown_raffle_is_404(client):
    assert client.get("/raffles/nothing/").status_code == 404


def test_raffle_rules_markdown_is_sanitized(client):
    RaffleFactory(slug="rules", rules="**One entry per person.** <script>steal()</script>")

    html = client.get("/raffles/rules/").content.decode()

    assert "<strong>One entry per person.</strong>" in html
    assert "steal()" not in html


def test_fairness_commitment_is_public_from_the_start_but_the_key_is_not(client, raffle):
    with time_machine.travel(_vienna(2020, 2, 3, 12, 0), tick=False):
        html = client.get("/raffles/ml-prague-2020/").content.decode()

    assert raffle.commitment in html
    assert raffle.salt not in html


@pytest.fixture
def drawn(raffle, django_capture_on_commit_callbacks):
    winner = RaffleEntryFactory(raffle=raffle, name="", email="ada@example.org", answer="Chollet")
    winner.confirmed_at = _vienna(2020, 2, 1, 10, 0)
    winner.save()
    with time_machine.travel(_vienna(2020, 2, 10, 9, 0), tick=False), django_capture_on_commit_callbacks(
        execute=True
    ):
        services.draw(raffle)
    return winner


def test_drawn_raffle_names_the_winner_by_masked_address_and_links_the_check(client, raffle, drawn):
    with time_machine.travel(_vienna(2020, 2, 12, 9, 0), tick=False):
        response = client.get("/raffles/ml-prague-2020/")

    page = text(response)
    assert "Drawn on Mon, 10 February 2020, 09:00 among 1 eligible entry. Winner: a•••@e•••.org" in page
    assert str(drawn.public_id) in page
    assert "ada@example.org" not in response.content.decode()
    assert "/raffles/ml-prague-2020/result/" in links(response)


def test_result_page_shows_everything_needed_to_check_the_draw(client, raffle, drawn):
    response = client.get("/raffles/ml-prague-2020/result/")

    assert response.status_code == 200
    page = text(response)
    draw = raffle.draws.get()
    for value in (draw.commitment, draw.salt, draw.list_hash, draw.seed, str(drawn.public_id)):
        assert value in page
    assert "This site recomputed the draw from the data above: every check passes." in page


def test_result_page_of_an_undrawn_raffle_is_404(client, raffle):
    assert client.get("/raffles/ml-prague-2020/result/").status_code == 404


def test_confirmation_link_asks_first_and_confirms_on_the_button(client, raffle):
    entry = RaffleEntryFactory(raffle=raffle)
    url = services.confirmation_url(entry)

    with time_machine.travel(_vienna(2020, 2, 3, 12, 0), tick=False):
        shown = client.get(url)
        entry.refresh_from_db()
        assert shown.status_code == 200
        assert "Confirm my entry" in text(shown)
        assert entry.confirmed_at is None  # a mail scanner opening the link confirms nothing

        confirmed = client.post(url)

    entry.refresh_from_db()
    assert confirmed.status_code == 200
    assert "Thank you, your entry is confirmed." in text(confirmed)
    assert entry.confirmed_at is not None


def test_tampered_confirmation_link_is_refused_clearly(client, raffle):
    entry = RaffleEntryFactory(raffle=raffle)
    url = services.confirmation_url(entry)[:-3] + "xyz/"

    with time_machine.travel(_vienna(2020, 2, 3, 12, 0), tick=False):
        response = client.post(url)

    assert response.status_code == 400
    assert "This confirmation link is not valid." in text(response)


@pytest.mark.parametrize(
    ("email", "shown"),
    [
        ("carla@example.org", "c•••@e•••.org"),
        ("c@mail.small-company.co.at", "c•••@m•••.at"),
        ("root@localhost", "r•••@l•••"),
    ],
)
def test_a_masked_winner_shows_neither_the_address_nor_the_domain_name(email, shown):
    from raffles.models import RaffleEntry

    assert RaffleEntry(email=email).masked_email == shown
