from django.core.management.base import BaseCommand, CommandError

from audit.services import record_purge
from raffles.services import purge_entries


class Command(BaseCommand):
    """Anonymise raffle entries once they are no longer needed.

    Non-winners' entries go RAFFLE_RETENTION_DAYS after the draw, winners' after
    RAFFLE_CLAIM_DAYS. Run it daily from cron, e.g.
    15 3 * * *  cd /srv/vdlm && .venv/bin/python manage.py purge_raffle_entries
    """

    help = "Anonymise entries of raffles drawn long enough ago."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override RAFFLE_RETENTION_DAYS.")
        parser.add_argument("--claim-days", type=int, default=None, help="Override RAFFLE_CLAIM_DAYS.")

    def handle(self, *args, days, claim_days, **options):
        if (days is not None and days < 0) or (claim_days is not None and claim_days < 0):
            raise CommandError("Days cannot be negative.")
        non_winners, winners = purge_entries(retention_days=days, claim_days=claim_days)
        record_purge("purge_raffle_entries", entries_anonymised=non_winners, winner_entries_anonymised=winners)
        self.stdout.write(f"Anonymised {non_winners} non-winner and {winners} winner entries.")
