from django.core.management.base import BaseCommand

from meetups.demo import load_demo
from meetups.models import AgendaItem, Edition
from talks.models import Talk


class Command(BaseCommand):
    """Load the Vienna Deep Learning Meetup demo data (#32 as its deck shows it).

    Idempotent: running it again refreshes the same rows and creates no new ones.
    """

    help = "Load or refresh the demo data (meetup #32, its archive, raffle and job ad)."

    def handle(self, *args, **options):
        edition = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {Edition.objects.count()} editions, {Talk.objects.count()} talks, "
                f"{AgendaItem.objects.count()} agenda items. #{edition.code}: {edition.display_title}."
            )
        )
