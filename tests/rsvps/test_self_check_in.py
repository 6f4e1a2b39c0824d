"""Self check-in from the projected slide: the code of this minute works, one from two minutes ago does not."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rsvps import self_check_in, services
from rsvps.models import CheckIn, Rsvp, RsvpSettings
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = EditionFactory(number=46, code="46")
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=10)
    return edition


def join(edition, email):
    return services.rsvp(edition, name=email.split("@")[0].title(), email=email, base_url="http://testserver/")


def here_url(edition, now=None):
    return reverse("rsvps:here", args=[edition.code, self_check_in.minute_code(edition.pk, now)])


def test_the_code_changes_every_minute(client, edition):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        url = here_url(edition)
        assert client.get(url).status_code == 200
    with time_machine.travel(now + datetime.timedelta(seconds=60), tick=False):
        assert client.get(url).status_code == 200  # scanned just as it changed
    with time_machine.travel(now + datetime.timedelta(seconds=120), tick=False):
        page = client.get(url)
        assert page.status_code == 400 and "scan the one on the screen again" in page.content.decode()
    other = EditionFactory(number=47, code="47")
    RsvpSettings.objects.create(edition=other, enabled=True, capacity=10)
    assert client.get(reverse("rsvps:here", args=["47", self_check_in.minute_code(edition.pk)])).status_code == 400


def test_the_phone_that_opened_its_rsvp_link_checks_in_with_one_tap(client, edition):
    ada = join(edition, "ada@example.org")
    client.get(ada.get_absolute_url())  # the RSVP page remembers this phone
    url = here_url(edition)
    assert "Check in as Ada" in client.get(url).content.decode()
    page = client.post(url, {"action": "this"}).content.decode()
    assert "you're checked in" in page
    again = client.post(url, {"action": "this"}).content.decode()
    assert "checked in already" in again
    assert list(CheckIn.objects.values_list("method", "result")) == [("self", "already"), ("self", "checked_in")]


def test_another_phone_confirms_from_the_mail_and_nobody_learns_who_is_coming(
    client, edition, django_capture_on_commit_callbacks
):
    ada = join(edition, "ada@example.org")
    mail.outbox.clear()
    url = here_url(edition)
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "ADA@example.org"}).content.decode()
        unknown = client.post(url, {"email": "nobody@example.org"}).content.decode()
    assert known.replace("ADA@example.org", "X") == unknown.replace("nobody@example.org", "X")
    [message] = mail.outbox
    link = re.search(r"http://testserver(/here/\S+/)", message.body).group(1)
    assert "Check me in" in client.get(link).content.decode()
    ada.refresh_from_db()
    assert ada.checked_in_at is None  # a GET (a mail scanner) checks nobody in
    assert "you're checked in" in client.post(link, {"action": "this"}).content.decode()
    assert Rsvp.objects.get(pk=ada.pk).checked_in_at is not None
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert client.get(link).status_code == 400


def test_a_mistyped_code_is_the_changed_code_page(client, edition):
    for typed in ("é", "ü" * 12, "0" * 12, "x"):
        page = client.get(reverse("rsvps:here", args=[edition.code, typed]))
        assert page.status_code == 400 and "scan the one on the screen again" in page.content.decode()


@pytest.mark.parametrize("typed", ["", "ada", "ada@", "a\x00@example.org", "ada@example.org\r\nBcc: x@y.org"])
def test_what_is_no_address_gets_a_message_and_no_mail(client, edition, typed, django_capture_on_commit_callbacks):
    join(edition, "ada@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(here_url(edition), {"email": typed})
    assert response.status_code == 200
    assert "Please give the address you RSVPed with." in response.content.decode()
    assert mail.outbox == []


def test_the_title_slide_shows_the_code_when_rsvps_are_on(client, edition):
    svg = client.get(reverse("rsvps:here_qr", args=[edition.code]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert (
        "no-cache" in svg["Cache-Control"] or "no-store" in svg["Cache-Control"] or "max-age=0" in svg["Cache-Control"]
    )
    deck = client.get(f"/meetups/{edition.code}/deck/").content.decode()
    assert 'src="/meetups/46/here.svg"' in deck
    RsvpSettings.objects.filter(edition=edition).update(enabled=False)
    assert client.get(reverse("rsvps:here_qr", args=[edition.code])).status_code == 404
