"""The search bar above the archive, the talks and the speakers (vdlm/search_bar.py)."""

import datetime

import pytest

from tests.factories import EditionFactory
from tests.html_helpers import parse


@pytest.fixture
def editions(db):
    EditionFactory(number=7, start_date=datetime.date(2019, 5, 2))
    EditionFactory(number=8, start_date=datetime.date(2020, 6, 4))


def _controls(response):
    """{name: attributes} of the bar's inputs and selects, and {select name: [(value, selected)]}."""
    page = parse(response)
    controls, options, current = {}, {}, None
    for tag, attrs in page.elements:
        if tag == "form" and attrs.get("class") == "invitations-form":
            break  # the footer's form, after the bar
        if tag in ("input", "select") and attrs.get("name"):
            controls[attrs["name"]] = attrs
            current = attrs["name"] if tag == "select" else None
            if current:
                options[current] = []
        elif tag == "option" and current:
            options[current].append((attrs["value"], "selected" in attrs))
    return page, controls, options


@pytest.mark.parametrize("url", ["/meetups/", "/talks/"])
def test_the_bar_offers_the_years_and_kinds_with_labels(client, editions, url):
    page, controls, options = _controls(client.get(url))

    assert set(controls) == {"q", "year", "kind"}
    assert controls["q"]["type"] == "search"
    assert options["year"] == [("", True), ("2020", False), ("2019", False)]
    assert options["kind"][0] == ("", True)
    labels = {attrs["for"] for tag, attrs in page.elements if tag == "label"}
    assert {"id_q", "id_year", "id_kind"} <= labels
    form = next(attrs for tag, attrs in page.elements if tag == "form" and attrs.get("role") == "search")
    assert form["method"] == "get"


def test_the_bar_keeps_what_the_visitor_chose(client, editions):
    _, controls, options = _controls(client.get("/meetups/", {"q": "vision", "year": "2019", "kind": "workshop"}))

    assert controls["q"]["value"] == "vision"
    assert ("2019", True) in options["year"]
    assert ("workshop", True) in options["kind"]
    assert sum(selected for _, selected in options["year"] + options["kind"]) == 2


def test_a_bad_choice_is_explained_next_to_its_field_and_the_search_text_kept(client, editions):
    response = client.get("/meetups/", {"q": "<b>deep</b>", "year": "1999", "kind": "party"})
    page, controls, _ = _controls(response)

    assert response.status_code == 200
    assert "There is nothing from “1999”, so all years are shown." in page.text
    assert "“party” is not a kind we know, so all kinds are shown." in page.text
    assert controls["year"]["aria-invalid"] == "true"
    assert controls["year"]["aria-describedby"] == "id_year_error"
    assert "is-invalid" in controls["kind"]["class"]
    assert controls["q"]["value"] == "<b>deep</b>"  # kept, and escaped in the markup:
    assert b"<b>deep</b>" not in response.content


def test_the_speaker_search_explains_a_too_long_name_and_keeps_it(client, db):
    response = client.get("/speakers/", {"q": "x" * 120})
    page, controls, _ = _controls(response)

    assert response.status_code == 200
    assert "at most 100 characters" in page.text
    assert controls["q"]["value"] == "x" * 120
