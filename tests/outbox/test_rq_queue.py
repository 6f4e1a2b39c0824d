"""The queue on Redis for several machines (TASKS_BACKEND=django_tasks_rq.RQBackend), with RQ's worker.

Run against the Redis on 127.0.0.1:6379 (database 14, emptied before and after each test), as CI has it.
"""

import django_rq
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from members import mailings
from members.models import Mailing, Subscriber
from outbox.models import OutgoingMail
from tests.contributions.conftest import form_data
from tests.factories import EditionFactory, SuperUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rq_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.MAILING_RATE = 0
    connection = django_rq.get_connection("default")
    connection.flushdb()
    yield django_rq.get_queue("default")
    connection.flushdb()


def run_rq_worker():
    # The worker of docs/deploy.md, in this process (SimpleWorker does not fork), until the queue is empty.
    call_command(
        "rqworker",
        "default",
        "--burst",
        "--with-scheduler",
        "--worker-class",
        "rq.worker.SimpleWorker",
        "--job-class",
        "django_tasks_rq.Job",
    )


def test_a_request_queues_on_redis_and_rqs_worker_sends(client, rq_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contributions:contribute"), form_data())
    assert "Thank you for your proposal!" in response.content.decode()
    assert mail.outbox == [] and rq_queue.count == 1

    run_rq_worker()

    assert [message.to for message in mail.outbox] == [["ada@example.org"]]
    assert OutgoingMail.objects.get().status == "sent" and rq_queue.count == 0


def test_a_mailing_goes_out_in_batches_through_redis(rq_queue, settings):
    settings.MAILING_BATCH_SIZE = 2
    addresses = [f"m{n}@example.org" for n in range(5)]
    for address in addresses:
        Subscriber.objects.create(
            email=address, status="subscribed", consent_text="Yes.", consented_at="2026-01-01T00Z"
        )
    mailing = Mailing(kind="announcement", edition=EditionFactory(), subject="Thursday")
    mailings.compose(mailing, "http://testserver/")
    mailing.save()
    mailings.start_sending(mailing, SuperUserFactory())

    run_rq_worker()

    assert sorted(message.to[0] for message in mail.outbox) == addresses
    assert Mailing.objects.get().status == "sent"
