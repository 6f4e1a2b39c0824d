"""A line break where one line belongs (issue #17, item 7): refused with a message, never a 500.

Browsers strip line breaks from <input>, so only a crafted POST sends one, and one
was enough: a raffle title with "\\r\\n" made every entry a server error (the mail
subject), an edition title broke its calendar file. Every single-line field of the
project now refuses control characters, in each admin form and public form; rows
stored before (or behind the ORM's back) are shown without a server error anywhere.
"""

import datetime
import time

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client
from django.utils import timezone

from decks.models import DeckSlide
from meetups.demo import load_demo
from meetups.models import AgendaItem, Announcement, Edition, SiteProfile, Venue
from raffles.models import Raffle, RaffleDraw, RaffleEntry
from sponsors.models import JobAd, JobAdItem, Organisation, Sponsorship
from talks.models import Person, Talk, TalkSource, TalkSpeaker
from tests.admin_forms import (
    admin_url,
    errors_of,
    form_data,
    form_fields,
    is_single_line,
    is_url,
    project_models,
    registered_models,
    stored_anywhere,
)
from tests.factories import ProposalFactory, RaffleEntryFactory
from tests.html_helpers import parse
from vdlm.spam import rendered_at_token
from vdlm.validators import validate_single_line, validate_web_url

pytestmark = pytest.mark.django_db

MESSAGE = "This field must be a single line without control characters"
BROKEN = "First\r\nX-Injected: yes"
SHORT_BROKEN = "a\r\nb"  # fits every max_length: a too-long value would be refused before the validator runs
# Django's EmailValidator takes a quoted local part with a vertical tab in it: the model field must not.
BROKEN_EMAIL = '"a\x0bb"@example.org'


def _label(model):
    return model._meta.label_lower


@pytest.fixture
def demo():
    from raffles.services import draw

    edition = load_demo(archive=())
    raffle = edition.raffles.get()
    RaffleEntryFactory(raffle=raffle, answer="Chollet", confirmed_at=raffle.opens_at)
    draw(raffle)
    ProposalFactory()
    DeckSlide.objects.create(edition=edition, title="Thank you", body="See you next month.")
    return edition


def _richest(model_admin, request):
    """A row to edit whose page has a row in as many inlines as possible, so that theirs are tried too."""
    best, best_count = None, -1
    for obj in model_admin.get_queryset(request)[:50]:
        count = sum(
            1
            for formset, _inline in model_admin.get_formsets_with_inlines(request, obj)
            if formset(instance=obj).initial_form_count()
        )
        if count > best_count:
            best, best_count = obj, count
    return best


def _broken_value(field):
    return BROKEN_EMAIL if isinstance(field, models.EmailField) else SHORT_BROKEN


def test_every_single_line_field_refuses_control_characters_and_every_url_field_checks_its_links():
    """The rule of the models, for any field added later: checked here, not remembered."""
    missing = []
    for model in project_models():
        for field in model._meta.get_fields():
            if is_single_line(field) and validate_single_line not in field.validators:
                missing.append(f"{_label(model)}.{field.name}")
            if is_url(field) and validate_web_url not in field.validators:
                missing.append(f"{_label(model)}.{field.name}")
    assert missing == []


@pytest.mark.parametrize("model", [model for model, _ in registered_models()], ids=_label)
def test_the_admin_change_form_refuses_a_line_break_in_each_single_line_field(organizer_client, demo, model):
    model_admin = admin.site.get_model_admin(model)
    page = organizer_client.get(admin_url(model, "changelist"), follow=True)
    obj = _richest(model_admin, page.wsgi_request)
    url = admin_url(model, "change", obj.pk)
    page = organizer_client.get(url)
    assert page.status_code == 200
    data = form_data(page, model)
    if not model_admin.has_change_permission(page.wsgi_request, obj):
        # Draws are permanent records: their page shows them, and nothing on it can be changed.
        assert model is RaffleDraw
        assert organizer_client.post(url, {**data, "drawn_by": SHORT_BROKEN}).status_code == 403
        return
    targets = form_fields(model_admin, page.wsgi_request, obj, is_single_line)
    assert targets
    # The form as the browser sends it back is saved: what is refused below is refused for the one field.
    assert organizer_client.post(url, data).status_code == 302
    for name, field_model, field, prefix in targets:
        value = _broken_value(field)
        response = organizer_client.post(url, {**data, name: value})
        assert response.status_code == 200, name
        assert any(MESSAGE in error for error in errors_of(response, name, prefix)), (name, errors_of(
            response, name, prefix
        ))
        assert MESSAGE in response.content.decode(), name
        assert not stored_anywhere(field_model, field, value), name


