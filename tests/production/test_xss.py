"""Script in any text an organizer or a visitor can write never runs on any page.

Every text and Markdown field of every model is filled with XSS payloads
(straight into the database, past the forms' own checks, as if an organizer's
account or a future import had been careless), then every public page, the
deck, the feeds, the proposer's private page and the organizers' admin are
rendered: no <script> but the site's own, no event-handler attribute and no
javascript: URL may survive anywhere.
"""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.utils import timezone

from contributions.services import proposal_token
from decks.models import DeckSlide
from meetups.models import SiteProfile
from raffles.models import Raffle
from raffles.services import confirmation_token, draw
from tests.factories import ProposalFactory, RaffleEntryFactory, RaffleFactory
from tests.production.markup import active_markup
from tests.site_data import build_meetup_32

pytestmark = pytest.mark.django_db

APPS = ["meetups", "talks", "sponsors", "raffles", "contributions", "decks"]
# From the fullest to the shortest: each field gets the longest one that fits.
PAYLOADS = [
    '<script>alert("s")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">a</a> '
    "[md](javascript:alert(3)) [md2](JaVaScRiPt:alert(4)) ![i](x \"t\" onerror=alert(5))\n\n"
    "javascript:alert(6)\n<svg onload=alert(7)><iframe src=javascript:alert(8)></iframe>"
    '"><script>alert(9)</script></script><script>alert(10)</script>',
    '"><img src=x onerror=alert(1)><script>alert(2)</script>',
    "<svg onload=alert(1)>",
    "<script>",
]
SKIPPED_FIELD_TYPES = (models.SlugField, models.EmailField, models.URLField, models.FileField)
# Not text anyone writes: a code the database restricts to letters, digits and dashes, the
# hex digests that make a draw verifiable, and a model label only the archive import reads.
SKIPPED_FIELDS = {
    ("meetups", "edition", "code"),
    ("meetups", "archiveimportrecord", "model_label"),
    *(("raffles", "raffledraw", name) for name in ("list_hash", "salt", "commitment", "seed")),
}


def _text_fields(model):
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or isinstance(field, SKIPPED_FIELD_TYPES):
            continue
        key = (model._meta.app_label, model._meta.model_name, field.name)
        if field.choices or not field.editable or key in SKIPPED_FIELDS:
            continue
        yield field


def _payload(field, suffix):
    for payload in PAYLOADS:
        value = f"{payload} {suffix}"
        if field.max_length is None or len(value) <= field.max_length:
            return value
    raise AssertionError(f"No payload fits {field}")


def _poison_every_text_field():
    """Fill every text field of every row with a payload (unique per row for unique columns)."""
    poisoned = 0
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            fields = list(_text_fields(model))
            for pk in model._default_manager.values_list("pk", flat=True):
                values = {field.name: _payload(field, f"#{pk}") for field in fields}
                if values:
                    model._default_manager.filter(pk=pk).update(**values)
                    poisoned += len(values)
    return poisoned


@pytest.fixture
def poisoned_site(organizer):
    data = build_meetup_32(day=timezone.localdate() + datetime.timedelta(days=3))
    SiteProfile.load()
    DeckSlide.objects.create(edition=data.edition, title="Thanks", body="Thanks **all**")
    drawn = RaffleFactory(
        slug="drawn",
        edition=data.edition,
        opens_at=timezone.now() - datetime.timedelta(days=9),
        closes_at=timezone.now() - datetime.timedelta(days=2),
        requires_confirmation=False,
    )
    RaffleEntryFactory(raffle=drawn, answer="Chollet", name="Ada")
    draw(drawn)
    entry = RaffleEntryFactory(raffle=data.raffle)
    proposal = ProposalFactory(links="https://github.com/ada\njavascript:alert(1)")
    assert _poison_every_text_field() > 80
    # Fields the site also shows, with a link a careless import could have stored.
    Raffle.objects.filter(pk=drawn.pk).update(status=Raffle.Status.DRAWN)
    return data, drawn, entry, proposal


def _public_paths(data, drawn, entry, proposal):
    from sponsors.models import JobAd
    from talks.models import Person, Talk

    edition, following = data.edition, data.next_edition
    paths = [
        "/",
        "/meetups/",
        "/meetups/?q=script",
        edition.get_absolute_url(),
        following.get_absolute_url(),
        f"{edition.get_absolute_url()}deck/",
        f"{following.get_absolute_url()}deck/",
        "/talks/",
        "/speakers/",
        "/sponsors/",
        "/jobs/",
        f"/raffles/{data.raffle.slug}/",
        f"/raffles/{drawn.slug}/",
        f"/raffles/{drawn.slug}/result/",
        f"/raffles/{data.raffle.slug}/confirm/{confirmation_token(entry)}/",
        "/contribute/",
        f"/contribute/{proposal_token(proposal)}/",
        f"/contribute/{proposal_token(proposal)}/withdraw/",
        "/privacy/",
        "/meetups/feed/",
        "/meetups/feed/atom/",
        "/talks/feed/",
        "/sitemap.xml",
    ]
    paths += [talk.get_absolute_url() for talk in Talk.objects.all()]
    paths += [person.get_absolute_url() for person in Person.objects.all()]
    paths += [f"/jobs/{job.slug}/" for job in JobAd.objects.all()]
    return paths


def test_no_payload_survives_on_any_public_page(client, poisoned_site):
    findings = {}
    paths = _public_paths(*poisoned_site)
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 410), (path, response.status_code)
        body = response.content.decode()
        found = active_markup(body)
        if found:
            findings[path] = found
    assert findings == {}
    # The payloads did reach the pages, shown as text: the check looked at real output.
    assert "&lt;script&gt;alert(" in client.get(poisoned_site[0].edition.get_absolute_url()).content.decode()
    assert len(paths) > 30


def test_no_payload_survives_in_the_organizers_admin(organizer_client, poisoned_site):
    findings = {}
    pages = 0
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label not in APPS:
            continue
        prefix = f"/admin/{opts.app_label}/{opts.model_name}/"
        paths = [prefix, prefix + "?q=script"]
        paths += [f"{prefix}{pk}/change/" for pk in model._default_manager.values_list("pk", flat=True)[:3]]
        for path in paths:
            # The site profile's list forwards to its single row.
            response = organizer_client.get(path, follow=True)
            assert response.status_code == 200, path
            pages += 1
            found = active_markup(response.content.decode())
            if found:
                findings[path] = found
    assert findings == {}
    assert pages > 50


def test_the_api_answers_json_that_browsers_will_not_sniff_as_html(client, poisoned_site):
    for path in ["/api/editions/", "/api/talks/", "/api/speakers/", "/api/editions/32/"]:
        response = client.get(path)
        assert response["Content-Type"].startswith(("application/json", "application/problem+json")), path
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "<script" in response.content.decode()  # the payload is data here, never markup
