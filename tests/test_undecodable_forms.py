"""A form body the site cannot decode gets the site's 400 page, never a server error.

As a scanner sends it: a real session (the CSRF cookie and token from the page),
then a body in UTF-16, a charset nobody knows, a codec that is no text
encoding, or bytes that are not UTF-8. Each of these was a 500: Django's 400
handler checked the CSRF token again, reading the undecodable body a second time.
"""

import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse

from contributions.models import Proposal
from tests.contributions.conftest import form_data
from tests.factories import RaffleFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
POST_URLS = ["/contribute/", "/contribute/preview/", reverse("admin:login"), "/raffles/open/"]


@pytest.fixture
def browser():
    """A client with the site's CSRF cookie, checked as in production, and its token."""
    RaffleFactory(slug="open")
    client = Client(enforce_csrf_checks=True)
    client.get("/contribute/")
    return client, client.cookies["csrftoken"].value


def _multipart(fields, boundary="vdlm-boundary"):
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def _bad_bodies(token):
    fields = {"title": "Tiny transformers", "name": "René", "csrfmiddlewaretoken": token}
    plain = urllib.parse.urlencode(fields)
    return {
        "UTF-16 form": (f"{FORM}; charset=utf-16", plain.encode("utf-16")),
        "ASCII form declared UTF-16": (f"{FORM}; charset=utf-16", plain.encode()),
        "unknown charset": (f"{FORM}; charset=nonsense", plain.encode()),
        "codec that is no text encoding": (f"{FORM}; charset=base64", plain.encode()),
        "raw bytes that are not UTF-8": (FORM, plain.encode() + b"&bio=Ren\xe9\xff"),
        "escapes that are not UTF-8": (FORM, plain.encode() + b"&bio=Ren%E9%FF"),
        "multipart in an unknown charset": ("multipart/form-data; boundary=vdlm-boundary; charset=nonsense",
                                            _multipart(fields)),
        "multipart in a codec that is no text encoding": (
            "multipart/form-data; boundary=vdlm-boundary; charset=hex",
            _multipart(fields),
        ),
    }


BAD_BODY_NAMES = list(_bad_bodies("token"))


@pytest.mark.parametrize("body_name", BAD_BODY_NAMES)
@pytest.mark.parametrize("url", POST_URLS)
def test_an_undecodable_form_gets_the_sites_400_page(browser, url, body_name):
    client, token = browser
    content_type, body = _bad_bodies(token)[body_name]
    response = client.generic("POST", url, data=body, content_type=content_type)
    assert response.status_code == 400, (url, body_name, response.status_code)
    page = response.content.decode()
    assert "<title>Bad request – Vienna Deep Learning Meetup</title>" in page
    assert "This site could not read what your browser sent." in page
    assert "Content-Security-Policy" in response
    assert not Proposal.objects.exists()


def test_a_normal_form_with_accents_is_still_taken(browser, django_capture_on_commit_callbacks):
    client, token = browser
    data = form_data(name="René Donner", csrfmiddlewaretoken=token)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contribute/", data)
    assert response.status_code == 200
    assert "Thank you for your proposal!" in response.content.decode()
    assert Proposal.objects.get().name == "René Donner"


def test_a_form_declared_utf8_and_the_live_previews_multipart_are_still_taken(browser):
    client, token = browser
    body = urllib.parse.urlencode({"title": "Grüße", "abstract": "**Süß**", "csrfmiddlewaretoken": token})
    response = client.generic("POST", "/contribute/preview/", data=body.encode(), content_type=f"{FORM}; charset=UTF-8")
    assert response.status_code == 200
    assert "<strong>Süß</strong>" in response.content.decode()
    # The live preview posts a FormData: multipart, UTF-8, without a charset.
    response = client.post("/contribute/preview/", {"abstract": "**Süß**", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "<strong>Süß</strong>" in response.content.decode()
