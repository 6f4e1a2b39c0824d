"""Erase one person everywhere the site keeps them (a data-subject request), by their email address.

Each app erases its own rows with its own service; this only calls them all, so that no app is
forgotten: raffle entries (anonymised: a draw stays verifiable), RSVPs and their records, the
invitations list, and the mail sent to the address.
"""

from audit import services as audit
from audit.models import AuditEntry
from members import services as members
from outbox import services as outbox
from raffles import services as raffles
from rsvps import services as rsvps


def erase_everywhere(email, *, request=None, by=None):
    """Returns {what: how many} erased; the audit trail gets the counts (never the address)."""
    erased = {
        "raffle entries": raffles.erase_person(email),
        "RSVPs": rsvps.erase_person(email),
        "list addresses": members.erase_person(email),
        "sent mails": outbox.erase_recipient(email),
    }
    audit.record(
        AuditEntry.Action.ERASE, "a person: " + ", ".join(f"{n} {what}" for what, n in erased.items()),
        request=request, by=by,
    )  # fmt: skip
    return erased
