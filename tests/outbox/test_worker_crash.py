"""A worker killed in the middle of a mailing: after `resume_mail` and a new worker, everyone has it once.

The worker is a process of its own (`manage.py db_worker`), on this test's database, sending
through a real SMTP server on 127.0.0.1 (aiosmtpd). It is killed with SIGKILL, as a crash or
the kernel's OOM killer does: nothing of it runs after the signal.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from members import mailings
from members.models import Mailing, Subscriber
from outbox.models import OutgoingMail
from tests.factories import EditionFactory, SuperUserFactory
from tests.smtp_sink import start_sink

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 60
KILL_AFTER = 30
RATE = 20  # mails a second: 50 ms between two sends


def worker_environment(port):
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        VDLM_TEST_WORKER_DATABASE=str(connection.settings_dict["NAME"]),
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        MAILING_RATE=str(RATE),
        MAILING_BATCH_SIZE="25",
    )
    return environment


def test_killing_the_worker_mid_mailing_then_restarting_delivers_to_everyone_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    worker = None
    killed = threading.Event()

    def kill_between_two_sends():
        # Once the 30th mail is marked sent, the worker waits ~50 ms for its next send slot: kill it then.
        # (Killed in the middle of an SMTP exchange, a mail stays "sending" for an organizer to decide.)
        try:
            for _ in range(2000):
                if OutgoingMail.objects.filter(status="sent").count() >= KILL_AFTER:
                    break
                time.sleep(0.002)
            worker.send_signal(signal.SIGKILL)
            killed.set()
        finally:
            connection.close()

    def kill_mid_mailing(count):
        if count == KILL_AFTER:
            threading.Thread(target=kill_between_two_sends).start()

    sink, controller = start_sink(kill_mid_mailing)
    try:
        addresses = [f"member{n:02}@example.org" for n in range(MEMBERS)]
        Subscriber.objects.bulk_create(
            Subscriber(email=address, status="subscribed", consent_text="Yes.", consented_at="2026-01-01T00:00Z")
            for address in addresses
        )
        mailing = Mailing(kind="announcement", edition=EditionFactory(), subject="See you on Thursday")
        mailings.compose(mailing, "http://testserver/")
        mailing.save()
        mailings.start_sending(mailing, SuperUserFactory())

        command = [sys.executable, "manage.py", "db_worker", "--interval", "0.05", "--no-startup-delay"]
        worker = subprocess.Popen(command, cwd=ROOT, env=worker_environment(controller.port))
        assert worker.wait(timeout=60) == -signal.SIGKILL and killed.is_set()
        received = len(sink.recipients())
        assert KILL_AFTER <= received < MEMBERS
        assert Mailing.objects.get().status == "sending"

        # What the systemd unit and `make run` do before a worker starts, then a worker that stops when done.
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.MAILING_RATE = 0
        call_command("resume_mail", verbosity=0)
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        controller.stop()

    assert sorted(sink.recipients()) == addresses  # every member, exactly once
    for _rcpt_tos, message in sink.messages():
        assert message["List-Unsubscribe"].strip().startswith("<http://testserver/invitations/leave/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Subject"] == "See you on Thursday"
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}
    assert Mailing.objects.get().status == "sent"
