"""The edition page's lookup (meetups/queries.py): the edition by its code, with its neighbours, in one query."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from meetups import views
from meetups.queries import edition_with_neighbours
from tests.factories import EditionFactory, VenueFactory

pytestmark = pytest.mark.django_db


def _codes(code):
    return [edition and edition.code for edition in edition_with_neighbours(code)]


def test_an_edition_is_found_by_its_code_in_any_case_with_its_venue_in_one_query():
    venue = VenueFactory(name="Takeda Wien")
    special = EditionFactory(code="AI-Day", venue=venue)
    EditionFactory(code="32")
    for code in ("AI-Day", "ai-day", "AI-DAY", "aI-dAy"):
        with CaptureQueriesContext(connection) as queries:
            found, _previous, _following = edition_with_neighbours(code)
            assert found.pk == special.pk
            assert found.venue.name == "Takeda Wien"
        assert len(queries) == 1
    assert _codes("32")[0] == "32"
    assert _codes("AI") == [None, None, None]  # no prefix match
    assert _codes("AI_Day") == [None, None, None]  # "_" is no wildcard


def test_neighbours_skip_drafts_and_order_editions_of_one_day_by_id():
    day = datetime.date(2020, 1, 30)
    before = EditionFactory(code="31", start_date=day - datetime.timedelta(days=28))
    EditionFactory(code="draft", start_date=day - datetime.timedelta(days=1), published=False)
    first_of_day = EditionFactory(code="32", start_date=day)
    second_of_day = EditionFactory(code="32b", start_date=day)
    after = EditionFactory(code="33", start_date=day + datetime.timedelta(days=27))
    assert _codes("32") == ["32", before.code, second_of_day.code]
    assert _codes("32B") == ["32b", first_of_day.code, after.code]
    assert _codes("33") == ["33", second_of_day.code, None]
    assert _codes("31") == ["31", None, first_of_day.code]
    # A draft (seen by organizers) is found, between published editions.
    assert _codes("draft") == ["draft", before.code, first_of_day.code]


def test_codes_no_edition_can_have_are_not_looked_up(rf):
    EditionFactory(code="32")
    for code in ("", "3 2", "32/", "ü32", "%", "32\x00"):
        with CaptureQueriesContext(connection) as queries, pytest.raises(Http404):
            views.edition_detail(rf.get("/"), code)
        assert len(queries) == 0, code
