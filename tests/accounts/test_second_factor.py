"""Two-factor sign-in, on (as in production): enrolment at the first sign-in, a code at every
sign-in after, recovery codes that work once, an Organizer's reset, and the Door role without."""

import datetime
import re
import time

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import DOOR, EDITOR, ORGANIZER, STAFF_ROLES
from audit.models import AuditEntry
from rsvps.models import RsvpSettings
from tests.factories import EditionFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase"


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.SECOND_FACTOR_REQUIRED = True


@pytest.fixture
def clock(time_machine):
    """The time a person takes between two tries (time_machine's fixture: reset after the test)."""
    time_machine.move_to(timezone.now(), tick=True)
    return time_machine


def account(role, username):
    user = UserFactory(username=username, is_staff=role in STAFF_ROLES)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def sign_in(user, address="198.51.100.20"):
    """Sign in with the password as a person does: the admin's login form."""
    client = Client(REMOTE_ADDR=address)
    answer = client.post(reverse("admin:login"), {"username": user.username, "password": PASSWORD, "next": "/admin/"})
    assert answer.status_code == 302
    return client


def current_code(device):
    """What the phone's app shows now (time_machine moves 'now' as well)."""
    device.refresh_from_db()
    app = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    app.time = time.time()
    return f"{app.token():06d}"


def enrol(client):
    page = client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    answer = client.post(reverse("accounts:enrol"), {"code": current_code(device), "next": "/admin/"})
    return device, re.findall(r"<li><code>([0-9a-z]+)</code></li>", answer.content.decode())


def test_before_any_admin_page_an_editor_sets_up_a_second_factor(clock):
    editor = account(EDITOR, "ed")
    client = sign_in(editor)
    # Every admin page sends an editor without a second factor to the enrolment, and back after it.
    for url in ["/admin/", reverse("admin:meetups_edition_changelist"), reverse("admin:talks_talk_add")]:
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:enrol")), url
    page = client.get(reverse("accounts:enrol")).content.decode()
    assert "<svg" in page and "type this key" in page
    wrong = client.post(reverse("accounts:enrol"), {"code": "000000", "next": "/admin/"})
    assert "That code is not the one the app shows now" in wrong.content.decode()
    # After three wrong codes even the right one waits a moment (django-otp's throttling), and says so.
    for second in (2, 3):
        clock.shift(datetime.timedelta(seconds=second))
        client.post(reverse("accounts:enrol"), {"code": "000000", "next": "/admin/"})
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    hurried = client.post(reverse("accounts:enrol"), {"code": current_code(device), "next": "/admin/"})
    assert "Too many wrong codes in a row: wait a few seconds" in hurried.content.decode()
    clock.shift(datetime.timedelta(seconds=20))
    device, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/").status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SECOND_FACTOR)
    assert entry.summary == "ed: enrolled an authenticator app" and entry.address == "198.51.100.20"


