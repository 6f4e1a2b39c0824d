from django.core.management.base import BaseCommand

from outbox.services import requeue_lost, stuck_count
from outbox.signals import resume_requested


class Command(BaseCommand):
    """Hand the queue again what a stopped worker left: queued mail, unfinished mailings (run before each worker).

    A task of a worker that was killed is lost with it, but the mail it was to send is still a
    queued row; handing it over twice sends it once. A mail left "sending" is not sent again by
    itself (it may have reached its recipient): the admin's outgoing-mail list shows it.
    """

    help = "Queue again the mail and mailings a stopped worker left unfinished."

    def handle(self, *args, **options):
        mails = requeue_lost()
        restarted = sum(result or 0 for _receiver, result in resume_requested.send(sender=self.__class__))
        self.stdout.write(f"Queued {mails} mail(s) again; restarted {restarted} mailing(s).")
        stuck = stuck_count()
        if stuck:
            self.stdout.write(
                self.style.WARNING(
                    f"{stuck} mail(s) were being sent when a worker stopped: see Outgoing mail, status Sending."
                )
            )
