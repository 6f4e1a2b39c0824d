"""The edition page's lookups (meetups/queries.py), which run as compiled SQL."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetups.queries import edition_by_code, edition_neighbours
from tests.factories import EditionFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_an_edition_is_found_by_its_code_in_any_case_with_its_venue():
    venue = VenueFactory(name="Takeda Wien")
    special = EditionFactory(code="AI-Day", venue=venue)
    EditionFactory(code="32")
    for code in ("AI-Day", "ai-day", "AI-DAY", "aI-dAy"):
        found = edition_by_code(code)
        assert found.pk == special.pk
        with CaptureQueriesContext(connection) as queries:
            assert found.venue.name == "Takeda Wien"
        assert len(queries) == 0
    assert edition_by_code("32").code == "32"
    assert edition_by_code("AI") is None  # no prefix match
    assert edition_by_code("AI_Day") is None  # "_" is no wildcard


def test_codes_no_edition_can_have_are_not_looked_up():
    EditionFactory(code="32")
    with CaptureQueriesContext(connection) as queries:
        for code in ("", "3 2", "32/", "ü32", "%", "32\x00"):
            assert edition_by_code(code) is None
    assert len(queries) == 0


def test_neighbours_skip_drafts_and_order_editions_of_one_day_by_id():
    day = datetime.date(2020, 1, 30)
    before = EditionFactory(code="31", start_date=day - datetime.timedelta(days=28))
    EditionFactory(code="draft", start_date=day - datetime.timedelta(days=1), published=False)
    first_of_day = EditionFactory(code="32", start_date=day)
    second_of_day = EditionFactory(code="32b", start_date=day)
    after = EditionFactory(code="33", start_date=day + datetime.timedelta(days=27))
    assert [e and e.code for e in edition_neighbours(first_of_day)] == [before.code, second_of_day.code]
    assert [e and e.code for e in edition_neighbours(second_of_day)] == [first_of_day.code, after.code]
    assert [e and e.code for e in edition_neighbours(after)] == [second_of_day.code, None]
    assert [e and e.code for e in edition_neighbours(before)] == [None, first_of_day.code]
