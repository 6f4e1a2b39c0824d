"""Outgoing mail: queued in the request (a row and a task, after commit), sent by the worker with retries.

A request never talks to the mail server: when it is slow the visitor does not wait, when it
is down nothing is lost. The worker (`manage.py db_worker`) sends each mail; a failure is tried
again after each delay of OUTBOX_RETRY_DELAYS, and after the last one the mail is "failed", which
the admin's outgoing-mail list shows with its error and can queue again.
"""

import datetime
import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models, router, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .models import OutgoingMail
from .tasks import deliver_mail

logger = logging.getLogger(__name__)


def queue_mail(
    kind,
    to,
    subject,
    body,
    *,
    html="",
    from_email="",
    reply_to=None,
    headers=None,
    attachments=(),
    once_key=None,
):
    """Queue one mail per address of `to`; returns the OutgoingMail rows queued.

    Called inside a transaction, the rows are part of it and the worker is asked only after
    the commit: a rolled-back entry sends nothing. `attachments` are (filename, text, mimetype).
    With a `once_key` ("announcement-34"), an address that already has that mail gets no second one.
    """
    rows = []
    for recipient in to:
        key = f"{once_key}:{recipient.lower()}" if once_key else None
        if key and OutgoingMail.objects.filter(once_key=key).exists():
            continue
        rows.append(
            OutgoingMail.objects.create(
                kind=kind,
                recipient=recipient,
                # Subjects come from titles people typed: a line break would make the mail refuse to send.
                subject=" ".join(subject.split()),
                body=body,
                html=html,
                from_email=from_email,
                reply_to=list(reply_to or []),
                headers=dict(headers or {}),
                attachments=[
                    {"filename": name, "content": content, "mimetype": mimetype}
                    for name, content, mimetype in attachments
                ],
                once_key=key,
            )
        )
    for row in rows:
        if queue_is_this_database():
            # The task is a row of the same transaction: the worker sees it once the mail is
            # committed, and never for a rolled-back one. It saves a commit per mail: raffle
            # entries on PostgreSQL went from 238 to 261 a second on the benchmark's machine
            # (fixed-count client, 2,000 entries, 7 December 2026; with the mail's row in the
            # entry's transaction too, from 195).
            enqueue(row.pk)
        else:
            transaction.on_commit(lambda pk=row.pk: enqueue(pk), robust=True)
    return rows


def queue_is_this_database():
    """Whether the queue keeps its tasks in a table of the default database (django-tasks-db).

    Other queues (Redis, the tests' immediate one) may run a task the moment it is enqueued,
    before the transaction that stored its mail has committed: they are asked after the commit.
    """
    backend = deliver_mail.get_backend()
    return isinstance(backend, DatabaseBackend) and router.db_for_write(DBTaskResult) == DEFAULT_DB_ALIAS


def queue_group(kind, group, once_key, copies, *, attachments=()):
    """Queue a mailing's copies in one insert: [(recipient, subject, body, html, headers)]; returns how many are new.

    Each copy's once_key is `<once_key>:<recipient>`: a copy queued before (by a batch that ran
    twice) is left out by the database's unique constraint, whoever tries at the same moment.
    The group's batches send them (members.mailings); nothing is handed to the worker here.
    """
    files = [{"filename": name, "content": content, "mimetype": mimetype} for name, content, mimetype in attachments]
    rows = [
        OutgoingMail(
            kind=kind,
            recipient=recipient,
            subject=" ".join(subject.split()),
            body=body,
            html=html,
            headers=dict(headers),
            attachments=files,
            once_key=f"{once_key}:{recipient.lower()}",
            group=group,
        )
        for recipient, subject, body, html, headers in copies
    ]
    keys = [row.once_key for row in rows]
    before = OutgoingMail.objects.filter(once_key__in=keys).count()
    OutgoingMail.objects.bulk_create(rows, ignore_conflicts=True)
    return OutgoingMail.objects.filter(once_key__in=keys).count() - before


