"""RSVPs: going while seats last, then the waiting list; offers in order; cancel; the personal link."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rsvps import services, times
from rsvps.models import Rsvp, RsvpChange, RsvpSettings
from rsvps.tokens import rsvp_token
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_spam_wait(settings):
    settings.SPAM_MIN_FILL_SECONDS = 0


@pytest.fixture
def edition():
    edition = EditionFactory(number=40, code="40")
    RsvpSettings.objects.create(
        edition=edition, enabled=True, capacity=3, guests_allowed=True, question_1="Dietary needs?", offer_hold_hours=24
    )
    return edition


def rsvp_data(client, edition, **data):
    page = client.get(reverse("rsvps:form", args=[edition.code]))
    form = page.context["form"]
    fields = {"rendered_at": form["rendered_at"].value(), "website": "", "consent": "on"}
    return {**fields, "name": "Ada Lovelace", "email": "ada@example.org", **data}


def post_rsvp(client, edition, capture, **data):
    payload = rsvp_data(client, edition, **data)
    with capture(execute=True):
        return client.post(reverse("rsvps:form", args=[edition.code]), payload)


def join(edition, email, guest=False):
    return services.rsvp(
        edition, name=email.split("@")[0], email=email, base_url="http://testserver/", guest=guest,
        guest_name="Guest" if guest else "",
    )  # fmt: skip


def test_rsvp_by_form_going_with_the_calendar_file(client, edition, django_capture_on_commit_callbacks):
    response = post_rsvp(client, edition, django_capture_on_commit_callbacks, answer_1="Vegetarian")
    assert "Check your inbox" in response.content.decode()
    entry = Rsvp.objects.get()
    assert (entry.status, entry.answers, entry.site_url) == ("going", ["Vegetarian"], "http://testserver")
    [message] = mail.outbox
    assert message.subject.startswith("You're coming: ") and message.to == ["ada@example.org"]
    assert message.attachments[0][0] == "meetup-40.ics" and "BEGIN:VEVENT" in message.attachments[0][1]
    assert f"http://testserver/rsvp/{rsvp_token(entry)}/" in message.body


def test_one_rsvp_per_address_and_the_page_says_the_same(client, edition, django_capture_on_commit_callbacks):
    first = post_rsvp(client, edition, django_capture_on_commit_callbacks).content.decode()
    again = post_rsvp(client, edition, django_capture_on_commit_callbacks, email="ADA@example.org").content.decode()
    assert Rsvp.objects.count() == 1
    assert first.replace("ada@example.org", "X").replace("ADA@example.org", "X") == again.replace(
        "ADA@example.org", "X"
    ).replace("ada@example.org", "X")
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["You're coming", "Your RSVP"]


def test_full_then_waiting_then_offers_in_order(edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a, b, c = (join(edition, f"{n}@example.org") for n in "abc")
        d, e = join(edition, "d@example.org"), join(edition, "e@example.org", guest=True)
    assert [x.status for x in (a, b, c, d, e)] == ["going"] * 3 + ["waiting"] * 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(a)
    d.refresh_from_db()
    assert d.status == "offered" and d.offer_expires_at is not None
    assert [m.to for m in mail.outbox] == [["d@example.org"]] and "A seat for you" in mail.outbox[0].subject
    # The invariant: going + open offers never exceed the capacity.
    assert Rsvp.objects.filter(edition=edition).holding_seats().seats() == 3
    # A newcomer waits behind the queue, even though e's two seats are not free yet.
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(d)
        services.cancel(b)
    e.refresh_from_db()
    assert e.status == "waiting"  # e needs two seats, one is free: nobody jumps the queue
    f = join(edition, "f@example.org")
    assert f.status == "waiting"
    services.cancel(c)
    e.refresh_from_db()
    assert e.status == "offered"
    assert Rsvp.objects.filter(edition=edition).holding_seats().seats() == 3


def test_an_offer_lapses_and_goes_to_the_next(edition, django_capture_on_commit_callbacks):
    going = [join(edition, f"{n}@example.org") for n in "abc"]
    d, e = join(edition, "d@example.org"), join(edition, "e@example.org")
    services.cancel(going[0])
    d.refresh_from_db()
    with time_machine.travel(d.offer_expires_at + datetime.timedelta(seconds=5)):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.lapse_offers(edition.pk) == [d]
        with pytest.raises(services.RsvpRefused, match="lapsed"):
            services.accept(d)
    d.refresh_from_db()
    e.refresh_from_db()
    assert (d.status, e.status) == ("cancelled", "offered")
    assert any("went to the next person" in m.subject for m in mail.outbox)


def test_a_cancellation_after_the_evening_offers_the_seat_to_nobody(edition, django_capture_on_commit_callbacks):
    going = [join(edition, f"{n}@example.org") for n in "abc"]
    waiting = [join(edition, "d@example.org"), join(edition, "e@example.org")]
    mail.outbox.clear()
    rsvp_settings = RsvpSettings.objects.select_related("edition").get(edition=edition)
    after_the_evening = times.event_end(edition) + datetime.timedelta(hours=2)
    with time_machine.travel(after_the_evening), django_capture_on_commit_callbacks(execute=True):
        services.cancel(going[0])
        assert services.lapse_offers(edition.pk) == []
        assert services.fill_seats(rsvp_settings) == []
    assert [Rsvp.objects.get(pk=entry.pk).status for entry in waiting] == ["waiting", "waiting"]
    assert mail.outbox == []  # no offer, and no "went to the next person"


def test_offers_never_outlive_the_event(edition):
    edition.start_date = timezone.localdate() + datetime.timedelta(days=1)
    edition.save()
    rsvp_settings = RsvpSettings.objects.select_related("edition").get(edition=edition)
    start = datetime.datetime.combine(edition.start_date, edition.start_time, tzinfo=timezone.get_default_timezone())
    assert times.offer_expiry(rsvp_settings, start - datetime.timedelta(hours=30)) == start - datetime.timedelta(
        hours=6
    )
    assert times.offer_expiry(rsvp_settings, start - datetime.timedelta(hours=10)) == start
    assert times.offer_expiry(rsvp_settings, start - datetime.timedelta(hours=1)) == start + datetime.timedelta(
        hours=1
    )


def test_the_personal_page_cancels_and_a_bad_link_is_explained(client, edition, django_capture_on_commit_callbacks):
    entry = join(edition, "ada@example.org")
    url = reverse("rsvps:rsvp", args=[rsvp_token(entry)])
    page = client.get(url).content.decode()
    assert "You're coming" in page and "Cancel my RSVP" in page
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {"action": "cancel"}).content.decode()
    assert "Cancelled." in page
    entry.refresh_from_db()
    assert entry.status == "cancelled"
    assert client.get(url[:-3] + "xx/").status_code == 400
    other = join(edition, "bob@example.org")
    forged = rsvp_token(other).split(":")[0] + ":" + rsvp_token(entry).split(":", 1)[1]
    assert client.get(reverse("rsvps:rsvp", args=[forged])).status_code == 400


def test_closed_and_busy_are_clear_messages(client, edition, django_capture_on_commit_callbacks):
    RsvpSettings.objects.filter(edition=edition).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    page = client.get(reverse("rsvps:form", args=[edition.code])).content.decode()
    assert "RSVPs for this edition are closed." in page


def test_seats_endpoint(client, edition):
    join(edition, "a@example.org")
    data = client.get(reverse("rsvps:seats", args=[edition.code])).json()
    assert data == {"capacity": 3, "taken": 1, "left": 2, "waiting": 0, "open": True}


def test_every_change_is_logged(edition):
    entry = join(edition, "a@example.org")
    services.cancel(entry)
    assert list(RsvpChange.objects.order_by("pk").values_list("what", flat=True)) == [
        "a: RSVP, going",
        "a: cancelled (was going)",
    ]


def test_past_rsvps_are_deleted_and_the_counts_kept(edition, settings):
    settings.RSVP_KEEP_DAYS = 30
    for n in "abcd":
        join(edition, f"{n}@example.org")
    services.cancel(Rsvp.objects.get(email="a@example.org"))
    assert services.purge_past(today=edition.start_date + datetime.timedelta(days=30)) == 0
    deleted = services.purge_past(today=edition.start_date + datetime.timedelta(days=31))
    assert deleted == 4 and not Rsvp.objects.exists() and not RsvpChange.objects.exists()
    assert RsvpSettings.objects.get().final_counts == {"going": 2, "offered": 1, "waiting": 0, "cancelled": 1}


def test_the_reminder_goes_once_the_day_before_with_the_cancel_link(edition, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    entry = join(edition, "a@example.org")
    join(edition, "b@example.org")
    services.cancel(Rsvp.objects.get(email="b@example.org"))
    start = datetime.datetime.combine(edition.start_date, edition.start_time, tzinfo=timezone.get_default_timezone())
    mail.outbox.clear()
    with time_machine.travel(start - datetime.timedelta(hours=30)):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_rsvp_reminders", verbosity=0)
        assert mail.outbox == []
    with time_machine.travel(start - datetime.timedelta(hours=20)), django_capture_on_commit_callbacks(execute=True):
        call_command("send_rsvp_reminders", verbosity=0)
        call_command("send_rsvp_reminders", verbosity=0)
    [message] = mail.outbox
    assert message.to == ["a@example.org"] and message.subject.startswith("Tomorrow: ")
    assert message.body.index(f"http://testserver/rsvp/{rsvp_token(entry)}/") < message.body.index("See you")
