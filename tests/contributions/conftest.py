"""Shared helpers for the call-for-contributions tests: a filled-in form, the
private link from an email, and an upcoming edition with an agenda."""

import datetime
import re
import time

import pytest
from django.utils import timezone

from meetups.models import AgendaItem, SiteProfile
from tests.factories import AgendaItemFactory, EditionFactory
from vdlm.spam import rendered_at_token

LINK = re.compile(r"http://testserver(/contribute/[^/\s]+/)")


def form_data(**overrides):
    """What a person sends who filled the form in over a minute; None leaves a field out."""
    data = {
        "kind": "talk",
        "title": "Tiny transformers on a laptop",
        "abstract": "We train **small** models.\n\n- fast\n- cheap",
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "affiliation": "Analytical Engines GmbH",
        "bio": "Writes programs for machines that do not exist yet.",
        "links": "github.com/ada\nhttps://ada.example.org/",
        "any_edition": "on",
        "consent": "on",
        "website": "",
        "rendered_at": rendered_at_token(time.time() - 60),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def private_path(message):
    """The path of the private link in an email."""
    return LINK.search(message.body).group(1)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for a commit (the emails) as soon as a request ends, as in production."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def contact_address(db):
    profile = SiteProfile.load()
    profile.contact_email = "organizers@vdlm.example"
    profile.save()
    return profile.contact_email


@pytest.fixture
def edition(db):
    """#40, three weeks ahead, published, with the usual agenda."""
    edition = EditionFactory(
        code="40",
        number=40,
        topic="Efficient models",
        start_date=timezone.localdate() + datetime.timedelta(days=21),
    )
    for position, kind, title in [
        (10, AgendaItem.Kind.WELCOME, "Welcome & Introduction"),
        (20, AgendaItem.Kind.TALK, "Scaling laws revisited"),
        (30, AgendaItem.Kind.NETWORKING, "Networking"),
    ]:
        AgendaItemFactory(edition=edition, position=position, kind=kind, title=title)
    return edition