def test_every_admin_page_asks_for_the_code_at_the_next_sign_in(clock):
    editor = account(EDITOR, "ed")
    device, codes = enrol(sign_in(editor))
    client = sign_in(editor)
    unproven = []
    for model in apps.get_models():
        if admin.site.is_registered(model):
            opts = model._meta
            answer = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
            if not (answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:verify"))):
                unproven.append(opts.label_lower)
    assert unproven == []
    # A code from the app (the next one: a code is good once), then the page asked for.
    clock.shift(datetime.timedelta(seconds=31))
    answer = client.post(
        reverse("accounts:verify"), {"code": current_code(device), "next": reverse("admin:talks_talk_changelist")}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("admin:talks_talk_changelist")
    assert client.get(reverse("admin:talks_talk_changelist")).status_code == 200


def test_a_recovery_code_works_once(clock):
    editor = account(EDITOR, "ed")
    _device, codes = enrol(sign_in(editor))
    first = sign_in(editor)
    assert first.post(reverse("accounts:verify"), {"code": codes[0], "next": "/admin/"}).status_code == 302
    assert first.get("/admin/").status_code == 200
    again = sign_in(editor)
    clock.shift(datetime.timedelta(seconds=5))  # a person takes a moment
    refused = again.post(reverse("accounts:verify"), {"code": codes[0], "next": "/admin/"})
    assert "That code is not right, or it was used already" in refused.content.decode()
    assert again.get("/admin/").status_code == 302
    page = first.get(reverse("accounts:verify")).content.decode()
    assert "9 recovery codes left" in page


def test_an_organizer_resets_a_lost_phone_and_the_colleague_enrols_again():
    organizer = account(ORGANIZER, "anna")
    editor = account(EDITOR, "ed")
    enrol(sign_in(editor))
    anna = sign_in(organizer)
    _device, codes = enrol(anna)
    answer = anna.post(
        reverse("admin:auth_user_changelist"), {"action": "reset_second_factor", "_selected_action": [str(editor.pk)]}
    )
    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    reset = AuditEntry.objects.get(summary__startswith="ed: second factor reset")
    assert reset.actor == organizer
    assert sign_in(editor).get("/admin/")["Location"].startswith(reverse("accounts:enrol"))


def test_the_door_role_needs_no_second_factor():
    tonight = EditionFactory(number=40, code="40", start_date=timezone.localdate())
    RsvpSettings.objects.create(edition=tonight, enabled=True, capacity=10)
    volunteer = sign_in(account(DOOR, "dora"))
    assert volunteer.get("/meetups/40/door/").status_code == 200
    assert volunteer.get("/admin/").status_code == 200  # "nothing to view or edit", not the enrolment


def test_outside_the_admin_a_password_alone_opens_neither_the_door_nor_the_drafts(clock):
    tonight = EditionFactory(number=40, code="40", start_date=timezone.localdate())
    RsvpSettings.objects.create(edition=tonight, enabled=True, capacity=10)
    draft = EditionFactory(number=41, code="41", title="A secret lineup", published=False)
    organizer = account(ORGANIZER, "olga")
    client = sign_in(organizer)  # the password only: no device yet
    door = client.get("/meetups/40/door/")
    assert door.status_code == 302 and door["Location"].startswith(reverse("accounts:enrol"))
    assert client.get(draft.get_absolute_url()).status_code == 404
    device, _ = enrol(client)
    assert client.get("/meetups/40/door/").status_code == 200
    assert "A secret lineup" in client.get(draft.get_absolute_url()).content.decode()
    # At the next sign-in, the code again before either.
    again = sign_in(organizer)
    door = again.get("/meetups/40/door/")
    assert door.status_code == 302 and door["Location"].startswith(reverse("accounts:verify"))
    assert again.get(draft.get_absolute_url()).status_code == 404


def test_the_second_factor_pages_need_a_signed_in_account(client):
    for name in ["accounts:verify", "accounts:enrol"]:
        answer = client.get(reverse(name))
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("admin:login"))
    assert client.post(reverse("accounts:recovery_codes")).status_code == 302


def test_a_next_page_elsewhere_is_not_followed():
    editor = account(EDITOR, "ed")
    _device, codes = enrol(sign_in(editor))
    client = sign_in(editor)
    answer = client.post(reverse("accounts:verify"), {"code": codes[1], "next": "https://evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == "/admin/"


def test_a_code_from_the_app_works_once(clock):
    editor = account(EDITOR, "ed")
    device, _codes = enrol(sign_in(editor))
    clock.shift(datetime.timedelta(seconds=31))  # the next code of the app
    code = current_code(device)
    first = sign_in(editor)
    assert first.post(reverse("accounts:verify"), {"code": code, "next": "/admin/"}).status_code == 302
    clock.shift(datetime.timedelta(seconds=2))  # the same 30-second window: someone who saw it types it
    replay = sign_in(editor, address="203.0.113.7")
    refused = replay.post(reverse("accounts:verify"), {"code": code, "next": "/admin/"})
    assert "That code is not right, or it was used already" in refused.content.decode()
    assert replay.get("/admin/").status_code == 302


def test_a_door_account_may_choose_a_second_factor_and_is_then_asked_for_it(clock):
    tonight = EditionFactory(number=40, code="40", start_date=timezone.localdate())
    RsvpSettings.objects.create(edition=tonight, enabled=True, capacity=10)
    dora = account(DOOR, "dora")
    enrol(sign_in(dora))
    answer = sign_in(dora).get("/admin/")
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:verify"))
