"""Everything that happens to a raffle: entering, confirming, importing answers
by email, drawing verifiably, and forgetting entrants on time.

Views, admin actions and management commands all call these functions.

The draw, step by step (docs/raffles.md explains it for entrants):
1. When the raffle is created it gets a secret random salt; SHA-256(salt), the
   commitment, is shown on the raffle page from the start.
2. The draw freezes the eligible list: correct (and, where required, confirmed)
   entries, as their public ids sorted; list_hash = SHA-256 of the ids joined by "\\n".
3. seed = HMAC-SHA256(key=salt, message=list_hash).
4. Winners are picked from the list by rejection sampling on a stream of
   HMAC-SHA256(key=seed, message=counter) blocks, so there is no modulo bias;
   each pick is removed from the list, so winners are distinct.
5. The salt is revealed with the draw: anyone can check the commitment and
   recompute the winners.
"""

import dataclasses
import datetime
import hashlib
import hmac
import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q, Value
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from meetups.models import SiteProfile
from outbox.services import queue_mail

from .models import Raffle, RaffleDraw, RaffleEntry, sha256_hex

logger = logging.getLogger(__name__)

CONFIRMATION_SALT = "raffles.entry-confirmation"


class RaffleError(Exception):
    """A raffle operation that cannot be done; the message is meant for people."""


class RaffleClosedError(RaffleError):
    pass


class DrawError(RaffleError):
    pass


class ConfirmationError(RaffleError):
    pass


# --- Entering ---------------------------------------------------------------


@dataclasses.dataclass
class EntryResult:
    entry: RaffleEntry
    created: bool


def closed_message(raffle, now=None):
    """Why the raffle takes no entries right now, or "" when it does."""
    now = now or timezone.now()
    if raffle.status == Raffle.Status.CANCELLED:
        return "This raffle was cancelled."
    if raffle.status == Raffle.Status.DRAFT:
        return "This raffle is not open yet."
    if now < raffle.opens_at:
        opens = timezone.localtime(raffle.opens_at).strftime("%a, %-d %B %Y, %H:%M")
        return f"This raffle opens on {opens} (Vienna time)."
    if now >= raffle.closes_at or raffle.status == Raffle.Status.DRAWN:
        closed = timezone.localtime(raffle.closes_at).strftime("%a, %-d %B %Y, %H:%M:%S")
        return f"This raffle closed on {closed} (Vienna time). No more entries are accepted."
    return ""


def submit_entry(raffle, *, email, answer, name="", news_opt_in=False, base_url="", now=None):
    """Store a web entry and ask the entrant to confirm their address.

    `raffle` is the Raffle, or its slug: the entry form posts to the raffle's address,
    and the raffle is read (locked) once, here, rather than looked up first. Raises
    Raffle.DoesNotExist for a slug of no raffle.

    Raises RaffleClosedError outside the entry period (nothing is stored). A
    second entry with the same address, in any case, returns the existing entry
    with created=False; it never makes a second row.

    The insert has no savepoint of its own (on PostgreSQL, two more round trips per
    entry): a duplicate address rolls back the whole transaction, which has stored
    nothing else yet (the confirmation mail is queued after the insert), and the
    existing entry is read after it.
    """
    now = now or timezone.now()
    email = email.strip()
    try:
        with transaction.atomic():
            raffle = lock_for_entry(slug=raffle) if isinstance(raffle, str) else lock_for_entry(raffle.pk)
            reason = closed_message(raffle, now)
            if reason:
                raise RaffleClosedError(reason)
            entry = RaffleEntry(
                raffle=raffle,
                email=email,
                name=name.strip(),
                answer=answer.strip(),
                news_opt_in=news_opt_in,
                source=RaffleEntry.Source.WEB,
                submitted_at=now,
                consented_at=now,
                confirmed_at=None if raffle.requires_confirmation else now,
                confirmation_sent_at=now if raffle.requires_confirmation else None,
            )
            entry.save(force_insert=True)
            if raffle.requires_confirmation:
                # Queued in the entry's own transaction: the entry and its mail are stored together
                # or not at all (queue_mail asks the worker after the commit), and the mail's row
                # costs no commit of its own.
                send_confirmation_email(entry, base_url)
    except IntegrityError:
        # The address has entered already, and that entry is committed: a unique index
        # makes an insert wait for the other transaction, and fail only once it commits.
        return EntryResult(_entry_of(raffle, email), created=False)
    return EntryResult(entry, created=True)


