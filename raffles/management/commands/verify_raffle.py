from django.core.management.base import BaseCommand, CommandError

from raffles.models import Raffle
from raffles.services import verify_draw


class Command(BaseCommand):
    """Recompute every draw of a raffle from the stored data and say whether it matches."""

    help = "Verify the draw(s) of a raffle."

    def handle(self, *args, slug, **options):
        try:
            raffle = Raffle.objects.get(slug=slug)
        except Raffle.DoesNotExist as error:
            raise CommandError(f"No raffle with the slug {slug!r}.") from error
        draws = list(raffle.draws.all())
        if not draws:
            raise CommandError(f"{raffle.title} has not been drawn yet.")
        all_ok = True
        for record in draws:
            result = verify_draw(record)
            all_ok = all_ok and result.ok
            self.stdout.write(f"Draw {record.sequence} ({record.drawn_at:%Y-%m-%d %H:%M:%S %Z}):")
            for description, passed in result.checks:
                self.stdout.write(f"  [{'ok' if passed else 'FAILED'}] {description}")
        if not all_ok:
            raise CommandError("The stored draw does NOT match its recomputation.")
        self.stdout.write(self.style.SUCCESS("The draw matches: the result follows from the published data."))

    def add_arguments(self, parser):
        parser.add_argument("slug")
