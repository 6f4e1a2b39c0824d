from django.apps import apps
from django.core.management.base import BaseCommand

from accounts.services import sync_roles


class Command(BaseCommand):
    """Make the role groups hold exactly the permissions of accounts/roles.py (safe to run any time)."""

    help = "Create the role groups (Organizer, Editor, Reviewer, Door, Host contact) and set their permissions."

    def handle(self, *args, **options):
        counts = sync_roles(apps)
        for role, count in counts.items():
            self.stdout.write(f"{role}: {count} permissions")
