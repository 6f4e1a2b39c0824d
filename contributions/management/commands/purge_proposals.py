from django.core.management.base import BaseCommand, CommandError

from audit.services import record_purge
from contributions.services import purge_proposals


class Command(BaseCommand):
    """Anonymise declined and withdrawn proposals once the retention period is over.

    A proposal goes CONTRIBUTION_RETENTION_DAYS (90) days after it was declined
    or withdrawn; accepted and undecided proposals stay. Run it daily from cron, e.g.
    30 3 * * *  cd /srv/vdlm && .venv/bin/python manage.py purge_proposals
    """

    help = "Anonymise declined and withdrawn proposals older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override CONTRIBUTION_RETENTION_DAYS.")

    def handle(self, *args, days, **options):
        if days is not None and days < 0:
            raise CommandError("Days cannot be negative.")
        count = purge_proposals(retention_days=days)
        record_purge("purge_proposals", proposals_anonymised=count)
        self.stdout.write(f"Anonymised {count} declined or withdrawn proposal{'' if count == 1 else 's'}.")
