import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    """Make sure an organizer can log in to the admin of a fresh installation.

    When no superuser exists, one is created with a freshly generated password
    that is printed once and stored only as a hash. When one exists, nothing
    changes and no password is printed: use `manage.py changepassword` to reset.
    """

    help = "Create an admin account with a generated password if there is none."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@localhost")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing:
            self.stdout.write(
                f"Admin account exists: {existing.get_username()} (password unchanged; "
                f"reset it with: manage.py changepassword {existing.get_username()})."
            )
            return
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"A user named {username!r} exists but is not a superuser; "
                "choose another name with --username."
            )
        password = secrets.token_urlsafe(18)
        User.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(self.style.SUCCESS("Admin account created. This password is shown only once:"))
        self.stdout.write(f"  username: {username}\n  password: {password}")
