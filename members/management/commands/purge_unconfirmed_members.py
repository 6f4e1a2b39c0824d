from django.core.management.base import BaseCommand

from members.services import purge_unconfirmed


class Command(BaseCommand):
    """Delete addresses that asked for the invitations but never confirmed, as the privacy notice says (daily)."""

    help = "Delete invitation-list addresses that were never confirmed."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {purge_unconfirmed()} unconfirmed address(es).")