def _entry_of(raffle, email):
    """The raffle's entry of an address, in any case: found by the index of its unique constraint."""
    entry = (
        RaffleEntry.objects.alias(email_lower=Lower("email"))
        .filter(raffle=raffle, email_lower=Lower(Value(email)))
        .get()
    )
    entry.raffle = raffle  # the confirmation mail needs it: no query for it
    return entry


def lock_for_entry(raffle_pk=None, *, slug=None):
    """The raffle row (by primary key or slug), read fresh and locked against a draw, but not against other entries.

    On PostgreSQL a shared lock (FOR SHARE): any number of entries hold it at once,
    while a draw's exclusive lock (FOR UPDATE, select_for_update()) waits until every
    entry begun before it has committed, and an entry that comes during a draw waits for
    it and then reads the raffle as the draw left it ("drawn": it stores nothing). With
    the exclusive lock that draws take, every entry waited for the one before it to
    commit, and on raffle night they all queue on that one row: 242 entries/s at most on
    the benchmark machine (bench/results.md). The ORM has no FOR SHARE, hence raw SQL.

    SQLite has no row locks: its IMMEDIATE transactions let one writer in at a time,
    which serializes entries and draws on their own; select_for_update() is a no-op there.
    """
    column, value = ("slug", slug) if slug is not None else ("pk", raffle_pk)
    if connection.vendor != "postgresql":
        return Raffle.objects.select_for_update().get(**{column: value})
    rows = list(Raffle.objects.raw(SHARE_LOCK_SQL[column], [value]))
    if not rows:
        raise Raffle.DoesNotExist(f"There is no raffle {value}.")
    return rows[0]


# Raffle._meta.db_table and the columns of the primary key and the slug, written out (a test checks
# they still are); every column, so that the raffle comes back with all its fields.
SHARE_LOCK_SQL = {
    "pk": 'SELECT * FROM "raffles_raffle" WHERE "id" = %s FOR SHARE',
    "slug": 'SELECT * FROM "raffles_raffle" WHERE "slug" = %s FOR SHARE',
}


def confirmation_token(entry):
    return signing.TimestampSigner(salt=CONFIRMATION_SALT).sign(str(entry.public_id))


def confirmation_url(entry, base_url=""):
    path = reverse("raffles:confirm", kwargs={"slug": entry.raffle.slug, "token": confirmation_token(entry)})
    return base_url.rstrip("/") + path


def resend_confirmation_email(entry, base_url="", now=None):
    """Mail the link again to an entrant who entered again unconfirmed; True if it was sent.

    At most once per RAFFLE_CONFIRMATION_RESEND_SECONDS for an entry (one address in
    one raffle): whoever types a stranger's address again and again must not flood
    their inbox. The check and the mark are one UPDATE, so two workers never both send.
    """
    if entry.is_confirmed:
        return False
    now = now or timezone.now()
    since = now - datetime.timedelta(seconds=settings.RAFFLE_CONFIRMATION_RESEND_SECONDS)
    due = Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=since)
    if not RaffleEntry.objects.filter(due, pk=entry.pk, confirmed_at__isnull=True).update(confirmation_sent_at=now):
        return False
    send_confirmation_email(entry, base_url)
    return True


def send_confirmation_email(entry, base_url=""):
    """Email the confirmation link and the public entry id."""
    context = {
        "entry": entry,
        "raffle": entry.raffle,
        "confirm_url": confirmation_url(entry, base_url),
        "max_age_days": settings.RAFFLE_CONFIRMATION_MAX_AGE // 86400,
        "raffle_url": base_url.rstrip("/") + entry.raffle.get_absolute_url(),
    }
    queue_mail(
        "raffle confirmation",
        [entry.email],
        f"Please confirm your entry: {entry.raffle.title}",
        render_to_string("raffles/email/confirm.txt", context),
    )


