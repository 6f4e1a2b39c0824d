from django.core.management.base import BaseCommand, CommandError

from raffles.models import Raffle
from raffles.services import DrawError, draw


class Command(BaseCommand):
    """Draw the winners of a closed raffle, verifiably (see raffles/services.py)."""

    help = "Draw the winner(s) of a closed raffle."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--winners", type=int, default=None, help="Default: the raffle's number of prizes.")
        parser.add_argument(
            "--redraw", action="store_true", help="Draw again among the remaining entries (unclaimed prize)."
        )

    def handle(self, *args, slug, winners, redraw, **options):
        try:
            raffle = Raffle.objects.get(slug=slug)
        except Raffle.DoesNotExist as error:
            raise CommandError(f"No raffle with the slug {slug!r}.") from error
        if winners is not None and winners < 1:
            raise CommandError("--winners must be at least 1.")
        try:
            record = draw(raffle, winners=winners, drawn_by="manage.py draw_raffle", redraw=redraw)
        except DrawError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Draw {record.sequence} of {raffle.title}:"))
        self.stdout.write(f"  eligible entries: {record.eligible_count} (list SHA-256 {record.list_hash})")
        self.stdout.write(f"  salt (revealed): {record.salt}")
        self.stdout.write(f"  seed: {record.seed}")
        for position, public_id in enumerate(record.winner_ids, start=1):
            self.stdout.write(f"  winner {position}: entry {public_id}")
        self.stdout.write("The winners are notified by email.")
