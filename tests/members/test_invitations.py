"""Get the invitations: double opt-in, one-click unsubscribe (RFC 8058), and the suppression of who left."""

import re
import time

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Subscriber, Suppression, address_hash
from vdlm.spam import rendered_at_token

pytestmark = pytest.mark.django_db

BASE = "http://testserver/"


def form(email="ada@example.org", **changes):
    data = {
        "email": email,
        "name": "Ada",
        "consent": "on",
        "website": "",
        "rendered_at": rendered_at_token(time.time() - 30),
    }
    data.update(changes)
    return data


def subscribe(client, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("members:subscribe"), form(**changes))


def link_in(message, name):
    return re.search(rf"http://testserver(/invitations/{name}/[^\s]+/)", message.body).group(1)


def test_the_footer_form_leads_to_the_full_form_with_the_address(client):
    home = client.get("/").content.decode()
    assert 'action="/invitations/"' in home and 'method="get"' in home
    page = client.get(reverse("members:subscribe"), {"email": "ada@example.org"}).content.decode()
    assert 'value="ada@example.org"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="consent"' in page and "checked" not in page.split('name="consent"')[1].split(">")[0]


def test_double_opt_in(client, django_capture_on_commit_callbacks):
    response = subscribe(client, django_capture_on_commit_callbacks)
    assert "Check your inbox" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.name, subscriber.source) == ("pending", "Ada", "web")
    assert "keep my address and name" in subscriber.consent_text
    [confirmation] = mail.outbox
    assert confirmation.to == ["ada@example.org"]

    confirm = link_in(confirmation, "confirm")
    page = client.get(confirm)  # a mail scanner opening the link subscribes nobody
    assert "Yes, send me the invitations" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"

    assert "You are on the list" in client.post(confirm).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "subscribed" and subscriber.confirmed_at is not None
    # Reused: nothing changes, no error.
    assert client.post(confirm).status_code == 200


def test_a_pending_address_gets_the_link_again_a_member_a_note_and_the_page_says_the_same(
    client, django_capture_on_commit_callbacks, settings
):
    settings.SUBSCRIBE_RESEND_SECONDS = 0
    first = subscribe(client, django_capture_on_commit_callbacks).content.decode()
    again = subscribe(client, django_capture_on_commit_callbacks, email="ADA@example.org").content.decode()
    assert Subscriber.objects.count() == 1
    assert [m.subject for m in mail.outbox] == [mail.outbox[0].subject] * 2
    services.confirm(Subscriber.objects.get())
    member = subscribe(client, django_capture_on_commit_callbacks).content.decode()

    strip = lambda page: re.sub(r"<input[^>]*csrf[^>]*>|ADA@example.org|ada@example.org", "", page)  # noqa: E731
    assert strip(first) == strip(again) == strip(member)  # nothing tells who is on the list
    note = mail.outbox[-1]
    assert "on the list already" in note.body
    assert note.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_mail_per_address_per_resend_interval(client, django_capture_on_commit_callbacks):
    for _ in range(3):
        subscribe(client, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("damage", ["tamper", "expire", "other address"])
def test_a_bad_confirmation_link_is_explained(client, django_capture_on_commit_callbacks, settings, damage):
    subscribe(client, django_capture_on_commit_callbacks)
    confirm = link_in(mail.outbox[0], "confirm")
    subscriber = Subscriber.objects.get()
    if damage == "tamper":
        confirm = confirm.replace(f"/{subscriber.pk}:", f"/{subscriber.pk + 1}:")
    elif damage == "other address":
        Subscriber.objects.filter(pk=subscriber.pk).update(email="eve@example.org")
    travel = settings.SUBSCRIBE_CONFIRMATION_MAX_AGE + 1 if damage == "expire" else 0
    with time_machine.travel(timezone.now().timestamp() + travel):
        response = client.post(confirm)
    assert response.status_code == 400
    assert {"tamper": "not valid", "expire": "has expired", "other address": "no longer waiting"}[damage] in (
        response.content.decode()
    )
    assert Subscriber.objects.get().status == "pending"


def test_one_click_unsubscribe_by_post_without_session_or_csrf(client, django_capture_on_commit_callbacks):
    subscriber = Subscriber.objects.create(
        email="ada@example.org", status="subscribed", consent_text="Yes.", consented_at=timezone.now()
    )
    headers = services.list_headers(subscriber, BASE)
    url = headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    strict = Client(enforce_csrf_checks=True)

    assert "Unsubscribe" in strict.get(url).content.decode()  # a GET only asks
    assert Subscriber.objects.exists()
    response = strict.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert Suppression.objects.filter(email_hash=address_hash("ADA@example.org ")).exists()
    assert strict.post(url).status_code == 200  # a second click: still fine
    assert strict.post(url.replace("leave/", "leave/x")).status_code == 400


def test_nothing_else_takes_a_post_without_the_csrf_token(django_capture_on_commit_callbacks):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("members:subscribe"), form()).status_code == 403
    subscriber = Subscriber.objects.create(email="ada@example.org", consent_text="Yes.", consented_at=timezone.now())
    confirm = services.confirm_url(subscriber, BASE).removeprefix("http://testserver")
    assert strict.post(confirm).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"


def test_bad_input_is_explained_and_kept(client):
    response = client.post(reverse("members:subscribe"), form(email="ada-at-example", consent=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in page
    assert "we send the invitations only to people who ask for them" in page
    assert 'value="ada-at-example"' in page
    assert not Subscriber.objects.exists()


def test_a_bot_gets_the_same_page_and_nothing_is_stored(client, django_capture_on_commit_callbacks):
    response = subscribe(client, django_capture_on_commit_callbacks, website="http://spam.example")
    assert "Check your inbox" in response.content.decode()
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_who_left_comes_back_only_by_confirming_again(client, django_capture_on_commit_callbacks):
    subscriber = Subscriber.objects.create(
        email="ada@example.org", status="subscribed", consent_text="Yes.", consented_at=timezone.now()
    )
    services.unsubscribe(subscriber)
    assert services.is_suppressed("Ada@Example.org")
    subscribe(client, django_capture_on_commit_callbacks)
    assert Subscriber.objects.get().status == "pending"
    client.post(link_in(mail.outbox[-1], "confirm"))
    assert Subscriber.objects.get().status == "subscribed"
    assert not services.is_suppressed("ada@example.org")


def test_the_address_limit_holds_for_the_whole_room(client, settings, django_capture_on_commit_callbacks):
    settings.SUBSCRIBE_EMAIL_RATE = "2/h"
    for _ in range(2):
        assert subscribe(client, django_capture_on_commit_callbacks).status_code == 200
    assert subscribe(client, django_capture_on_commit_callbacks).status_code == 429
    # Someone else in the same room (same network) is not locked out.
    assert subscribe(client, django_capture_on_commit_callbacks, email="bo@example.org").status_code == 200


def test_the_privacy_notice_says_what_is_kept(client):
    page = client.get(reverse("meetups:privacy")).content.decode()
    assert 'id="invitations"' in page and "keyed hash" in page