def confirm_entry(raffle, token, now=None):
    """Confirm the entry a link was sent for; returns (entry, newly_confirmed).

    Raises ConfirmationError for a tampered, expired or foreign link.
    """
    signer = signing.TimestampSigner(salt=CONFIRMATION_SALT)
    try:
        public_id = signer.unsign(token, max_age=settings.RAFFLE_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ConfirmationError(
            "This confirmation link has expired. Enter again with the same address to get a new one."
        ) from error
    except signing.BadSignature as error:
        raise ConfirmationError("This confirmation link is not valid. Please copy the whole link.") from error
    try:
        entry = RaffleEntry.objects.select_related("raffle").get(raffle=raffle, public_id=public_id)
    except (RaffleEntry.DoesNotExist, ValueError) as error:
        raise ConfirmationError("This confirmation link does not belong to an entry of this raffle.") from error
    if entry.confirmed_at:
        return entry, False
    if raffle.has_closed or raffle.status == Raffle.Status.DRAWN:
        raise ConfirmationError("This raffle has closed; entries can no longer be confirmed.")
    entry.confirmed_at = now or timezone.now()
    entry.save(update_fields=["confirmed_at"])
    return entry, True


# --- Answers by email ---------------------------------------------------------


class EmailEntryOutcome:
    STORED = "stored"
    DUPLICATE_MESSAGE = "duplicate message"
    DUPLICATE_ADDRESS = "duplicate address"
    LATE = "after the deadline"
    EARLY = "before the raffle opened"
    CONFIRMED = "confirmed the web entry"


def add_email_entry(raffle, *, email, answer, message_id, received_at, name=""):
    """Store an answer that arrived by email; returns an EmailEntryOutcome value.

    Email entries count as confirmed: the sender proved the address by sending, which also
    confirms a web entry of the same address still waiting for its link (CONFIRMED).
    Idempotent by Message-ID; late, early and duplicate answers are not stored.
    """
    with transaction.atomic():
        # The same lock as web entries and draws: no entry slips in while a draw runs.
        raffle = Raffle.objects.select_for_update().get(pk=raffle.pk)
        if raffle.status in (Raffle.Status.DRAWN, Raffle.Status.CANCELLED):
            return EmailEntryOutcome.LATE
        if received_at >= raffle.closes_at:
            return EmailEntryOutcome.LATE
        if received_at < raffle.opens_at:
            return EmailEntryOutcome.EARLY
        if message_id and RaffleEntry.objects.filter(raffle=raffle, message_id=message_id).exists():
            return EmailEntryOutcome.DUPLICATE_MESSAGE
        entry = RaffleEntry(
            raffle=raffle,
            email=email[:254],
            name=name[:200],
            answer=answer[:500],
            source=RaffleEntry.Source.EMAIL,
            submitted_at=received_at,
            confirmed_at=received_at,
            consented_at=received_at,
            message_id=message_id[:998],
        )
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            if message_id and RaffleEntry.objects.filter(raffle=raffle, message_id=message_id).exists():
                return EmailEntryOutcome.DUPLICATE_MESSAGE
            # The address entered on the web and never opened the link (in the spam folder, say), then
            # sent the answer by mail: the mail proves the address, so that entry takes part, with its
            # first answer.
            unconfirmed = RaffleEntry.objects.filter(raffle=raffle, email__iexact=email, confirmed_at__isnull=True)
            if unconfirmed.update(confirmed_at=received_at):
                return EmailEntryOutcome.CONFIRMED
            return EmailEntryOutcome.DUPLICATE_ADDRESS
    return EmailEntryOutcome.STORED


# --- Drawing ----------------------------------------------------------------


def list_hash(eligible_ids):
    return sha256_hex("\n".join(eligible_ids))


def derive_seed(salt, eligible_list_hash):
    return hmac.new(salt.encode(), eligible_list_hash.encode(), hashlib.sha256).hexdigest()


def _random_below(seed, counter, limit):
    """Uniform integer in [0, limit) from the seed's HMAC stream, by rejection sampling.

    Returns (value, next_counter). 64-bit draws at or above the largest multiple
    of `limit` are thrown away, so every value is exactly equally likely.
    """
    span = 2**64
    acceptable = span - (span % limit)
    while True:
        block = hmac.new(bytes.fromhex(seed), counter.to_bytes(8, "big"), hashlib.sha256).digest()
        counter += 1
        for offset in range(0, 32, 8):
            value = int.from_bytes(block[offset : offset + 8], "big")
            if value < acceptable:
                return value % limit, counter


def pick_winners(seed, eligible_ids, count):
    """The `count` distinct winners for a seed and an eligible list, in draw order."""
    remaining = list(eligible_ids)
    winners, counter = [], 0
    for _ in range(count):
        index, counter = _random_below(seed, counter, len(remaining))
        winners.append(remaining.pop(index))
    return winners


def eligible_entries(raffle):
    """Correct entries (confirmed where the raffle requires it) that have not won before."""
    entries = RaffleEntry.objects.filter(raffle=raffle).filter(RaffleEntry.correct_q())
    if raffle.requires_confirmation:
        entries = entries.filter(confirmed_at__isnull=False)
    earlier_winners = [pid for draw in raffle.draws.all() for pid in draw.winner_ids]
    return entries.exclude(public_id__in=earlier_winners)


def draw(raffle, winners=None, drawn_by="", redraw=False, now=None):
    """Draw the winners of a closed raffle and return the RaffleDraw record.

    A raffle is drawn once; `redraw=True` (an unclaimed prize) makes an extra
    draw among the remaining eligible entries and keeps the earlier record.
    Raises DrawError with a clear message when the draw cannot happen. Two
    simultaneous draws give one draw: the raffle row is locked, and the second
    finds it drawn.
    """
    now = now or timezone.now()
    with transaction.atomic():
        raffle = Raffle.objects.select_for_update().get(pk=raffle.pk)
        if raffle.status == Raffle.Status.CANCELLED:
            raise DrawError("This raffle was cancelled and cannot be drawn.")
        if raffle.status == Raffle.Status.DRAFT:
            raise DrawError("This raffle was never published; publish it before drawing.")
        if now < raffle.closes_at:
            raise DrawError("This raffle is still open; draw it after it closes.")
        if raffle.status == Raffle.Status.DRAWN and not redraw:
            raise DrawError("This raffle has already been drawn. Use a re-draw for an unclaimed prize.")
        if redraw and raffle.status != Raffle.Status.DRAWN:
            raise DrawError("A re-draw needs a first draw.")
        count = winners if winners is not None else raffle.prize_count
        if count < 1:
            raise DrawError("Draw at least one winner.")
        eligible_ids = sorted(str(pid) for pid in eligible_entries(raffle).values_list("public_id", flat=True))
        if not eligible_ids:
            raise DrawError("There are no eligible entries (correct and confirmed) to draw from.")
        if count > len(eligible_ids):
            raise DrawError(
                f"Cannot draw {count} winners from {len(eligible_ids)} eligible "
                f"{'entry' if len(eligible_ids) == 1 else 'entries'}."
            )
        digest = list_hash(eligible_ids)
        seed = derive_seed(raffle.salt, digest)
        sequence = (raffle.draws.aggregate(Max("sequence"))["sequence__max"] or 0) + 1
        record = RaffleDraw.objects.create(
            raffle=raffle,
            sequence=sequence,
            drawn_at=now,
            drawn_by=drawn_by,
            winners_requested=count,
            eligible_ids=eligible_ids,
            eligible_count=len(eligible_ids),
            list_hash=digest,
            salt=raffle.salt,
            commitment=raffle.commitment,
            seed=seed,
            winner_ids=pick_winners(seed, eligible_ids, count),
        )
        raffle.status = Raffle.Status.DRAWN
        raffle.save(update_fields=["status", "updated_at"])
        transaction.on_commit(lambda: notify_winners(record))
    return record


def winner_entries(draw_record):
    by_id = {
        str(entry.public_id): entry
        for entry in RaffleEntry.objects.filter(raffle=draw_record.raffle_id, public_id__in=draw_record.winner_ids)
    }
    return [by_id[pid] for pid in draw_record.winner_ids if pid in by_id]


def notify_winners(draw_record):
    """Tell each winner by email; runs after the draw has been committed."""
    for entry in winner_entries(draw_record):
        if entry.anonymised_at:
            continue
        queue_mail(
            "raffle winner",
            [entry.email],
            f"You won: {draw_record.raffle.prize} – {draw_record.raffle.title}",
            render_to_string(
                "raffles/email/winner.txt",
                {"entry": entry, "draw": draw_record, "contact_email": SiteProfile.cached().contact_email},
            ),
            once_key=f"raffle-winner-{draw_record.raffle_id}",  # a re-draw tells only the new winner
        )


@dataclasses.dataclass
class Verification:
    ok: bool
    checks: list  # [(description, passed)]


def verify_draw(draw_record):
    """Recompute a draw from its stored data; says which checks pass."""
    ids = list(draw_record.eligible_ids)
    checks = [
        ("the revealed salt matches the published commitment", sha256_hex(draw_record.salt) == draw_record.commitment),
        (
            "the eligible list is sorted and has the published count",
            ids == sorted(ids) and len(ids) == draw_record.eligible_count,
        ),
        ("the eligible list has the published SHA-256", list_hash(ids) == draw_record.list_hash),
        (
            "the seed is HMAC-SHA256(salt, list hash)",
            derive_seed(draw_record.salt, draw_record.list_hash) == draw_record.seed,
        ),
        (
            "the winners follow from the seed",
            pick_winners(draw_record.seed, ids, draw_record.winners_requested) == list(draw_record.winner_ids),
        ),
    ]
    return Verification(ok=all(passed for _, passed in checks), checks=checks)


# --- Forgetting -------------------------------------------------------------


def anonymise(entries, now=None):
    """Erase the personal data of entries; keep public id and correctness for the record."""
    now = now or timezone.now()
    count = 0
    for entry in entries.filter(anonymised_at__isnull=True):
        entry.email = f"{entry.public_id}@anonymised.invalid"
        entry.name = ""
        entry.answer = ""
        entry.message_id = ""
        entry.news_opt_in = False
        entry.anonymised_at = now
        entry.save(update_fields=["email", "name", "answer", "message_id", "news_opt_in", "anonymised_at"])
        count += 1
    return count


def purge_entries(now=None, retention_days=None, claim_days=None):
    """Anonymise entries of drawn raffles on schedule; returns (non_winners, winners) counts.

    Non-winners go `retention_days` after the (latest) draw, winners after the
    claim period. The draw records keep only public ids and hashes, so every
    draw stays verifiable.
    """
    now = now or timezone.now()
    retention = datetime.timedelta(days=settings.RAFFLE_RETENTION_DAYS if retention_days is None else retention_days)
    claim = datetime.timedelta(days=settings.RAFFLE_CLAIM_DAYS if claim_days is None else claim_days)
    non_winners = winners = 0
    for raffle in Raffle.objects.filter(draws__isnull=False).distinct().prefetch_related("draws"):
        last_draw = max(draw_record.drawn_at for draw_record in raffle.draws.all())
        winner_ids = [pid for draw_record in raffle.draws.all() for pid in draw_record.winner_ids]
        entries = raffle.entries.all()
        with transaction.atomic():
            if now - last_draw >= retention:
                non_winners += anonymise(entries.exclude(public_id__in=winner_ids), now)
            if now - last_draw >= claim:
                winners += anonymise(entries.filter(public_id__in=winner_ids), now)
    return non_winners, winners


def erase_person(email, now=None):
    """Erase one person's entries across all raffles (a data-subject request)."""
    return anonymise(RaffleEntry.objects.filter(email__iexact=email.strip()), now)
