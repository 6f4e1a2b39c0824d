"""The organizers' admin: every page opens, and the actions do what they say."""

import datetime

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from meetups.demo import load_demo
from meetups.models import AgendaItem, Edition
from tests.admin_forms import edition_form_data
from tests.factories import AgendaItemFactory, EditionFactory, PersonFactory, RaffleEntryFactory, TalkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    from django.contrib.auth.models import Group

    from raffles.services import draw

    edition = load_demo()
    Group.objects.create(name="Organizers")
    raffle = edition.raffles.get()
    RaffleEntryFactory(raffle=raffle, answer="Chollet", confirmed_at=raffle.opens_at)
    draw(raffle)
    # The demo has no proposals (they come from the public form); one makes its admin pages testable.
    from tests.factories import ProposalFactory

    ProposalFactory()
    # A mail kept in the outbox, and its task in the database queue (the tests' default queue runs at once).
    from outbox.services import queue_mail
    from outbox.tasks import deliver_mail

    mail = queue_mail("raffle confirmation", ["someone@example.org"], "Please confirm", "The link.")[0]
    deliver_mail.using(backend="database").enqueue(mail.pk)
    # A member and an address that left the list.
    from django.utils import timezone

    from members.models import Subscriber, Suppression, address_hash

    Subscriber.objects.create(email="member@example.org", consent_text="Yes.", consented_at=timezone.now())
    Suppression.objects.create(email_hash=address_hash("left@example.org"))
    return edition


def _admin_urls():
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label == "axes":
            # django-axes' lockout records: tests/production/test_admin_lockout.py opens them.
            continue
        yield model, model_admin, opts


def test_every_changelist_add_and_change_page_opens(organizer_client, demo):
    for model, model_admin, opts in _admin_urls():
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = organizer_client.get(changelist, follow=True)
        assert response.status_code == 200, changelist
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        response = organizer_client.get(add)
        # The site profile is a single row, draws are made by the draw action only, mail and the
        # queue's tasks by the site: adding one by hand is forbidden, not broken.
        can_add = model_admin.has_add_permission(response.wsgi_request)
        assert response.status_code == (200 if can_add else 403), add
        assert can_add or opts.model_name in {
            "siteprofile",
            "raffledraw",
            "outgoingmail",
            "dbtaskresult",
            "subscriber",  # members confirm their own address
            "suppression",
            "rsvpchange",  # the log of seats is written by the services
            "checkin",  # the door's record, written at the door
            "auditentry",  # the audit trail is written by the site, never by hand
        }
        if opts.model_name == "checkin" and not model._default_manager.exists():
            continue  # the demo's only RSVPs are for an evening that has not come yet
        if opts.app_label in {"otp_totp", "otp_static", "audit"} and not model._default_manager.exists():
            continue  # second factors and the audit trail: tests/accounts and tests/audit open them
        obj = model._default_manager.first()
        assert obj is not None, f"demo data has no {opts.model_name}"
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        response = organizer_client.get(change)
        assert response.status_code == 200, change


def test_search_and_filters_of_the_edition_list(organizer_client, demo):
    url = reverse("admin:meetups_edition_changelist")
    response = organizer_client.get(url, {"q": "NeurIPS"})
    assert response.status_code == 200
    assert {e.code for e in response.context["cl"].result_list} == {"23", "32", "37"}  # the three NeurIPS reports
    takeda = demo.sponsorships.get(role="host").organisation
    response = organizer_client.get(url, {"host": str(takeda.pk)})
    assert list(response.context["cl"].result_list) == [demo]
    response = organizer_client.get(url, {"year": "2016"})
    assert {e.code for e in response.context["cl"].result_list} == {"1", "2", "3", "4", "5", "6", "7"}
    response = organizer_client.get(url, {"year": "not-a-year"})
    assert response.status_code == 200


