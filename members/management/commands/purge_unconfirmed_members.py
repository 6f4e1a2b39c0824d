from django.core.management.base import BaseCommand

from audit.services import record_purge
from members.services import purge_unconfirmed


class Command(BaseCommand):
    """Delete addresses that asked for the invitations but never confirmed, as the privacy notice says (daily)."""

    help = "Delete invitation-list addresses that were never confirmed."

    def handle(self, *args, **options):
        deleted = purge_unconfirmed()
        record_purge("purge_unconfirmed_members", unconfirmed_addresses=deleted)
        self.stdout.write(f"Deleted {deleted} unconfirmed address(es).")
