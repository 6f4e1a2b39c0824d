from django.core.management.base import BaseCommand

from meetups.demo import load_demo, remove_demo
from meetups.models import AgendaItem, Edition
from talks.models import Talk


class Command(BaseCommand):
    """Load the Vienna Deep Learning Meetup demo data (#32 as its deck shows it).

    Idempotent: running it again refreshes the same rows and creates no new ones.
    With --remove it deletes what the demo invented (the upcoming "demo" edition) and
    keeps the real history it loaded.
    """

    help = "Load or refresh the demo data (meetup #32, its archive, raffle, job ad), or --remove its invented edition."

    def add_arguments(self, parser):
        parser.add_argument(
            "--remove",
            action="store_true",
            help='delete the invented upcoming "demo" edition (with its agenda); the real editions stay',
        )

    def handle(self, *args, **options):
        if options["remove"]:
            removed = remove_demo()
            message = "Removed the invented demo edition." if removed else "There is no invented demo edition."
            self.stdout.write(self.style.SUCCESS(message))
            return
        edition = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {Edition.objects.count()} editions, {Talk.objects.count()} talks, "
                f"{AgendaItem.objects.count()} agenda items. #{edition.code}: {edition.display_title}."
            )
        )
