"""The deck's "tonight in numbers" slide: off unless ticked, the figures of the evening, kept current."""

import pytest
from django.core.cache import cache

from decks.models import DeckSettings, DeckSlide
from rsvps import door, services
from rsvps.models import CheckIn, RsvpSettings
from tests.decks.helpers import read_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening(meetup_32):
    """#32 with 3 seats: Ada (+1) and Bob going, Cleo waiting, Ada checked in."""
    meetup_32 = meetup_32.edition
    RsvpSettings.objects.create(edition=meetup_32, enabled=True, capacity=3, guests_allowed=True)
    base = "http://testserver/"
    ada = services.rsvp(meetup_32, name="Ada", email="ada@example.org", base_url=base, guest=True, guest_name="Max")
    services.rsvp(meetup_32, name="Bob", email="bob@example.org", base_url=base)
    services.rsvp(meetup_32, name="Cleo", email="cleo@example.org", base_url=base)
    door.check_in(meetup_32.pk, ada, method=CheckIn.Method.DESK)
    return meetup_32


def show_attendance(edition, on=True):
    DeckSettings.objects.update_or_create(edition=edition, defaults={"show_attendance": on})
    cache.clear()


def test_the_slide_is_off_until_the_organizers_tick_it(client, evening):
    deck = read_deck(client.get("/meetups/32/deck/"))
    assert "attendance" not in [slide.section for slide in deck.slides]
    assert client.get("/meetups/32/attendance.json").status_code == 404


def test_tonight_in_numbers_closes_the_evening_before_the_next_meetup(client, evening):
    show_attendance(evening)
    DeckSlide.objects.create(edition=evening, placement=DeckSlide.Placement.AFTER_ATTENDANCE, title="Thank you")
    slides = read_deck(client.get("/meetups/32/deck/")).slides
    assert [slide.heading for slide in slides[-3:]] == ["Tonight in numbers", "Thank you", slides[-1].heading]
    assert slides[-1].kind == "next_meetup"
    assert slides[-3].text == (
        "Tonight in numbers 3 RSVPs 3 seats taken 1 on the waiting list 1 checked in 2 no-shows"
    )


def test_the_figures_endpoint_is_what_the_deck_reloads(client, evening):
    show_attendance(evening)
    response = client.get("/meetups/32/attendance.json")
    assert response.json() == {"rsvps": 3, "going": 3, "waiting": 1, "checked_in": 1, "no_shows": 2}
    assert response["Cache-Control"] == "public, max-age=10"
    bob = evening.rsvps.get(email="bob@example.org")
    door.check_in(evening.pk, bob, method=CheckIn.Method.SELF)
    cache.clear()
    assert client.get("/meetups/32/attendance.json").json()["checked_in"] == 2


def test_without_rsvps_there_is_no_slide_even_when_ticked(client, meetup_32):
    show_attendance(meetup_32.edition)
    deck = read_deck(client.get("/meetups/32/deck/"))
    assert "attendance" not in [slide.section for slide in deck.slides]
    assert client.get("/meetups/32/attendance.json").status_code == 404
