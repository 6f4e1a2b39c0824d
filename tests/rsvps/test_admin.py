"""RSVPs in the admin: the capacity on the edition's page, people added by organizers, moves that keep the count."""

import contextlib

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from rsvps import services
from rsvps.models import Rsvp, RsvpChange, RsvpSettings
from tests.admin_forms import edition_form_data
from tests.factories import EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = EditionFactory(number=41, code="41")
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=2)
    return edition


def join(edition, email):
    return services.rsvp(edition, name=email.split("@")[0], email=email, base_url="http://testserver/")


def settings_data(edition, capacity):
    rsvp_settings = edition.rsvp_settings
    data = edition_form_data(edition)
    data.update(
        {
            "rsvp_settings-TOTAL_FORMS": "1",
            "rsvp_settings-INITIAL_FORMS": "1",
            "rsvp_settings-0-id": rsvp_settings.pk,
            "rsvp_settings-0-edition": edition.pk,
            "rsvp_settings-0-enabled": "on",
            "rsvp_settings-0-capacity": capacity,
            "rsvp_settings-0-waiting_list": "on",
            "rsvp_settings-0-offer_hold_hours": 24,
        }
    )
    return data


def test_more_seats_go_to_the_waiting_list_fewer_than_taken_is_refused(
    organizer_client, edition, django_capture_on_commit_callbacks
):
    a, b, c, d = (join(edition, f"{n}@example.org") for n in "abcd")
    url = f"/admin/meetups/edition/{edition.pk}/change/"
    response = organizer_client.post(url, settings_data(edition, 1))
    assert response.status_code == 200
    assert "2 seats are taken: cancel RSVPs first, or keep at least 2." in response.content.decode()
    assert RsvpSettings.objects.get().capacity == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(url, settings_data(edition, 3))
    assert response.status_code == 302
    statuses = dict(Rsvp.objects.values_list("email", "status"))
    assert statuses == {
        "a@example.org": "going", "b@example.org": "going", "c@example.org": "offered", "d@example.org": "waiting"
    }  # fmt: skip
    assert [m.to for m in mail.outbox if "A seat for you" in m.subject] == [["c@example.org"]]
    assert RsvpChange.objects.filter(what="Settings saved: capacity 3").exists()


def test_an_organizer_adds_a_speaker_outside_the_capacity(
    organizer_client, edition, django_capture_on_commit_callbacks
):
    join(edition, "a@example.org")
    join(edition, "b@example.org")
    data = {"edition": edition.pk, "name": "Speaker", "email": "speaker@example.org", "outside_capacity": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post("/admin/rsvps/rsvp/add/", data)
    assert response.status_code == 302
    speaker = Rsvp.objects.get(email="speaker@example.org")
    assert (speaker.status, speaker.outside_capacity) == ("going", True)
    assert services.free_seats(RsvpSettings.objects.get()) == 0
    # Within the capacity and full: the waiting list, said so.
    data = {"edition": edition.pk, "name": "Staff", "email": "staff@example.org"}
    response = organizer_client.post("/admin/rsvps/rsvp/add/", data, follow=True)
    assert "No seat was free: Staff is on the waiting list." in response.content.decode()


def test_cancel_and_move_actions_keep_the_invariant(organizer_client, edition, django_capture_on_commit_callbacks):
    a, b, c, d = (join(edition, f"{n}@example.org") for n in "abcd")
    response = organizer_client.post(
        "/admin/rsvps/rsvp/", {"action": "move_to_going", "_selected_action": [c.pk]}, follow=True
    )
    assert "No seat is free" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post("/admin/rsvps/rsvp/", {"action": "cancel_selected", "_selected_action": [a.pk]})
    c.refresh_from_db()
    assert c.status == "offered"
    organizer_client.post("/admin/rsvps/rsvp/", {"action": "move_to_going", "_selected_action": [c.pk]})
    c.refresh_from_db()
    assert c.status == "going"
    assert Rsvp.objects.filter(edition=edition).holding_seats().seats() == 2


def test_deleting_rsvps_in_the_admin_offers_their_seats(organizer_client, edition, django_capture_on_commit_callbacks):
    a, b, c, d, e = (join(edition, f"{n}@example.org") for n in "abcde")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(f"/admin/rsvps/rsvp/{a.pk}/delete/", {"post": "yes"}, follow=True)
    assert "was deleted successfully" in response.content.decode()
    assert [Rsvp.objects.get(pk=entry.pk).status for entry in (c, d, e)] == ["offered", "waiting", "waiting"]
    assert [message.to for message in mail.outbox] == [["c@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(
            "/admin/rsvps/rsvp/", {"action": "delete_selected", "_selected_action": [b.pk, c.pk], "post": "yes"}
        )
    assert [Rsvp.objects.get(pk=entry.pk).status for entry in (d, e)] == ["offered", "offered"]
    assert Rsvp.objects.filter(edition=edition).holding_seats().seats() == 2
    assert RsvpChange.objects.filter(edition=edition, what="2 RSVP(s) deleted").exists()


def test_rsvps_deleted_while_the_seats_are_busy_go_and_the_worker_offers_the_seats(
    organizer_client, edition, monkeypatch, django_capture_on_commit_callbacks
):
    a, b, c = (join(edition, f"{n}@example.org") for n in "abc")

    @contextlib.contextmanager
    def busy(edition_id):
        raise services.RsvpBusy(services.BUSY_MESSAGE)
        yield

    monkeypatch.setattr(services, "seats_lock", busy)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.delete_rsvps(Rsvp.objects.filter(pk=a.pk)) == 1
    assert not Rsvp.objects.filter(pk=a.pk).exists()
    assert Rsvp.objects.get(pk=c.pk).status == "waiting"
    monkeypatch.undo()
    for callback in callbacks:
        callback()  # the worker's task (the tests' queue runs it at once): lapse_offers fills the seat
    assert Rsvp.objects.get(pk=c.pk).status == "offered"


def test_the_actions_need_their_permission(client, edition):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_rsvp", "change_rsvp"]))
    client.force_login(viewer)
    entry = join(edition, "a@example.org")
    page = client.get("/admin/rsvps/rsvp/").content.decode()
    assert "cancel_selected" not in page
    client.post("/admin/rsvps/rsvp/", {"action": "cancel_selected", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.status == "going"
    assert client.get("/admin/rsvps/rsvp/add/").status_code == 403


def test_organizers_export_attendees_as_csv(organizer_client, edition):
    entry = join(edition, "a@example.org")
    response = organizer_client.post("/admin/rsvps/rsvp/", {"action": "export_csv", "_selected_action": [entry.pk]})
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Edition,Name,Email") and lines[1].startswith("41,a,a@example.org")


def test_the_edition_page_shows_the_figures(organizer_client, edition):
    join(edition, "a@example.org")
    page = organizer_client.get(f"/admin/meetups/edition/{edition.pk}/change/").content.decode()
    assert "1 RSVPs: 1 going (guests included), 0 waiting; 0 checked in, 1 not (yet)" in page
