"""Hard bounces: addresses the mail system says do not exist stop getting the list's mail.

A bounce is a delivery status notification (RFC 3464): a mail with a message/delivery-status
part whose recipient blocks say `Action: failed` and a permanent status (5.x.x). A temporary
failure (4.x.x, a full mailbox) is not a reason to drop anyone. The addresses found are kept
as "bounced": they get no mailing, and confirming the address again makes them a member again.
"""

import dataclasses
import email
import email.policy
import mailbox
from pathlib import Path

from django.db.models.functions import Lower

from .models import Subscriber


def _address(value):
    # "rfc822; ada@example.org" (RFC 3464 2.3.2): the type, then the address.
    _kind, _, address = str(value).partition(";")
    return (address or _kind).strip().strip("<>").lower()


def hard_bounced_addresses(message):
    """The addresses a delivery status notification reports as permanently failed (none for any other mail)."""
    addresses = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The per-recipient blocks follow the per-message block, each a group of header fields.
        for block in part.get_payload()[1:] if part.is_multipart() else []:
            action = str(block.get("Action", "")).strip().lower()
            status = str(block.get("Status", "")).strip()
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient")
            if action == "failed" and status.startswith("5") and recipient:
                addresses.append(_address(recipient))
    return addresses


def messages_in(path):
    """The mails of a Maildir folder, an mbox file or a single message file (.eml)."""
    path = Path(path)
    if path.is_dir():
        box = mailbox.Maildir(path, factory=None, create=False)
    elif path.read_bytes()[:5] == b"From ":
        box = mailbox.mbox(path, factory=None, create=False)
    else:
        yield email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        return
    for key in box.iterkeys():
        yield email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)


@dataclasses.dataclass
class BounceReport:
    marked: list = dataclasses.field(default_factory=list)
    already: int = 0
    not_on_list: int = 0


def mark_bounced(addresses):
    """Mark these addresses "bounced" (case-insensitive); returns what was marked and what was not."""
    report = BounceReport()
    wanted = {address.strip().lower() for address in addresses if address.strip()}
    found = Subscriber.objects.annotate(address=Lower("email")).filter(address__in=wanted)
    known = set()
    for subscriber in found:
        known.add(subscriber.address)
        if subscriber.status == Subscriber.Status.BOUNCED:
            report.already += 1
            continue
        subscriber.status = Subscriber.Status.BOUNCED
        subscriber.save(update_fields=["status"])
        report.marked.append(subscriber.email)
    report.not_on_list = len(wanted - known)
    return report
