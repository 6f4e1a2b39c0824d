"""Links are http(s) URIs (issue #17, item 15): refused with a message otherwise, never stored raw,
and the API's `format: uri` fields are URIs even for rows stored before.

Django's URLValidator takes any character but a space after the host, so the admin
stored https://x.example/"><script>, and schemathesis reported the API's answers
with such links as schema violations.
"""

import io
import time

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from contributions.models import Proposal
from meetups.demo import load_demo
from meetups.models import Edition, Venue
from sponsors.models import Organisation
from talks.models import Person, Talk, TalkSource
from tests.admin_forms import admin_url, errors_of, form_data, form_fields, is_url, registered_models, stored_anywhere
from tests.api.openapi_check import assert_matches_openapi, is_uri, urls_in
from vdlm.spam import rendered_at_token
from vdlm.validators import validate_web_url, web_uri

pytestmark = pytest.mark.django_db

ATTACK = 'https://x.example/"><script>'
GOOD = "https://www.youtube.com/watch?v=GSMh5fw2Mjo&t=1m30s#comments"


@pytest.mark.parametrize(
    "url",
    [
        GOOD,
        "http://example.org",
        "https://www.openstreetmap.org/search?query=Industriestra%C3%9Fe%2067%2C%201220%20Wien",
        "https://github.com/vdlm/meetups/blob/master/Meetups/Meetup_32/slides/bonitz.pdf",
        "https://example.org/a(b)*!'~;,=+$@:/?x=1&y=2",
        "https://münchen.example/",  # an international domain name, as URLValidator takes it
        "https://[2001:db8::1]:8443/x",
        "HTTPS://EXAMPLE.ORG/",
    ],
)
def test_web_links_are_accepted(url):
    validate_web_url(url)
    assert is_uri(web_uri(url))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (ATTACK, "A link may not contain “\"” as it is; percent-encoded, the link is https://x.example/%22%3E%3Cscript%3E"),
        ("https://example.org/a b", "A link may not contain a space as it is; percent-encoded, the link is https://example.org/a%20b"),
        ("https://de.wikipedia.org/wiki/Künstliche_Intelligenz", "percent-encoded, the link is https://de.wikipedia.org/wiki/K%C3%BCnstliche_Intelligenz"),
        ("https://example.org/{x}", "A link may not contain “{”"),
        ("https://example.org/?q=a|b", "A link may not contain “|”"),
        ("https://example.org/a\\b", "A link may not contain “\\”"),
        ("https://example.org/`x`", "A link may not contain “`”"),
        ("https://example.org/^", "A link may not contain “^”"),
        ("https://example.org/100%", "A link may not contain “%”"),
        ("https://example.org/#a#b", "A link may not contain “#”"),
        ("https://example.org/a[0]", "A link may not contain “[”"),
        ("https://exa<mple.org/", "A link may not contain “<”"),
        ("https://example.org/a\r\nb", "A link may not contain a line break."),
        ("https://example.org/\x00", "A link may not contain an invisible control character (U+0000)."),
        ("javascript:alert(1)", "Only web links are accepted here: start it with https:// or http://, not javasc"),
        ("ftp://example.org/file", "Only web links are accepted here: start it with https:// or http://, not ftp:."),
        ("data:text/html,<script>", "Only web links are accepted here"),
        ("https:///no-host", "Enter a valid URL."),
    ],
)
def test_what_no_uri_may_hold_is_refused_with_a_message_that_says_what(url, message):
    with pytest.raises(ValidationError) as refused:
        validate_web_url(url)
    assert message in refused.value.messages[0]


@pytest.mark.parametrize(
    ("stored", "sent"),
    [
        (ATTACK, "https://x.example/%22%3E%3Cscript%3E"),
        ("https://example.org/Folien für alle.pdf", "https://example.org/Folien%20f%C3%BCr%20alle.pdf"),
        ("https://example.org/100%", "https://example.org/100%25"),
        ("https://münchen.example/x", "https://xn--mnchen-3ya.example/x"),
        ("https://example.org/a\r\nb", "https://example.org/a%0D%0Ab"),
        ("javascript:alert(1)", None),
        ("mailto:someone@example.org", None),
        ("/media/slides/x.pdf", None),
        ("", None),
    ],
)
def test_web_uri_makes_a_uri_of_what_older_rows_hold_or_nothing(stored, sent):
    assert web_uri(stored) == sent
    assert sent is None or is_uri(sent)


# --- The admin ----------------------------------------------------------------------


@pytest.fixture
def demo():
    edition = load_demo(archive=())
    from tests.factories import ProposalFactory

    ProposalFactory()
    return edition


URL_MODELS = [model for model, model_admin in registered_models() if any(is_url(f) for f in model._meta.get_fields())]


