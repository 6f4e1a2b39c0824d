import imaplib
import mailbox
import os

from django.core.management.base import BaseCommand, CommandError

from raffles import mail_import
from raffles.models import Raffle

IMAP_ENV_VARIABLE = "RAFFLE_IMAP_PASSWORD"


class Command(BaseCommand):
    """Import the answers people emailed for a raffle ("send your answer with
    subject 'ML Prague 2020' to vdlmeetup@gmail.com").

    Reads an mbox file, a Maildir or an IMAP folder; the IMAP password is taken
    only from the RAFFLE_IMAP_PASSWORD environment variable, so it never shows
    up in the shell history or the process list. Safe to run again: messages
    already imported are recognised by their Message-ID.
    """

    help = "Import emailed raffle answers from an mbox file, a Maildir or an IMAP folder."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The raffle's slug.")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--mbox", metavar="PATH", help="Read an mbox file.")
        source.add_argument("--maildir", metavar="PATH", help="Read a Maildir folder.")
        source.add_argument("--imap", metavar="HOST", help=f"Read an IMAP folder; password in ${IMAP_ENV_VARIABLE}.")
        parser.add_argument("--user", help="IMAP user name.")
        parser.add_argument("--folder", help="IMAP folder (default: INBOX).")
        parser.add_argument("--port", type=int, help="IMAP port (default: 993, or 143 with --no-ssl).")
        parser.add_argument(
            "--no-ssl",
            dest="use_ssl",
            action="store_false",
            help="Plain IMAP without encryption, for a local test server only.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report, but store nothing.")

    def handle(self, *args, slug, mbox, maildir, imap, dry_run, verbosity, **options):
        try:
            raffle = Raffle.objects.get(slug=slug)
        except Raffle.DoesNotExist as error:
            raise CommandError(f"There is no raffle with the slug {slug!r}.") from error
        if not raffle.email_subject.strip():
            raise CommandError(f"The raffle {raffle} has no subject line for email answers; set one in the admin.")
        if raffle.status == Raffle.Status.CANCELLED:
            raise CommandError(f"The raffle {raffle} was cancelled; there is nothing to import.")
        if raffle.status == Raffle.Status.DRAWN:
            raise CommandError(
                f"The raffle {raffle} has already been drawn; answers imported now would miss the draw. "
                "Import all answers before drawing."
            )
        imap_only = [f"--{name.replace('_', '-')}" for name in ("user", "folder", "port") if options[name]]
        if not options["use_ssl"]:
            imap_only.append("--no-ssl")
        if imap_only and not imap:
            raise CommandError(f"{', '.join(imap_only)} only apply to --imap.")

        try:
            if mbox:
                messages = mail_import.read_mbox(mbox)
            elif maildir:
                messages = mail_import.read_maildir(maildir)
            else:
                messages = self.imap_messages(imap, **options)
            report = mail_import.import_messages(raffle, messages, dry_run=dry_run)
        except (mail_import.MailSourceError, mailbox.Error, imaplib.IMAP4.error, OSError) as error:
            raise CommandError(f"Could not read the mail: {_reason(error)}") from error

        if verbosity >= 2:
            for line in report.lines():
                self.stdout.write(f"  {line}")
        self.stdout.write(report.summary())

    def imap_messages(self, host, *, user, folder, port, use_ssl, **options):
        if not user:
            raise CommandError("--imap needs --user.")
        password = os.environ.get(IMAP_ENV_VARIABLE)
        if not password:
            raise CommandError(
                f"Set the IMAP password in the environment variable {IMAP_ENV_VARIABLE}; "
                "it is not accepted on the command line."
            )
        client = mail_import.connect_imap(host, port=port, use_ssl=use_ssl)
        return mail_import.read_imap(client, user=user, password=password, folder=folder or "INBOX")


def _reason(error):
    # imaplib puts the server's answer in the exception as bytes.
    if len(error.args) == 1 and isinstance(error.args[0], bytes):
        return error.args[0].decode(errors="replace")
    return str(error)