@pytest.mark.parametrize("model", [model for model, _ in registered_models()], ids=_label)
def test_the_admin_add_form_refuses_a_line_break_in_each_single_line_field(organizer_client, demo, model):
    model_admin = admin.site.get_model_admin(model)
    url = admin_url(model, "add")
    page = organizer_client.get(url)
    if page.status_code == 403:
        # One site profile, and draws come from the draw action: nobody adds them by hand.
        assert model in (SiteProfile, RaffleDraw)
        return
    assert page.status_code == 200
    data = form_data(page, model)
    count = model._default_manager.count()
    for name, field_model, field, prefix in form_fields(model_admin, page.wsgi_request, None, is_single_line):
        value = _broken_value(field)
        response = organizer_client.post(url, {**data, name: value})
        assert response.status_code == 200, name
        assert any(MESSAGE in error for error in errors_of(response, name, prefix)), name
        assert not stored_anywhere(field_model, field, value), name
    assert model._default_manager.count() == count


# --- The public forms ---------------------------------------------------------------


@pytest.fixture
def open_raffle(settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    from tests.factories import RaffleFactory

    return RaffleFactory(slug="ml-prague-2020", accepted_answers="Chollet", requires_confirmation=False)


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Ada\r\nBcc: everyone@example.org"), ("answer", "Chollet\r\nX: y"), ("email", BROKEN_EMAIL),
     ("name", "Ada\u202eecalevoL"), ("answer", "Chollet\x00")],
)
def test_a_raffle_entry_with_a_control_character_is_refused_and_keeps_what_was_typed(open_raffle, field, value):
    data = {"email": "ada@example.org", "name": "Ada", "answer": "Chollet", "consent": "on", "website": "",
            "rendered_at": rendered_at_token(time.time() - 30), field: value}
    response = Client().post("/raffles/ml-prague-2020/", data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "single line without control characters" in page
    typed = {}
    for tag, attrs in parse(page).elements:
        if tag == "input":
            typed.setdefault(attrs.get("name"), attrs.get("value"))  # the entry form's, not the footer's
    kept = [name for name in ("email", "name", "answer") if name != field]
    assert all(typed[name] == data[name] for name in kept)
    assert not RaffleEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Ada\u202eecalevoL"), ("name", "Ada\x01"), ("id_name", "Ada\r\nLovelace"),
     ("guest_name", "Bo\x00"), ("answer_1", "None\r\nX: y"), ("email", BROKEN_EMAIL)],
)
def test_an_rsvp_with_a_control_character_is_refused_and_keeps_what_was_typed(settings, field, value):
    # The host's printed guest list and the door page show these names: one line each.
    from rsvps.models import Rsvp, RsvpSettings
    from tests.factories import EditionFactory

    settings.SPAM_MIN_FILL_SECONDS = 0
    edition = EditionFactory(number=40, code="40")
    RsvpSettings.objects.create(
        edition=edition, enabled=True, capacity=10, guests_allowed=True, id_name_required=True, question_1="Diet?"
    )
    data = {"name": "Ada", "email": "ada@example.org", "id_name": "Ada Lovelace", "guest": "on",
            "guest_name": "Bo", "answer_1": "None", "consent": "on", "website": "",
            "rendered_at": rendered_at_token(time.time() - 30), field: value}  # fmt: skip
    response = Client().post(f"/meetups/{edition.code}/rsvp/", data)

    page = response.content.decode()
    assert "single line without control characters" in page
    typed = {}
    for tag, attrs in parse(page).elements:
        if tag == "input":
            typed.setdefault(attrs.get("name"), attrs.get("value"))  # the RSVP form's, not the footer's
    assert all(typed[name] == data[name] for name in ("name", "email", "id_name", "guest_name") if name != field)
    assert not Rsvp.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("name", "Ada\u202eecalevoL"), ("email", BROKEN_EMAIL)])
def test_a_subscription_with_a_control_character_is_refused(settings, field, value):
    from members.models import Subscriber

    settings.SPAM_MIN_FILL_SECONDS = 0
    data = {"email": "ada@example.org", "name": "Ada", "consent": "on", "website": "",
            "rendered_at": rendered_at_token(time.time() - 30), field: value}  # fmt: skip
    page = Client().post("/invitations/", data).content.decode()
    assert "single line without control characters" in page
    assert not Subscriber.objects.exists()