@pytest.mark.parametrize("model", URL_MODELS, ids=lambda model: model._meta.label_lower)
def test_each_url_field_of_the_admin_refuses_a_link_that_is_no_uri_and_saves_a_good_one(organizer_client, demo, model):
    """The demo's edition has announcements and talks: its page holds their URL fields too."""
    model_admin = admin.site.get_model_admin(model)
    obj = demo if model is Edition else model._default_manager.first()
    url = admin_url(model, "change", obj.pk)
    page = organizer_client.get(url)
    data = form_data(page, model)
    targets = form_fields(model_admin, page.wsgi_request, obj, is_url)
    assert targets
    for name, field_model, field, prefix in targets:
        response = organizer_client.post(url, {**data, name: ATTACK})
        assert response.status_code == 200, name
        assert any("A link may not contain “\"” as it is" in error for error in errors_of(response, name, prefix)), name
        assert "A link may not contain" in response.content.decode()
        assert not stored_anywhere(field_model, field, ATTACK), name

        response = organizer_client.post(url, {**data, name: GOOD})
        assert response.status_code == 302, (name, response.context and errors_of(response, name, prefix))
        assert stored_anywhere(field_model, field, GOOD), name
        # The next field from the page as it is now: a form loaded before this save is refused as
        # stale on the edition (history/concurrency.py).
        data = form_data(organizer_client.get(url), model)


def test_the_proposal_form_refuses_a_link_that_is_no_uri(settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    data = {
        "kind": "talk",
        "title": "Tiny transformers",
        "abstract": "We train small models.",
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "links": f"github.com/ada\n{ATTACK}",
        "any_edition": "on",
        "consent": "on",
        "website": "",
        "rendered_at": rendered_at_token(time.time() - 60),
    }
    response = Client().post("/contribute/", data)

    assert response.status_code == 400
    assert "Link 2 (“https://x.example/&quot;&gt;&lt;script&gt;”): A link may not contain" in response.content.decode()
    assert not Proposal.objects.exists()


# --- The API --------------------------------------------------------------------------


@pytest.fixture
def document(client, db):
    return client.get("/api/openapi.json").json()


def test_the_api_sends_uris_even_for_links_stored_before_the_validator(client, document, demo):
    """Rows written behind the ORM's back, as the import command or a shell once could."""
    talk = Talk.objects.filter(edition=demo).exclude(slides_file__gt="").first()
    person = Person.objects.filter(talk_speakers__talk__edition=demo).first()
    Edition.objects.filter(pk=demo.pk).update(
        meetup_url=ATTACK, video_url="https://example.org/a b", photos_url="javascript:alert(1)",
        stream_url="https://example.org/{live}", intro_slides_url="https://münchen.example/ä.pdf", intro_slides="",
    )
    Talk.objects.filter(pk=talk.pk).update(slides_url="https://example.org/100%", video_url="mailto:x@example.org")
    Person.objects.filter(pk=person.pk).update(
        website_url=ATTACK, github_url="https://github.com/a|b", linkedin_url="ftp://x.example/", scholar_url=""
    )
    Venue.objects.filter(pk=demo.venue_id).update(map_url="https://example.org/#a#b")
    Organisation.objects.update(website="https://example.org/\r\n")
    for source in TalkSource.objects.all():
        TalkSource.objects.filter(pk=source.pk).update(url=f"{ATTACK}{source.pk}")

    for url in (
        "/api/editions/", f"/api/editions/{demo.code.lower()}/", "/api/talks/?page_size=50",
        f"/api/talks/{talk.slug}/", "/api/speakers/?page_size=50", f"/api/speakers/{person.slug}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_matches_openapi(document, response)
        assert all(is_uri(link) for link in urls_in(response.json())), url

    edition = client.get(f"/api/editions/{demo.code.lower()}/").json()
    assert edition["meetup_url"] == "https://x.example/%22%3E%3Cscript%3E"
    assert edition["photos_url"] is None  # javascript: has no web form


def test_the_documented_page_maximum_is_the_views_and_beyond_it_is_a_400(client, document, db):
    for path in ("/api/editions/", "/api/talks/", "/api/speakers/"):
        parameters = {parameter["name"]: parameter for parameter in document["paths"][path]["get"]["parameters"]}
        maximum = parameters["page"]["schema"]["maximum"]
        for page in (maximum + 1, 10**30):
            response = client.get(path, {"page": page})
            assert response.status_code == 400
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["detail"] == f"page must be a whole number from 1 to {maximum}, not '{page}'."
            assert_matches_openapi(document, response)
        response = client.get(path, {"page": maximum})
        assert response.status_code == 404  # a page after the last, as documented
        assert_matches_openapi(document, response)


# --- The archive import ---------------------------------------------------------------

README = """# Vienna Deep Learning Meetup

## Meetups

| Date | #  | Speaker | Topic | Slides | Details |
| ---- | -- | ------- | ----- | ------ |---------|
| 2026-03-12 |  71 | Ada Muster | Sparse Attention | [pdf](https://x.example/"><script>) | [video](https://youtu.be/X) |
| 2026-03-12 |  71 | Bo Beispiel | Tokenizers | [pdf](https://example.org/slides.pdf) | [video](https://x.example/{x}) |
"""


def test_the_archive_import_reports_and_skips_links_that_are_no_uri(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")

    out = io.StringIO()
    call_command("import_archive", str(readme), "--report", str(tmp_path / "report.md"), stdout=out)

    sparse, tokenizers = Talk.objects.get(title="Sparse Attention"), Talk.objects.get(title="Tokenizers")
    assert (sparse.slides_url, sparse.video_url) == ("", "https://youtu.be/X")
    assert (tokenizers.slides_url, tokenizers.video_url) == ("https://example.org/slides.pdf", "")
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert """#71: slides link 'https://x.example/"><script>' is neither a web link nor a file""" in report
    assert "#71: link 'https://x.example/{x}' in the Details column is broken; not imported" in report
