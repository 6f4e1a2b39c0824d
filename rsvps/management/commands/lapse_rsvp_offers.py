from django.core.management.base import BaseCommand
from django.utils import timezone

from rsvps import services
from rsvps.models import Rsvp


class Command(BaseCommand):
    """End every offered seat whose time is up and offer it to the next person (run every minute, e.g. a timer).

    The queue's worker does this on its own at each offer's end; this command is the safety net
    for a worker that was down at that moment.
    """

    help = "End lapsed RSVP offers and offer those seats to the next people on the waiting lists."

    def handle(self, *args, **options):
        now = timezone.now()
        editions = (
            Rsvp.objects.filter(status=Rsvp.Status.OFFERED, offer_expires_at__lte=now)
            .values_list("edition_id", flat=True)
            .distinct()
        )
        lapsed = 0
        for edition_id in list(editions):
            try:
                lapsed += len(services.lapse_offers(edition_id, now))
            except services.RsvpBusy:
                self.stderr.write(f"Edition {edition_id}: busy, left for the next run.")
        self.stdout.write(f"{lapsed} offer(s) lapsed.")
