"""Bad requests get a JSON answer that says what to change, never a 500 or an HTML page."""

import pytest

from tests.factories import EditionFactory


def _problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    return body["detail"]


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/editions/?year=abc", "year must be a four-digit year such as 2020, not 'abc'."),
        ("/api/editions/?year=20", "year must be a four-digit year such as 2020, not '20'."),
        ("/api/editions/?year=0000", "year must be a four-digit year such as 2020, not '0000'."),
        ("/api/talks/?year=0999", "year must be a four-digit year such as 2020, not '0999'."),
        ("/api/editions/?kind=party", "kind must be one of meetup, workshop, special; 'party' is not."),
        ("/api/editions/?when=soon", "when must be one of upcoming, past; 'soon' is not."),
        ("/api/editions/?page=0", "page must be a whole number from 1 to 999999999, not '0'."),
        ("/api/editions/?page=abc", "page must be a whole number from 1 to 999999999, not 'abc'."),
        ("/api/editions/?page_size=0", "page_size must be a whole number from 1 to 50, not '0'."),
        ("/api/talks/?page_size=51", "page_size must be a whole number from 1 to 50, not '51'."),
        ("/api/speakers/?page_size=abc", "page_size must be a whole number from 1 to 50, not 'abc'."),
        ("/api/editions/?page_size=-5", "page_size must be a whole number from 1 to 50, not '-5'."),
        ("/api/talks/?page_size=", "page_size must be a whole number from 1 to 50, not ''."),
        ("/api/speakers/?page_size=20%0A", "page_size must be a whole number from 1 to 50, not '20\\n'."),
        ("/api/talks/?year=2020.5", "year must be a four-digit year such as 2020, not '2020.5'."),
        (
            "/api/talks/?kind=meetup",
            "kind must be one of talk, conference_report, hot_topics, lightning, workshop, tutorial; 'meetup' is not.",
        ),
        ("/api/speakers/?year=2020%0A", "year must be a four-digit year such as 2020, not '2020\\n'."),
        ("/api/speakers/?year=%D9%A2%D9%A0%D9%A2%D9%A0", "year must be a four-digit year such as 2020, not '٢٠٢٠'."),
    ],
)
def test_bad_parameters_are_400_with_a_clear_message(client, db, url, detail):
    assert _problem(client.get(url), 400) == detail


def test_a_page_past_the_last_is_404(client, db):
    EditionFactory.create_batch(3)

    assert _problem(client.get("/api/editions/?page=2"), 404) == "There is no page 2: the last page is 1."
    assert client.get("/api/editions/?page=1").status_code == 200
    assert _problem(client.get("/api/editions/?page=3&page_size=2"), 404) == "There is no page 3: the last page is 2."
    assert client.get("/api/editions/?page=2&page_size=2").status_code == 200


def test_an_empty_result_is_an_empty_first_page(client, db):
    assert client.get("/api/talks/").json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_api_is_read_only(client, db):
    for method in (client.post, client.put, client.delete, client.patch):
        response = method("/api/editions/")
        assert _problem(response, 405) == f"{response.request['REQUEST_METHOD']} is not allowed: " + (
            "this API is read-only (GET and HEAD)."
        )
        assert response["Allow"] == "GET, HEAD"
    assert client.head("/api/editions/").status_code == 200


def test_unknown_paths_under_api_are_json_404s_and_missing_slashes_redirect(client, db):
    assert _problem(client.get("/api/meetups/"), 404) == "There is no API endpoint at /api/meetups/; see /api/."
    assert client.get("/api/editions").url == "/api/editions/"


def test_the_index_links_everything(client, db):
    assert client.get("/api/").json() == {
        "editions": "http://testserver/api/editions/",
        "talks": "http://testserver/api/talks/",
        "speakers": "http://testserver/api/speakers/",
        "openapi": "http://testserver/api/openapi.json",
    }


def test_responses_may_be_cached_briefly_by_anyone(client, db):
    response = client.get("/api/editions/")

    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}
