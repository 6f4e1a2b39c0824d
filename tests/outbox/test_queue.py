"""Outgoing mail through the real database queue and its worker (`manage.py db_worker`)."""

import datetime

import pytest
import time_machine
from django.core import mail as django_mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox.models import OutgoingMail
from outbox.services import purge_sent, queue_mail
from tests.contributions.conftest import form_data

# The worker commits and closes its connections as in production: these tests commit too.
pytestmark = pytest.mark.django_db(transaction=True)


class FlakyBackend(EmailBackend):
    """The local mail store, behind a mail server that refuses the first `failures` sends."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("smtp is down")
        return super().send_messages(messages)


@pytest.fixture
def database_queue(settings):
    """The production queue: tasks wait in the database until a worker runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.OUTBOX_RETRY_DELAYS = [0, 0, 0]
    settings.EMAIL_BACKEND = "tests.outbox.test_queue.FlakyBackend"
    FlakyBackend.failures = 0
    yield
    FlakyBackend.failures = 0


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def test_the_request_only_queues_and_the_worker_sends(client, database_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contributions:contribute"), form_data())
    assert "Thank you for your proposal!" in response.content.decode()
    assert django_mail.outbox == []
    assert OutgoingMail.objects.get().status == "queued"

    run_worker()

    assert [message.to for message in django_mail.outbox] == [["ada@example.org"]]
    sent = OutgoingMail.objects.get()
    assert (sent.status, sent.attempts, sent.sent_at is not None) == ("sent", 1, True)


def test_a_send_that_fails_twice_then_succeeds_is_delivered_once(database_queue, django_capture_on_commit_callbacks):
    FlakyBackend.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        queue_mail("raffle confirmation", ["ada@example.org"], "Please confirm", "The link.")

    for _ in range(3):  # each retry is a task of its own
        with django_capture_on_commit_callbacks(execute=True):
            run_worker()

    assert [message.subject for message in django_mail.outbox] == ["Please confirm"]
    queued = OutgoingMail.objects.get()
    assert (queued.status, queued.attempts, queued.last_error) == ("sent", 3, "ConnectionRefusedError: smtp is down")


def test_smtp_down_the_visitor_is_served_and_the_mail_goes_out_later(client, database_queue, settings):
    settings.OUTBOX_RETRY_DELAYS = [60]
    FlakyBackend.failures = 1
    response = client.post(reverse("contributions:contribute"), form_data())
    assert "Thank you for your proposal!" in response.content.decode()
    run_worker()  # the server refuses: the next attempt waits a minute
    queued = OutgoingMail.objects.get()
    assert (queued.status, queued.attempts, django_mail.outbox) == ("queued", 1, [])
    run_worker()
    assert django_mail.outbox == []  # not before its time

    with time_machine.travel(queued.next_attempt_at + datetime.timedelta(seconds=1)):
        run_worker()

    assert len(django_mail.outbox) == 1
    assert OutgoingMail.objects.get().status == "sent"


def test_after_the_last_retry_the_mail_is_failed_and_shown_in_the_admin(
    database_queue, django_capture_on_commit_callbacks, organizer_client
):
    FlakyBackend.failures = 10
    with django_capture_on_commit_callbacks(execute=True):
        queue_mail("raffle winner", ["winner@example.org"], "You won", "Congratulations.")
    for _ in range(5):
        run_worker()
    failed = OutgoingMail.objects.get()
    assert (failed.status, failed.attempts) == ("failed", 4)  # the first try and three retries

    page = organizer_client.get(reverse("admin:outbox_outgoingmail_changelist") + "?status=failed")
    assert "winner@example.org" in page.content.decode()
    detail = organizer_client.get(reverse("admin:outbox_outgoingmail_change", args=[failed.pk])).content.decode()
    assert "ConnectionRefusedError: smtp is down" in detail

    FlakyBackend.failures = 0
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(
            reverse("admin:outbox_outgoingmail_changelist"), {"action": "send_again", "_selected_action": [failed.pk]}
        )
    run_worker()
    assert OutgoingMail.objects.get().status == "sent"
    assert [message.to for message in django_mail.outbox] == [["winner@example.org"]]


def test_sending_again_needs_its_own_permission(client, django_user_model):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("door", password="x-long-password-1", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_outgoingmail"))
    client.force_login(staff)
    page = client.get(reverse("admin:outbox_outgoingmail_changelist")).content.decode()
    assert "send_again" not in page


def test_a_rolled_back_transaction_queues_nothing(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_mail("raffle confirmation", ["ada@example.org"], "Please confirm", "The link.")
        raise RuntimeError("the entry failed")
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()  # the task was part of the rolled-back transaction
    run_worker()
    assert django_mail.outbox == []


def test_a_queue_outside_the_database_is_asked_only_after_the_commit(mailoutbox):
    # The tests' immediate queue runs a task as it is enqueued, as a Redis worker may: a mail
    # queued in a transaction must not go out before the transaction is committed.
    with transaction.atomic():
        queue_mail("raffle confirmation", ["ada@example.org"], "Please confirm", "The link.")
        assert mailoutbox == []
    assert [message.to for message in mailoutbox] == [["ada@example.org"]]


def test_a_mail_meant_once_is_queued_once_per_address(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_mail("announcement", ["Ada@example.org"], "#34", "Come.", once_key="announcement-34")
        again = queue_mail(
            "announcement", ["ada@EXAMPLE.org", "bo@example.org"], "#34", "Come.", once_key="announcement-34"
        )
    assert [row.recipient for row in again] == ["bo@example.org"]
    assert sorted(message.to[0] for message in django_mail.outbox) == ["Ada@example.org", "bo@example.org"]


def test_sent_mail_is_purged_after_the_retention_failed_mail_is_kept(settings):
    settings.OUTBOX_KEEP_SENT_DAYS = 30
    now = timezone.now()
    old = OutgoingMail.objects.create(
        kind="k",
        recipient="a@example.org",
        subject="s",
        body="b",
        status="sent",
        sent_at=now - datetime.timedelta(days=31),
    )
    recent = OutgoingMail.objects.create(
        kind="k",
        recipient="b@example.org",
        subject="s",
        body="b",
        status="sent",
        sent_at=now - datetime.timedelta(days=1),
    )
    failed = OutgoingMail.objects.create(kind="k", recipient="c@example.org", subject="s", body="b", status="failed")
    assert purge_sent(now) == 1
    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {recent.pk, failed.pk}
    assert not OutgoingMail.objects.filter(pk=old.pk).exists()
