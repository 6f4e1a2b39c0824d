"""The door: the host's guest list (names only, expiring, revocable) and check-in by name or QR code."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.utils import timezone

from meetups.models import Edition
from rsvps import door, services
from rsvps.models import CheckIn, Rsvp, RsvpSettings
from tests.factories import EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = EditionFactory(number=42, code="42")
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=3, guests_allowed=True, id_name_required=True)
    return edition


def join(edition, name, guest_name=""):
    email = f"{name.split()[0].lower()}@example.org"
    return services.rsvp(
        edition, name=name, email=email, base_url="http://testserver/", guest=bool(guest_name),
        guest_name=guest_name, id_name=name.upper(),
    )  # fmt: skip


def test_the_guest_list_shows_names_only_and_expires(client, organizer_client, edition):
    join(edition, "Zoe Zed", guest_name="Yann Guest")
    join(edition, "Bob Bee")
    waiting = join(edition, "Carl Waits")
    assert waiting.status == "waiting"
    organizer_client.post(f"/admin/rsvps/rsvp/guest-list/{edition.pk}/", {"action": "new"})
    token = door.guest_list_token(RsvpSettings.objects.get())
    page = client.get(f"/guests/{token}/").content.decode()
    assert page.index("Bob Bee") < page.index("Zoe Zed") and "+1 Yann Guest" in page and "(ID: ZOE ZED)" in page
    assert "zoe@example.org" not in page and "Carl Waits" not in page
    csv = client.get(f"/guests/{token}/?format=csv").content.decode()
    assert csv.splitlines() == ["Name,Name as on ID,Guest (+1)", "Bob Bee,BOB BEE,", "Zoe Zed,ZOE ZED,Yann Guest"]

    day_after = edition.start_date + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(day_after, datetime.time(22, 0)).astimezone()):
        assert client.get(f"/guests/{token}/").status_code == 200
    with time_machine.travel(datetime.datetime.combine(day_after + datetime.timedelta(days=1), datetime.time(1, 0))):
        assert client.get(f"/guests/{token}/").status_code == 404

    organizer_client.post(f"/admin/rsvps/rsvp/guest-list/{edition.pk}/", {"action": "new"})
    assert client.get(f"/guests/{token}/").status_code == 404  # replaced
    organizer_client.post(f"/admin/rsvps/rsvp/guest-list/{edition.pk}/", {"action": "revoke"})
    assert door.guest_list_token(RsvpSettings.objects.get()) == ""
    assert client.get(f"/guests/{token[:-2]}xx/").status_code == 404


def test_check_in_by_name_is_idempotent_and_can_be_undone(organizer_client, edition):
    ada = join(edition, "Ada Lovelace")
    url = f"/meetups/{edition.code}/door/"
    json = {"HTTP_ACCEPT": "application/json"}
    first = organizer_client.post(url, {"rsvp": ada.pk}, **json).json()
    again = organizer_client.post(url, {"rsvp": ada.pk}, **json).json()
    assert (first["result"], again["result"]) == ("checked_in", "already")
    assert first["figures"]["checked_in"] == 1
    undone = organizer_client.post(url, {"rsvp": ada.pk, "action": "undo"}, **json).json()
    assert undone["result"] == "undone" and undone["figures"]["checked_in"] == 0
    assert list(CheckIn.objects.order_by("pk").values_list("result", flat=True)) == ["checked_in", "already", "undone"]
    # Without JavaScript the form posts and the page shows the result.
    page = organizer_client.post(url, {"rsvp": ada.pk}).content.decode()
    assert "Ada Lovelace: checked in." in page


def test_check_in_by_qr_code(organizer_client, edition):
    ada = join(edition, "Ada Lovelace", guest_name="Bo Guest")
    join(edition, "Bea Lastseat")
    waiting = join(edition, "Carl Waits")
    url = f"/meetups/{edition.code}/door/"
    json = {"HTTP_ACCEPT": "application/json"}
    answer = organizer_client.post(url, {"code": door.door_code(ada)}, **json).json()
    assert answer["result"] == "checked_in"
    assert CheckIn.objects.get().method == "code"
    assert organizer_client.post(url, {"code": door.door_code(waiting)}, **json).json()["result"] == "waiting"
    forged = door.door_code(ada)[:-3] + "abc"
    assert organizer_client.post(url, {"code": forged}, **json).json()["result"] == "not_on_list"
    guest = organizer_client.post(url, {"rsvp": ada.pk, "guest": "1"}, **json).json()
    assert guest["result"] == "checked_in" and guest["message"] == "Bo Guest: checked in."
    ada.refresh_from_db()
    assert ada.checked_in_at and ada.guest_checked_in_at
    other = EditionFactory(number=43, code="43")
    RsvpSettings.objects.create(edition=other, enabled=True, capacity=5)
    answer = organizer_client.post(f"/meetups/{other.code}/door/", {"code": door.door_code(ada)}, **json).json()
    assert answer["result"] == "not_on_list"  # a code of another evening


@pytest.mark.parametrize("typed", ["²", "abc", "", "99999999999999999999"])
def test_a_tap_on_no_rsvp_is_not_on_the_list(organizer_client, edition, typed):
    join(edition, "Ada Lovelace")
    answer = organizer_client.post(
        f"/meetups/{edition.code}/door/", {"rsvp": typed}, HTTP_ACCEPT="application/json"
    ).json()
    assert answer["result"] == "not_on_list"
    assert not CheckIn.objects.filter(result="checked_in").exists()


def test_the_door_needs_its_permission_and_shows_the_qr_on_the_rsvp_page(client, edition):
    ada = join(edition, "Ada Lovelace")
    volunteer = UserFactory(is_staff=True)
    client.force_login(volunteer)
    assert client.get(f"/meetups/{edition.code}/door/").status_code == 403
    volunteer.user_permissions.add(Permission.objects.get(codename="check_in"))
    # Two weeks before the evening the door page is not open to the Door role yet (the Organizers'
    # manage_rsvps opens it any time); the day before it is.
    assert client.get(f"/meetups/{edition.code}/door/").status_code == 403
    Edition.objects.filter(pk=edition.pk).update(start_date=timezone.localdate() + datetime.timedelta(days=1))
    page = client.get(f"/meetups/{edition.code}/door/").content.decode()
    assert "Ada Lovelace" in page and "ada@example.org" not in page
    assert client.get(f"/admin/rsvps/rsvp/guest-list/{edition.pk}/").status_code == 403
    client.logout()
    assert client.get(f"/meetups/{edition.code}/door/").status_code == 302  # to the login
    personal = client.get(ada.get_absolute_url()).content.decode()
    assert "At the door" in personal and "<svg" in personal


def test_door_figures(edition):
    ada = join(edition, "Ada Lovelace", guest_name="Bo Guest")
    door.check_in(edition.pk, ada, method="desk")
    assert door.door_figures(edition.pk) == {"rsvps": 1, "going": 2, "waiting": 0, "checked_in": 1, "no_shows": 1}
    assert Rsvp.objects.get().checked_in_at is not None