def test_raffle_page_shows_entries_and_correct_count(organizer_client, demo):
    raffle = demo.raffles.get()
    RaffleEntryFactory(raffle=raffle, answer="Geoffrey Hinton")
    response = organizer_client.get(reverse("admin:raffles_raffle_changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.entry_count, row.correct_entry_count) == (2, 1)
    response = organizer_client.get(reverse("admin:raffles_raffle_change", args=[raffle.pk]))
    assert b"Geoffrey Hinton" in response.content


def test_job_ad_list_shows_active_and_expired(organizer_client, demo):
    from tests.factories import JobAdFactory

    JobAdFactory(title="Old position", published_on=datetime.date(2019, 1, 1), expires_on=datetime.date(2019, 2, 1))
    response = organizer_client.get(reverse("admin:sponsors_jobad_changelist"))
    content = response.content.decode()
    assert "Expired" in content and "Active" in content
    response = organizer_client.get(reverse("admin:sponsors_jobad_changelist"), {"status": "expired"})
    assert [job.title for job in response.context["cl"].result_list] == ["Old position"]


def test_clone_as_next_edition(organizer_client, demo):
    response = organizer_client.post(
        reverse("admin:meetups_edition_changelist"),
        {"action": "clone_as_next_edition", "_selected_action": [demo.pk]},
        follow=True,
    )
    assert response.status_code == 200
    clone = Edition.objects.get(number=76)  # the real history runs to #75: the next free number
    # The organizer lands on the new edition's page, told the proposed date.
    assert response.redirect_chain[-1][0] == reverse("admin:meetups_edition_change", args=[clone.pk])
    assert clone.code == "76"
    assert clone.published is False
    # #32 was on a Thursday in 2020 and the latest meetup, #75, in September 2026: the proposal
    # is a Thursday about four weeks from today, never in the past.
    assert clone.start_date.weekday() == demo.start_date.weekday() == 3
    assert 28 <= (clone.start_date - timezone.localdate()).days < 35
    assert date_format(clone.start_date, "D, j F Y") in response.content.decode()
    assert set(clone.organizers.all()) == set(demo.organizers.all())
    assert [(i.position, i.kind, i.title, i.talk_id) for i in clone.agenda_items.all()] == [
        (10, AgendaItem.Kind.WELCOME, "Welcome & Introduction", None),
        (20, AgendaItem.Kind.TALK, "To be announced", None),
        (30, AgendaItem.Kind.ANNOUNCEMENTS, "Announcements", None),
        (40, AgendaItem.Kind.BREAK, "Break", None),
        (50, AgendaItem.Kind.CONFERENCE_REPORT, "To be announced", None),
        (60, AgendaItem.Kind.HOT_TOPICS, "Hot Topics and Latest News", None),
        (70, AgendaItem.Kind.NETWORKING, "Networking", None),
    ]
    assert clone.talks.count() == 0
    assert "Created" in response.content.decode()


@pytest.mark.parametrize(
    ("latest", "today", "proposed"),
    [
        # Four weeks after the latest edition, on the cloned edition's weekday (a Thursday).
        ("2027-01-14", "2027-01-20", "2027-02-11"),
        # The latest is on a Wednesday: the Thursday after four weeks.
        ("2027-01-13", "2027-01-20", "2027-02-11"),
        # Years ago: about four weeks from today, never in the past.
        ("2020-01-30", "2026-12-06", "2027-01-07"),
    ],
)
def test_the_next_date_follows_the_monthly_rhythm(latest, today, proposed):
    from meetups.services import next_date_in_rhythm

    thursday = EditionFactory(code="32", number=32, start_date=datetime.date(2020, 1, 30))
    EditionFactory(code="33", number=33, start_date=datetime.date.fromisoformat(latest))
    proposal = next_date_in_rhythm(thursday, today=datetime.date.fromisoformat(today))
    assert proposal == datetime.date.fromisoformat(proposed)
    assert proposal.weekday() == 3


def test_cloning_several_editions_stays_on_the_list(organizer_client):
    first, second = EditionFactory(code="50", number=50), EditionFactory(code="51", number=51)
    url = reverse("admin:meetups_edition_changelist")
    data = {"action": "clone_as_next_edition", "_selected_action": [first.pk, second.pk]}
    response = organizer_client.post(url, data)
    assert response.status_code == 302 and response.url == url
    assert Edition.objects.filter(published=False).count() == 2


def test_clone_of_a_special_edition_gets_a_free_code():
    from meetups.services import clone_as_next_edition

    special = EditionFactory(code="AI", number=None, kind=Edition.Kind.SPECIAL, title="AI Summit")
    clone = clone_as_next_edition(special)
    assert (clone.code, clone.number, clone.title) == ("AI-2", None, "AI Summit")


def test_publish_and_unpublish_actions(organizer_client):
    draft = EditionFactory(published=False)
    online = EditionFactory(published=False, attendance=Edition.Attendance.ONLINE, stream_url="")
    url = reverse("admin:meetups_edition_changelist")
    response = organizer_client.post(url, {"action": "publish", "_selected_action": [draft.pk, online.pk]}, follow=True)
    draft.refresh_from_db()
    online.refresh_from_db()
    assert draft.published is True
    assert online.published is False
    assert "stream URL" in response.content.decode()
    organizer_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.published is False


def test_agenda_rows_typed_with_the_same_position_keep_their_order_on_the_page(organizer_client):
    edition = EditionFactory(code="40", number=40)
    url = reverse("admin:meetups_edition_change", args=[edition.pk])
    data = edition_form_data(edition)
    data.update(
        {
            "agenda_items-TOTAL_FORMS": "2",
            "agenda_items-0-order": "10",
            "agenda_items-0-kind": "welcome",
            "agenda_items-0-title": "Welcome",
            "agenda_items-1-order": "10",
            "agenda_items-1-kind": "networking",
            "agenda_items-1-title": "Networking and drinks",
        }
    )
    response = organizer_client.post(url, data)
    assert response.status_code == 302
    assert [(i.position, i.title) for i in edition.agenda_items.all()] == [
        (10, "Welcome"),
        (20, "Networking and drinks"),
    ]


def test_edition_change_page_saves_an_agenda(organizer_client):
    edition = EditionFactory(code="41", number=41)
    talk = TalkFactory(edition=edition, title="Sparse attention", speakers=[PersonFactory()])
    data = edition_form_data(edition)
    data.update(
        {
            "agenda_items-TOTAL_FORMS": "2",
            "agenda_items-0-order": "20",
            "agenda_items-0-kind": "talk",
            "agenda_items-0-title": "Sparse attention",
            "agenda_items-0-talk": str(talk.pk),
            "agenda_items-1-order": "10",
            "agenda_items-1-kind": "welcome",
            "agenda_items-1-title": "Welcome",
            "talks-TOTAL_FORMS": "1",
            "talks-INITIAL_FORMS": "1",
            "talks-0-id": str(talk.pk),
            "talks-0-edition": str(edition.pk),
            "talks-0-title": talk.title,
            "talks-0-slug": talk.slug,
            "talks-0-kind": talk.kind,
            "talks-0-speakers-TOTAL_FORMS": "0",
            "talks-0-speakers-INITIAL_FORMS": "0",
        }
    )
    response = organizer_client.post(reverse("admin:meetups_edition_change", args=[edition.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [i.title for i in edition.agenda_items.all()] == ["Welcome", "Sparse attention"]


def test_oversized_logo_upload_is_refused_with_a_message(organizer_client):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")  # 100 megapixels, tiny file
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    response = organizer_client.post(
        reverse("admin:sponsors_organisation_add"),
        {
            "name": "Bomb Corp",
            "slug": "bomb-corp",
            "logo": upload,
            "sponsorships-TOTAL_FORMS": "0",
            "sponsorships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "megapixels" in response.content.decode()
    assert "Bomb Corp" in response.content.decode()


def test_non_pdf_slides_are_refused(organizer_client):
    talk = TalkFactory()
    response = organizer_client.post(
        reverse("admin:talks_talk_change", args=[talk.pk]),
        {
            "edition": talk.edition_id,
            "title": talk.title,
            "slug": talk.slug,
            "kind": talk.kind,
            "slides_file": SimpleUploadedFile("slides.pdf", b"<html>not a pdf</html>"),
            "talk_speakers-TOTAL_FORMS": "0",
            "talk_speakers-INITIAL_FORMS": "0",
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "This file is not a PDF" in response.content.decode()


def test_agenda_factory_positions_do_not_collide():
    edition = EditionFactory()
    items = [AgendaItemFactory(edition=edition) for _ in range(3)]
    assert len({item.position for item in items}) == 3
