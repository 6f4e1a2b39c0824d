from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from vdlm.erasure import erase_everywhere


class Command(BaseCommand):
    """Erase one person everywhere by their email address (a data-subject request): raffles, RSVPs, list, mail."""

    help = "Erase one person everywhere the site keeps them, by email address."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            validate_email(email.strip())
        except ValidationError as error:
            raise CommandError(f"“{email}” is not an email address.") from error
        erased = erase_everywhere(email, by="manage.py erase_person")
        self.stdout.write("Erased: " + ", ".join(f"{n} {what}" for what, n in erased.items()) + ".")