def enqueue(mail_id, run_after=None):
    """Ask the worker to send the mail (at `run_after`, if the queue's backend can wait)."""
    task = deliver_mail
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue(mail_id)


def deliver(mail_id, now=None, connection=None):
    """Send one queued mail; on a failure plan the next attempt, or mark it failed after the last.

    Returns whether it went out. A `connection` (Django's mail API) is kept open by the caller
    across many mails; without one, each mail opens its own.
    """
    now = now or timezone.now()
    # Claimed with one UPDATE: two workers that got the same mail cannot both send it.
    claimed = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=now
    )
    if not claimed:
        return False
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        mail.as_message(connection=connection).send()
    except Exception as error:  # noqa: BLE001 - whatever the mail server or the network does, try again later
        retry(mail, error, now)
        return False
    mail.status, mail.sent_at, mail.next_attempt_at = OutgoingMail.Status.SENT, timezone.now(), None
    mail.save(update_fields=["status", "sent_at", "next_attempt_at"])
    return True


def retry(mail, error, now):
    delays = settings.OUTBOX_RETRY_DELAYS
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    if mail.attempts > len(delays):
        mail.status, mail.next_attempt_at = OutgoingMail.Status.FAILED, None
        mail.save(update_fields=["status", "last_error", "next_attempt_at"])
        logger.error(
            "Gave up on %s (mail %s) after %s attempts: %s", mail.kind, mail.pk, mail.attempts, mail.last_error
        )
        return
    mail.status = OutgoingMail.Status.QUEUED
    mail.next_attempt_at = now + datetime.timedelta(seconds=delays[mail.attempts - 1])
    mail.save(update_fields=["status", "last_error", "next_attempt_at"])
    logger.warning("Could not send %s (mail %s), attempt %s: %s", mail.kind, mail.pk, mail.attempts, mail.last_error)
    enqueue(mail.pk, run_after=mail.next_attempt_at)


def send_again(mails):
    """Queue failed mails, and mails stuck in "sending" (a worker stopped mid-send), once more; returns how many.

    A stuck mail may have reached its recipient before the worker stopped: an organizer decides.
    """
    queued = 0
    for mail in mails:
        if mail.status not in (OutgoingMail.Status.FAILED, OutgoingMail.Status.SENDING):
            continue
        mail.status, mail.attempts, mail.next_attempt_at = OutgoingMail.Status.QUEUED, 0, None
        mail.save(update_fields=["status", "attempts", "next_attempt_at"])
        transaction.on_commit(lambda pk=mail.pk: enqueue(pk), robust=True)
        queued += 1
    return queued


def purge_sent(now=None):
    """Delete sent mail older than OUTBOX_KEEP_SENT_DAYS (it holds addresses); returns how many went."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS)
    deleted, _ = OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT, sent_at__lt=cutoff).delete()
    return deleted


def requeue_lost(now=None):
    """Hand the worker again every queued mail that is due: a worker killed mid-task loses its tasks.

    The rows, not the tasks, say what is still to send; a mail handed over twice is sent once
    (deliver() claims it first). Mails of a mailing are left to its batches (members.mailings).
    Returns how many were handed over. Run before each worker starts (`manage.py resume_mail`).
    """
    now = now or timezone.now()
    due = (
        OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED, group="")
        .filter(models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now))
        .values_list("pk", flat=True)
    )
    handed = 0
    for pk in due.iterator():
        enqueue(pk)
        handed += 1
    return handed


def stuck_count():
    """Mails a worker claimed but never finished: they may or may not have reached their recipient."""
    return OutgoingMail.objects.filter(status=OutgoingMail.Status.SENDING).count()


def erase_recipient(email):
    """Delete every mail to this address that is not waiting to be sent (sent or failed); returns how many went."""
    mails = OutgoingMail.objects.filter(recipient__iexact=email.strip()).exclude(status=OutgoingMail.Status.QUEUED)
    return mails.delete()[0]