def test_a_proposal_with_a_control_character_is_refused_and_keeps_what_was_typed(settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    data = {
        "kind": "talk",
        "title": "Tiny\x1btransformers",
        "abstract": "We train small models.",
        "name": "Ada Lovelace",
        "email": BROKEN_EMAIL,
        "affiliation": "Analytical\x07Engines",
        "any_edition": "on",
        "consent": "on",
        "website": "",
        "rendered_at": rendered_at_token(time.time() - 60),
    }
    response = Client().post("/contribute/", data)

    assert response.status_code == 400
    page = parse(response)
    assert page.text.count("single line without control characters") == 3  # title, email, affiliation
    assert "We train small models." in response.content.decode()
    from contributions.models import Proposal

    assert not Proposal.objects.exists()


# --- Rows stored before the validator -------------------------------------------------


def _break_every_single_line_field(demo):
    """Put a line break and a tab in every single-line field, behind the ORM's back."""
    broken = {}
    for model in (SiteProfile, Venue, Edition, AgendaItem, Announcement, Person, Talk, TalkSpeaker, TalkSource,
                  Organisation, Sponsorship, JobAd, JobAdItem, Raffle, RaffleEntry, DeckSlide):
        fields = [field for field in model._meta.get_fields() if is_single_line(field)]
        for field in fields:
            if field.name in ("code", "email", "contact_email", "answer_email", "message_id"):
                continue  # codes stay URL-safe (a database constraint); addresses are never shown
            suffix = "\r\nX-Injected: 1\t"
            for pk, value in model._default_manager.values_list("pk", field.attname):
                # Within the column's length: PostgreSQL refuses a longer value, as it should.
                broken_value = (value[: max(0, field.max_length - len(suffix))] + suffix)[: field.max_length]
                model._default_manager.filter(pk=pk).update(**{field.attname: broken_value})
        broken[model] = [field.name for field in fields]
    SiteProfile.forget_cached()
    return broken


def test_rows_with_line_breaks_break_no_page_feed_calendar_or_api(demo):
    talk = Talk.objects.filter(edition=demo).first()
    person = Person.objects.filter(talk_speakers__talk__edition=demo).first()
    job = JobAd.objects.first()
    _break_every_single_line_field(demo)
    client = Client(raise_request_exception=False)
    code = demo.code.lower()
    urls = [
        "/", "/meetups/", f"/meetups/{code}/", f"/meetups/{code}/deck/", "/meetups/calendar.ics",
        f"/meetups/{code}/calendar.ics", "/meetups/feed/", "/talks/", f"/talks/{talk.slug}/", "/talks/feed/",
        "/speakers/", f"/speakers/{person.slug}/", "/sponsors/", "/jobs/", f"/jobs/{job.slug}/",
        f"/raffles/{demo.raffles.get().slug}/", "/sitemap.xml", "/contribute/", "/api/", "/api/editions/",
        f"/api/editions/{code}/", "/api/talks/", f"/api/talks/{talk.slug}/", "/api/speakers/",
        f"/api/speakers/{person.slug}/",
    ]
    failed = {url: client.get(url).status_code for url in urls}
    assert {url: status for url, status in failed.items() if status >= 500} == {}
    calendar = client.get(f"/meetups/{code}/calendar.ics").content.decode()
    summary = next(line for line in calendar.split("\r\n") if line.startswith("SUMMARY:"))
    assert "X-Injected: 1" in summary  # the title, on its one line
    assert not any(line.startswith("X-Injected") for line in calendar.split("\r\n"))


def test_a_raffle_with_a_line_break_in_its_title_still_takes_entries(
    mailoutbox, open_raffle, django_capture_on_commit_callbacks
):
    Raffle.objects.filter(pk=open_raffle.pk).update(
        title="ML Prague\r\nBcc: everyone@example.org", requires_confirmation=True
    )
    data = {"email": "ada@example.org", "answer": "Chollet", "consent": "on", "website": "",
            "rendered_at": rendered_at_token(time.time() - 30)}
    with django_capture_on_commit_callbacks(execute=True):  # the confirmation mail goes out as in production
        response = Client(raise_request_exception=False).post("/raffles/ml-prague-2020/", data)

    assert response.status_code == 200
    assert RaffleEntry.objects.filter(email="ada@example.org").exists()
    (mail,) = mailoutbox
    assert mail.to == ["ada@example.org"]
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert "everyone@example.org" not in mail.recipients()


def test_calendar_values_are_one_line_whatever_the_rows_hold(client, demo):
    SiteProfile.objects.update(group_name="Deep\r\nLearning\u2028Vienna")
    Edition.objects.filter(pk=demo.pk).update(
        # PostgreSQL stores no NUL character at all; an escape character is a control character it keeps.
        title="Line\nbreak\x1b", topic="Topic\r\nDTSTART:19700101T000000", published=True,
        start_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    Venue.objects.filter(pk=demo.venue_id).update(name="Hall\r\nLOCATION:elsewhere")
    SiteProfile.forget_cached()

    for url in ("/meetups/calendar.ics", f"/meetups/{demo.code.lower()}/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200
        lines = response.content.decode().split("\r\n")
        assert "X-WR-CALNAME:Deep Learning Vienna" in lines or url.endswith(f"{demo.code.lower()}/calendar.ics")
        assert not [line for line in lines if line.startswith(("DTSTART:1970", "LOCATION:elsewhere", "break"))]
        assert not any("\x1b" in line for line in lines)


def test_an_edition_code_the_form_refuses_is_a_message_on_the_page_not_a_server_error(organizer_client, demo):
    """Found by the test above: the page shown again with the errors linked the deck with the code as typed."""
    url = admin_url(Edition, "change", demo.pk)
    data = form_data(organizer_client.get(url), Edition)

    response = organizer_client.post(url, {**data, "code": "3 3"})

    assert response.status_code == 200
    assert "The code may contain only letters, digits and dashes." in response.content.decode()
    assert Edition.objects.get(pk=demo.pk).code == demo.code
