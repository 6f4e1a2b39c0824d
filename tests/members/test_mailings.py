"""Mailings to the list: an edition's announcement and free-form messages, previewed, tested, sent once."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone

from members import mailings
from members.models import Mailing, Subscriber
from outbox.models import OutgoingMail
from sponsors.models import Sponsorship
from tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    OrganisationFactory,
    PersonFactory,
    RaffleFactory,
    SponsorshipFactory,
    TalkFactory,
    TalkSpeakerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/members/mailing/add/"


@pytest.fixture(autouse=True)
def _no_wait(settings):
    settings.MAILING_RATE = 0


def member(email, status=Subscriber.Status.SUBSCRIBED):
    return Subscriber.objects.create(email=email, status=status, consent_text="Yes.", consented_at=timezone.now())


@pytest.fixture
def edition():
    edition = EditionFactory(number=34, code="34", title="", topic="Foundation models in the clinic")
    host = OrganisationFactory(name="Takeda")
    SponsorshipFactory(edition=edition, organisation=host, role=Sponsorship.Role.HOST)
    talk = TalkFactory(
        edition=edition, title="Self-supervised learning for pathology", abstract="We *train* on slides."
    )
    TalkSpeakerFactory(talk=talk, person=PersonFactory(name="Ada Lovelace"), affiliation="TU Wien")
    AgendaItemFactory(edition=edition, position=10, start_time=datetime.time(18, 30), kind="welcome", title="Welcome")
    AgendaItemFactory(
        edition=edition, position=20, start_time=datetime.time(18, 45), kind="talk", title=talk.title, talk=talk
    )
    RaffleFactory(edition=edition, prize="2 books", closes_at=timezone.now() + datetime.timedelta(days=10))
    return edition


def draft(client, capture, **data):
    with capture(execute=True):
        response = client.post(ADD_URL, {"edition": "", "subject": "", "text": "", **data})
    assert response.status_code == 302, response.content.decode()
    return Mailing.objects.get()


def send(client, capture, mailing, **data):
    with capture(execute=True):
        return client.post(f"/admin/members/mailing/{mailing.pk}/send/", data, follow=True)


def test_the_edition_page_offers_the_announcement_prefilled(organizer_client, edition):
    page = organizer_client.get(f"/admin/meetups/edition/{edition.pk}/change/").content.decode()
    assert f'href="/admin/members/mailing/add/?edition={edition.pk}"' in page
    form = organizer_client.get(f"{ADD_URL}?edition={edition.pk}").content.decode()
    assert f'value="{mailings.announcement_subject(edition)}"' in form
    assert re.search(rf'<option value="{edition.pk}" selected>', form)


def test_an_announcement_is_composed_from_the_edition(organizer_client, edition, django_capture_on_commit_callbacks):
    mailing = draft(organizer_client, django_capture_on_commit_callbacks, edition=edition.pk, text="Pizza at 18:15!")
    assert (mailing.kind, mailing.subject) == (
        "announcement",
        f"34th Vienna Deep Learning Meetup, {edition.start_date:%-d %B %Y}",
    )
    for part in (mailing.body_text, mailing.body_html):
        for expected in (
            "Foundation models in the clinic",
            f"{edition.start_date:%-d %B %Y}",
            "18:30",
            edition.venue.name,
            "Favoritenstraße 9",
            "https://www.openstreetmap.org/#map=18/48.19/16.37",
            "Takeda",
            "Welcome",
            "Self-supervised learning for pathology",
            "Ada Lovelace (TU Wien)",
            "2 books",
            "http://testserver/meetups/34/",
            "Pizza at 18:15!",
        ):
            assert expected in part, (expected, part[:3000])
    assert "18:45 Self-supervised learning for pathology – Ada Lovelace (TU Wien)" in mailing.body_text
    assert "<em>train</em>" in mailing.body_html
    assert "BEGIN:VEVENT" in mailing.calendar and "SUMMARY:34th Vienna Deep Learning Meetup" in mailing.calendar
    # Readable in mail clients: inline styles, no script, no image from elsewhere, nothing that tracks.
    assert "<script" not in mailing.body_html and "<link" not in mailing.body_html
    assert 'style="' in mailing.body_html
    assert all(src.startswith("http://testserver/") for src in re.findall(r'src="([^"]+)"', mailing.body_html))


def test_the_draft_page_previews_html_and_text_and_counts_recipients(
    organizer_client, edition, django_capture_on_commit_callbacks
):
    member("a@example.org")
    member("b@example.org")
    member("pending@example.org", status=Subscriber.Status.PENDING)
    member("bounced@example.org", status=Subscriber.Status.BOUNCED)
    mailing = draft(organizer_client, django_capture_on_commit_callbacks, edition=edition.pk)

    page = organizer_client.get(f"/admin/members/mailing/{mailing.pk}/change/")
    html = page.content.decode()
    assert f'src="/admin/members/mailing/{mailing.pk}/preview/"' in html
    assert "18:45 Self-supervised learning for pathology" in html
    assert '<strong class="mailing-recipient-count">2</strong>' in html
    assert re.search(r"frame-src [^;]*'self'", page["Content-Security-Policy"])

    preview = organizer_client.get(f"/admin/members/mailing/{mailing.pk}/preview/")
    assert preview.content.decode() == mailing.body_html
    policy = preview["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy and preview["X-Frame-Options"] == "SAMEORIGIN"


def test_a_test_send_goes_to_the_organizer_only(
    organizer_client, organizer, edition, django_capture_on_commit_callbacks
):
    member("a@example.org")
    mailing = draft(organizer_client, django_capture_on_commit_callbacks, edition=edition.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            f"/admin/members/mailing/{mailing.pk}/test/", {"address": organizer.email}, follow=True
        )
    assert f"A test is on its way to {organizer.email}." in response.content.decode()
    [sent] = mail.outbox
    assert sent.to == [organizer.email] and sent.subject.startswith("[Test] 34th")
    assert sent.attachments[0][0] == "meetup-34.ics"
    mailing.refresh_from_db()
    assert mailing.is_draft

    response = organizer_client.post(f"/admin/members/mailing/{mailing.pk}/test/", {"address": "nobody"}, follow=True)
    assert "is not an email address: no test was sent." in response.content.decode()
    assert len(mail.outbox) == 1


def test_sending_reaches_every_member_once_with_their_own_unsubscribe_link(
    organizer_client, organizer, edition, settings, django_capture_on_commit_callbacks, client
):
    settings.MAILING_BATCH_SIZE = 2
    members = [member(f"m{n}@example.org") for n in range(5)]
    member("pending@example.org", status=Subscriber.Status.PENDING)
    mailing = draft(organizer_client, django_capture_on_commit_callbacks, edition=edition.pk)

    page = send(organizer_client, django_capture_on_commit_callbacks, mailing).content.decode()

    assert "Sending to 5 member(s)." in page
    from audit.models import AuditEntry

    (sent,) = AuditEntry.objects.filter(action=AuditEntry.Action.MAILING_SENT)
    assert sent.actor == organizer and sent.summary == f"“{mailing.subject}” to 5 member(s)"
    assert sorted(message.to[0] for message in mail.outbox) == [m.email for m in members]
    for message in mail.outbox:
        link = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        html = message.alternatives[0][0]
        assert link in message.body and link in html and mailings.UNSUBSCRIBE_MARK not in html
        assert message.attachments[0][2].startswith("text/calendar")
    mailing.refresh_from_db()
    assert (mailing.status, mailing.recipient_count, mailing.sent_by) == ("sent", 5, organizer)
    assert mailings.delivery_counts(mailing)["sent"] == 5
    record = organizer_client.get(f"/admin/members/mailing/{mailing.pk}/change/").content.decode()
    assert "Delivered: 5, queued: 0, being sent: 0, failed: 0." in record
    assert 'name="_save"' not in record  # a record, not an editor

    # A worker that runs the batch again (it was handed over twice) sends nothing twice.
    Mailing.objects.filter(pk=mailing.pk).update(status="sending", last_subscriber_id=0)
    mailings.send_batch(mailing.pk)
    assert len(mail.outbox) == 5

    # The member's link unsubscribes them with one POST, as a mail client does (RFC 8058).
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    client.post(link.removeprefix("http://testserver"), {"List-Unsubscribe": "One-Click"})
    assert not Subscriber.objects.filter(email=mail.outbox[0].to[0]).exists()


def test_an_edition_is_announced_once_unless_the_organizer_confirms(
    organizer_client, edition, django_capture_on_commit_callbacks
):
    member("a@example.org")
    first = draft(organizer_client, django_capture_on_commit_callbacks, edition=edition.pk)
    send(organizer_client, django_capture_on_commit_callbacks, first)
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(ADD_URL, {"edition": edition.pk, "subject": "Reminder: tomorrow", "text": ""})
    second = Mailing.objects.exclude(pk=first.pk).get()

    page = organizer_client.get(f"/admin/members/mailing/{second.pk}/change/").content.decode()
    assert "This edition was announced before" in page and 'name="resend"' in page
    refused = send(organizer_client, django_capture_on_commit_callbacks, second).content.decode()
    assert "This edition has been announced before." in refused
    assert len(mail.outbox) == 1

    send(organizer_client, django_capture_on_commit_callbacks, second, resend="1")
    assert [message.subject for message in mail.outbox] == [first.subject, "Reminder: tomorrow"]
    again = send(organizer_client, django_capture_on_commit_callbacks, second, resend="1").content.decode()
    assert "This mailing has been sent already." in again
    assert len(mail.outbox) == 2


def test_a_draft_edition_cannot_be_announced(organizer_client, django_capture_on_commit_callbacks):
    edition = EditionFactory(published=False)
    response = organizer_client.post(ADD_URL, {"edition": edition.pk, "subject": "", "text": ""})
    assert "Publish the edition first" in response.content.decode()
    assert not Mailing.objects.exists()
    page = organizer_client.get(f"/admin/meetups/edition/{edition.pk}/change/").content.decode()
    assert "Announce to members" not in page


def test_a_message_is_markdown_made_safe(organizer_client, django_capture_on_commit_callbacks):
    member("a@example.org")
    text = "Dear members,\n\nwe **moved** to [our site](https://example.org/).<script>alert(1)</script>"
    mailing = draft(organizer_client, django_capture_on_commit_callbacks, subject="We moved", text=text)
    assert (mailing.kind, mailing.calendar) == ("message", "")
    assert "<strong>moved</strong>" in mailing.body_html and "<script" not in mailing.body_html
    assert mailing.body_text.startswith("Dear members,")
    send(organizer_client, django_capture_on_commit_callbacks, mailing)
    [message] = mail.outbox
    assert message.subject == "We moved" and "List-Unsubscribe" in message.extra_headers


def test_a_message_needs_a_subject_and_a_text(organizer_client):
    page = organizer_client.post(ADD_URL, {"edition": "", "subject": "", "text": " "}).content.decode()
    assert "A message needs a subject." in page and "Write the message" in page
    assert not Mailing.objects.exists()


def test_only_who_may_send_mailings_sends(client, edition, django_capture_on_commit_callbacks):
    member("a@example.org")
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_mailing", "change_mailing", "view_mailing", "view_edition"])
    )
    client.force_login(editor)
    mailing = draft(client, django_capture_on_commit_callbacks, edition=edition.pk)
    page = client.get(f"/admin/members/mailing/{mailing.pk}/change/").content.decode()
    assert "an organizer with the permission to send mailings sends it" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/members/mailing/{mailing.pk}/send/")
    assert response.status_code == 403
    assert mail.outbox == [] and Mailing.objects.get().is_draft


def test_a_stopped_worker_leaves_nothing_unsent(organizer, edition, settings):
    """resume() hands unfinished mailings to the queue again; copies already out are not sent again."""
    settings.MAILING_BATCH_SIZE = 2
    for n in range(4):
        member(f"m{n}@example.org")
    mailing = Mailing(kind="announcement", edition=edition, subject="Hi", created_by=organizer)
    mailings.compose(mailing, "http://testserver/")
    mailing.save()
    # As a worker killed after queuing the first batch and sending one of its copies leaves it:
    Mailing.objects.filter(pk=mailing.pk).update(status="sending", started_at=timezone.now())
    mailing.refresh_from_db()
    mailings.queue_next_batch(mailing, "http://testserver/")
    first_copy = OutgoingMail.objects.filter(group=mailing.group).order_by("pk").first()
    OutgoingMail.objects.filter(pk=first_copy.pk).update(status="sent")

    assert mailings.resume() == 1

    assert sorted(message.to[0] for message in mail.outbox) == ["m1@example.org", "m2@example.org", "m3@example.org"]
    mailing.refresh_from_db()
    assert mailing.status == "sent"
