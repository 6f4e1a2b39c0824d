"""The OpenAPI document is valid OpenAPI 3.1 and matches what the API really answers."""

import pytest
from openapi_spec_validator import validate

from meetups.demo import load_demo
from tests.api.openapi_check import assert_matches_openapi, urls_in
from tests.factories import EditionFactory
from tests.site_data import build_meetup_32


@pytest.fixture
def document(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_is_valid_openapi_and_names_this_server(document):
    validate(document)

    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://testserver"}]
    assert set(document["paths"]) == {
        "/api/",
        "/api/editions/",
        "/api/editions/{code}/",
        "/api/talks/",
        "/api/talks/{slug}/",
        "/api/speakers/",
        "/api/speakers/{slug}/",
    }


def test_real_responses_match_the_document(client, document, subtests):
    deck = build_meetup_32()
    load_demo(archive=())  # a second #32 and the upcoming edition, as a fresh installation has them
    EditionFactory(code="W9", kind="workshop", start_time=None, end_time=None, venue=None, stream_url="")
    EditionFactory(code="H1", attendance="mixed", stream_url="https://youtu.be/live")
    urls = [
        "/api/",
        "/api/editions/",
        "/api/editions/?when=upcoming",
        "/api/editions/?year=2020&kind=meetup",
        "/api/editions/32/",
        "/api/editions/demo/",
        "/api/editions/w9/",
        "/api/editions/h1/",
        "/api/talks/",
        "/api/talks/?kind=hot_topics",
        "/api/talks/?page_size=2&page=2",
        f"/api/talks/{deck.neurips.slug}/",
        "/api/speakers/",
        "/api/speakers/rene-donner/",
        # Errors are documented too.
        "/api/editions/?year=twenty",
        "/api/speakers/?page_size=51",
        "/api/talks/?page=7",
        "/api/editions/unknown/",
        "/api/speakers/nobody/",
    ]
    for url in urls:
        with subtests.test(url=url):
            response = client.get(url)
            assert_matches_openapi(document, response)
            for link in urls_in(response.json()):
                assert link.startswith(("http://testserver/", "https://")), link


def test_every_list_documents_page_and_page_size(document):
    for path in ("/api/editions/", "/api/talks/", "/api/speakers/"):
        parameters = {parameter["name"]: parameter for parameter in document["paths"][path]["get"]["parameters"]}
        assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}
        assert parameters["page"]["in"] == parameters["page_size"]["in"] == "query"
    assert document["components"]["schemas"]["TalkPage"]["properties"]["results"]["maxItems"] == 50


def test_a_field_the_document_does_not_name_fails_the_check(client, document, db):
    """Guards the check above: an extra or missing field must not pass silently."""
    EditionFactory(code="12")
    response = client.get("/api/editions/12/")
    del document["components"]["schemas"]["Edition"]["properties"]["topic"]
    document["components"]["schemas"]["Edition"]["required"].remove("topic")

    with pytest.raises(AssertionError, match="Additional properties are not allowed"):
        assert_matches_openapi(document, response)
