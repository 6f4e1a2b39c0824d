import mailbox
import sys

from django.core.management.base import BaseCommand, CommandError

from members.bounces import hard_bounced_addresses, mark_bounced, messages_in


def address_lines(lines):
    """The first cell of each line that holds an address (a plain list, or a provider's CSV export)."""
    return [line.split(",")[0].strip().strip('"') for line in lines if "@" in line]


class Command(BaseCommand):
    """Mark hard-bounced addresses "bounced": from bounce mails (Maildir, mbox, .eml) or a list of addresses.

    Point it at the mailbox that receives the bounces of DEFAULT_FROM_EMAIL (e.g. daily from cron),
    or give it the addresses a mail provider's dashboard lists as hard bounces.
    """

    help = "Mark hard-bounced addresses as bounced: they get no more mailings."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Maildir folders, mbox files or .eml files of bounce mails.")
        parser.add_argument("--addresses", help='A file of addresses, one a line ("-" for standard input).')

    def handle(self, *args, paths, addresses, **options):
        if not paths and not addresses:
            raise CommandError("Give bounce mails (a Maildir, an mbox or .eml files) or --addresses FILE.")
        found, read = [], 0
        for path in paths:
            try:
                for message in messages_in(path):
                    read += 1
                    found += hard_bounced_addresses(message)
            except (OSError, mailbox.Error) as error:
                raise CommandError(f"Cannot read {path}: {error}") from error
        if addresses == "-":
            found += address_lines(sys.stdin)
        elif addresses:
            try:
                with open(addresses, encoding="utf-8-sig") as lines:
                    found += address_lines(lines)
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {addresses}: {error}") from error
        report = mark_bounced(found)
        if paths:
            self.stdout.write(f"Read {read} mail(s): {len(found)} hard bounce(s).")
        self.stdout.write(
            f"Marked {len(report.marked)} address(es) bounced; {report.already} were already; "
            f"{report.not_on_list} not on the list."
        )
        for address in report.marked:
            self.stdout.write(f"  bounced: {address}")
