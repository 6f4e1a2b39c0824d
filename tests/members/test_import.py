"""Importing a list in the admin: pending addresses, one request to confirm each, counts, nobody re-added."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Subscriber
from members.services import purge_unconfirmed

pytestmark = pytest.mark.django_db

URL = "/admin/members/subscriber/import/"


def upload(text, name="members.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def post(client, capture, text, **extra):
    with capture(execute=True):
        return client.post(URL, {"file": upload(text, **extra), "where_from": "members of our meetup.com group"})


def test_an_import_adds_pending_addresses_and_reports_every_kind_of_row(
    organizer_client, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(
        email="member@example.org", status="subscribed", consent_text="Yes.", consented_at=timezone.now()
    )
    left = Subscriber.objects.create(email="left@example.org", consent_text="Yes.", consented_at=timezone.now())
    services.unsubscribe(left)
    text = (
        "Name;Email;Joined\n"
        "Ada;ada@example.org;2019\n"
        "Bo;bo@example.org;2020\n"
        "Ada again;ADA@example.org;2021\n"
        "Member;member@example.org;2018\n"
        "Left;left@example.org;2017\n"
        "Broken;not-an-address;2016\n"
        "\n"
    )
    page = post(organizer_client, django_capture_on_commit_callbacks, text).content.decode()

    assert "<strong>2</strong> new" in page
    assert "<strong>1</strong> on the list already" in page
    assert "<strong>1</strong> left the list before" in page
    assert "<strong>1</strong> duplicates" in page
    assert "line 7: “not-an-address”" in page
    pending = Subscriber.objects.filter(source="import").order_by("email")
    assert [(s.email, s.status) for s in pending] == [("ada@example.org", "pending"), ("bo@example.org", "pending")]
    assert pending[0].consent_text == "Imported: members of our meetup.com group."
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "bo@example.org"]
    assert all("/invitations/confirm/" in m.body and "meetup.com group" in m.body for m in mail.outbox)
    assert not Subscriber.objects.filter(email="left@example.org").exists()


def test_one_address_per_line_without_a_header(organizer_client, django_capture_on_commit_callbacks):
    post(organizer_client, django_capture_on_commit_callbacks, "ada@example.org\nbo@example.org\n")
    assert Subscriber.objects.count() == 2


def test_importing_the_same_file_twice_mails_nobody_twice(organizer_client, django_capture_on_commit_callbacks):
    for _ in range(2):
        post(organizer_client, django_capture_on_commit_callbacks, "email\nada@example.org\n")
    assert len(mail.outbox) == 1


def test_a_file_that_is_not_utf8_gets_a_clear_message(organizer_client, django_capture_on_commit_callbacks):
    response = post(organizer_client, django_capture_on_commit_callbacks, "email\nzoë@example.org\n", encoding="utf-16")
    assert response.status_code == 200
    assert "The file is not UTF-8 text" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_the_import_needs_its_own_permission(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="a-long-password-1", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    client.force_login(editor)
    assert client.get(URL).status_code == 403
    assert "Import a list" not in client.get(reverse("admin:members_subscriber_changelist")).content.decode()
    editor.user_permissions.add(Permission.objects.get(codename="import_subscribers"))
    assert client.get(URL).status_code == 200


def test_unconfirmed_addresses_are_deleted_after_the_link_expired(settings):
    now = timezone.now()
    old = now - datetime.timedelta(seconds=settings.SUBSCRIBE_CONFIRMATION_MAX_AGE, days=2)
    Subscriber.objects.create(email="late@example.org", consent_text="Yes.", consented_at=old)
    Subscriber.objects.create(email="fresh@example.org", consent_text="Yes.", consented_at=now)
    Subscriber.objects.create(email="in@example.org", status="subscribed", consent_text="Yes.", consented_at=old)
    assert purge_unconfirmed(now) == 1
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == ["fresh@example.org", "in@example.org"]
