"""The audit trail: each sensitive action leaves one entry (who, what, on what, from where) that
nobody can change or delete; only the retention purge removes old ones."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITOR
from audit.models import AuditEntry
from meetups.models import Edition
from outbox.models import OutgoingMail
from raffles.models import Raffle, RaffleEntry
from rsvps.models import RsvpSettings
from tests.admin_forms import form_data
from tests.factories import EditionFactory, RaffleEntryFactory, RaffleFactory, SuperUserFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.20"


@pytest.fixture
def organizer_at_the_venue():
    organizer = SuperUserFactory(username="anna")
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(organizer)
    return client


def run_action(client, model, action, objects, **extra):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return client.post(url, {"action": action, "_selected_action": [str(obj.pk) for obj in objects], **extra})


def only_entry(action):
    (entry,) = AuditEntry.objects.filter(action=action)
    return entry


def test_a_draw_and_a_redraw_say_who_from_where_and_on_what(organizer_at_the_venue, django_capture_on_commit_callbacks):
    raffle = RaffleFactory(
        title="ML Prague ticket",
        opens_at=timezone.now() - datetime.timedelta(days=3),
        closes_at=timezone.now() - datetime.timedelta(hours=1),
    )
    for _ in range(3):
        RaffleEntryFactory(raffle=raffle, confirmed_at=raffle.opens_at)
    with django_capture_on_commit_callbacks(execute=True):
        run_action(organizer_at_the_venue, Raffle, "draw_winners", [raffle], apply="1")
        run_action(organizer_at_the_venue, Raffle, "redraw_winner", [raffle], apply="1")
    draw = only_entry(AuditEntry.Action.DRAW)
    assert (draw.actor_name, draw.address) == ("anna", ADDRESS)
    assert draw.summary == "draw 1 of “ML Prague ticket” among 3 eligible entries"
    assert draw.objects_affected[0] == f"raffles.raffle:{raffle.pk} {raffle}"
    assert only_entry(AuditEntry.Action.REDRAW).summary.startswith("draw 2 of “ML Prague ticket”")


def test_exports_of_personal_data_are_recorded_without_the_data(organizer_at_the_venue):
    raffle = RaffleFactory()
    entries = [RaffleEntryFactory(raffle=raffle) for _ in range(2)]
    answer = run_action(organizer_at_the_venue, RaffleEntry, "export_csv", entries)
    assert answer["Content-Type"].startswith("text/csv")
    export = only_entry(AuditEntry.Action.EXPORT)
    assert export.summary == "2 raffle entries as CSV"
    assert export.objects_affected == [f"raffles.raffle:{raffle.pk} {raffle}"]
    assert entries[0].email not in str(export.objects_affected) + export.summary


def test_publishing_by_action_by_the_form_box_and_unpublishing(organizer_at_the_venue):
    draft = EditionFactory(published=False)
    run_action(organizer_at_the_venue, Edition, "publish", [draft])
    run_action(organizer_at_the_venue, Edition, "unpublish", [draft])
    assert [entry.action for entry in AuditEntry.objects.order_by("pk")] == ["publish", "unpublish"]
    assert only_entry(AuditEntry.Action.PUBLISH).summary == f"published #{draft.code}"
    # The edition form's "published" box is the same act.
    change = reverse("admin:meetups_edition_change", args=[draft.pk])
    data = form_data(organizer_at_the_venue.get(change), Edition)
    data["published"] = ["on"]
    assert organizer_at_the_venue.post(change, data).status_code == 302
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PUBLISH).count() == 2


def test_a_role_change_in_the_user_admin(organizer_at_the_venue):
    ben = UserFactory(username="ben")
    url = reverse("admin:auth_user_change", args=[ben.pk])
    page = organizer_at_the_venue.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "groups"}
    data.update(
        {
            "username": "ben",
            "is_active": "on",
            "is_staff": "on",
            "groups": [str(Group.objects.get(name=EDITOR).pk)],
            "date_joined_0": ben.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": ben.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("user_permissions", None)
    data.pop("is_superuser", None)
    data.pop("last_login", None)
    data.pop("password", None)
    answer = organizer_at_the_venue.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    entry = only_entry(AuditEntry.Action.ROLE_CHANGE)
    assert entry.summary == "ben: no role → Editor, staff"
    assert (entry.actor_name, entry.address) == ("anna", ADDRESS)


def test_guest_list_links_created_and_revoked(organizer_at_the_venue):
    edition = EditionFactory()
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=10)
    url = reverse("admin:rsvps_guest_list_link", args=[edition.pk])
    organizer_at_the_venue.post(url, {"action": "new"})
    organizer_at_the_venue.post(url, {"action": "revoke"})
    assert only_entry(AuditEntry.Action.GUEST_LIST_LINK).objects_affected == [f"meetups.edition:{edition.pk} {edition}"]
    assert only_entry(AuditEntry.Action.GUEST_LIST_REVOKED).summary == f"the guest list link of {edition}"


def test_an_erasure_keeps_the_counts_not_the_address():
    RaffleEntryFactory(email="gone@example.org")
    call_command("erase_person", "gone@example.org", stdout=io.StringIO())
    entry = only_entry(AuditEntry.Action.ERASE)
    assert entry.actor_name == "manage.py erase_person" and entry.actor is None and entry.address is None
    assert entry.summary.startswith("a person: 1 raffle entries")
    assert "gone@example.org" not in entry.summary + str(entry.objects_affected)


def test_a_purge_is_recorded_when_it_removed_something(settings):
    call_command("purge_outbox", stdout=io.StringIO())
    assert not AuditEntry.objects.exists()  # nothing to purge: no entry every night
    long_ago = timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS + 1)
    for address in ["a@example.org", "b@example.org"]:
        OutgoingMail.objects.create(
            kind="test", recipient=address, subject="s", body="b", status=OutgoingMail.Status.SENT, sent_at=long_ago
        )
    call_command("purge_outbox", stdout=io.StringIO())
    entry = only_entry(AuditEntry.Action.PURGE)
    assert (entry.summary, entry.actor_name) == ("purge_outbox: 2 sent mails", "manage.py purge_outbox")


def test_nobody_changes_or_deletes_an_entry(organizer_at_the_venue):
    EditionFactory(published=False)
    run_action(organizer_at_the_venue, Edition, "publish", list(Edition.objects.all()))
    entry = AuditEntry.objects.get()
    entry.summary = "nothing happened"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert organizer_at_the_venue.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200
    page = organizer_at_the_venue.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).content.decode()
    assert 'name="summary"' not in page  # read-only
    assert organizer_at_the_venue.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert organizer_at_the_venue.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get().summary.startswith("published")


def test_the_retention_purge_deletes_old_entries_only(settings):
    settings.AUDIT_RETENTION = datetime.timedelta(days=730)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=731)):
        AuditEntry.objects.create(actor_name="anna", action=AuditEntry.Action.DRAW, summary="long ago")
    AuditEntry.objects.create(actor_name="anna", action=AuditEntry.Action.DRAW, summary="last month")
    out = io.StringIO()
    call_command("purge_audit", stdout=out)
    assert "Deleted 1 audit entries" in out.getvalue()
    assert list(AuditEntry.objects.values_list("summary", flat=True)) == ["last month"]


def test_the_database_itself_refuses_to_change_an_entry():
    from django.db import DatabaseError, transaction

    entry = AuditEntry.objects.create(actor_name="anna", action=AuditEntry.Action.DRAW, summary="draw 1")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(summary="nothing happened")
    assert AuditEntry.objects.get(pk=entry.pk).summary == "draw 1"


def test_deleting_an_account_keeps_its_entries_under_its_name(organizer_at_the_venue):
    draft = EditionFactory(published=False)
    run_action(organizer_at_the_venue, Edition, "publish", [draft])
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="anna").delete()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_name) == (None, "anna")
