import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.decks.helpers import set_profile_of_the_32_deck
from tests.site_data import build_meetup_32

VIENNA = ZoneInfo("Europe/Vienna")
# The morning of the #32 meetup, in Vienna: the organizers check the deck before the evening.
DECK_MORNING = datetime.datetime(2020, 1, 30, 9, 0, tzinfo=VIENNA)


@pytest.fixture
def on_deck_day():
    with time_machine.travel(DECK_MORNING, tick=False):
        yield


@pytest.fixture
def meetup_32(db, on_deck_day):
    """#32 as the deck shows it (tests/site_data.py), with the group profile of the deck."""
    set_profile_of_the_32_deck()
    return build_meetup_32()
