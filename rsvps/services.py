"""RSVPs: saying you come, cancelling, the waiting list's offers; the seats' invariant under any concurrency.

Every change of who holds a seat runs in one transaction that first locks the edition's
RsvpSettings row (SELECT … FOR UPDATE on PostgreSQL, with a lock timeout of
RSVP_LOCK_TIMEOUT_MS; SQLite's IMMEDIATE transactions let one writer in at a time). Inside
it the seats are counted, then changed: going + open offers (guests included) ≤ capacity,
always. A lock that cannot be had in time is RsvpBusy, a "try again" for the visitor.

While anyone waits, a freed seat goes to the waiting list, never to a newcomer: fill_seats()
offers it to the next person (priority, then time of RSVP), who has until the offer's end
to accept; a declined or lapsed offer goes to the next one.
"""

import contextlib
import datetime

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.utils import timezone

from . import mails
from .history import priority_for, record_attendance
from .models import AttendanceRecord, Rsvp, RsvpChange, RsvpSettings
from .reminders import schedule_reminders
from .times import is_open, offer_expiry


class RsvpRefused(Exception):
    """An RSVP or a change the site cannot take; the message says why, for the visitor."""


class RsvpBusy(RsvpRefused):
    """Too many people at once: the seats' lock could not be had in time."""


BUSY_MESSAGE = "Many people are answering at this moment. Please send the form again in a few seconds."


def _locked_settings(edition_id):
    if connection.vendor == "postgresql":
        # Waiting longer than this for the seats' lock ends as a clear "try again", not a hung request.
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {int(settings.RSVP_LOCK_TIMEOUT_MS)}")
    return RsvpSettings.objects.select_for_update().select_related("edition").get(edition_id=edition_id)


@contextlib.contextmanager
def seats_lock(edition_id):
    """`with seats_lock(edition_id) as rsvp_settings:` a transaction holding the edition's seats; RsvpBusy if busy."""
    try:
        with transaction.atomic():
            try:
                rsvp_settings = _locked_settings(edition_id)
            except OperationalError as error:
                raise RsvpBusy(BUSY_MESSAGE) from error
            yield rsvp_settings
    except OperationalError as error:  # SQLite: the database stayed busy, until the commit itself
        raise RsvpBusy(BUSY_MESSAGE) from error


def taken_seats(rsvp_settings):
    return Rsvp.objects.filter(edition_id=rsvp_settings.edition_id).holding_seats().seats()


def free_seats(rsvp_settings):
    return rsvp_settings.capacity - taken_seats(rsvp_settings)


def lock_seats_for_admin(edition_id):
    """Lock the seats inside the admin's own transaction (held until it commits); RsvpBusy when it cannot."""
    try:
        return _locked_settings(edition_id)
    except OperationalError as error:
        raise RsvpBusy(BUSY_MESSAGE) from error


def someone_waits(edition_id):
    return Rsvp.objects.filter(edition_id=edition_id, status=Rsvp.Status.WAITING).exists()


def counts(edition_id):
    """{"going": seats, "waiting": people, "offered": seats} of an edition."""
    rsvps = Rsvp.objects.filter(edition_id=edition_id)
    return {
        "going": rsvps.filter(status=Rsvp.Status.GOING).seats(),
        "offered": rsvps.filter(status=Rsvp.Status.OFFERED).seats(),
        "waiting": rsvps.filter(status=Rsvp.Status.WAITING).count(),
    }


def log(rsvp_settings, what, rsvp=None, by=None):
    RsvpChange.objects.create(edition_id=rsvp_settings.edition_id, rsvp=rsvp, by=by, what=what[:300])


def rsvp(edition, *, name, email, base_url, guest=False, guest_name="", id_name="", answers=(), consent_text=""):
    """Someone says they come: going, waiting, or (a repeated RSVP) their link again by mail. Raises RsvpRefused.

    The page shows the same for all three ("check your inbox"): it never tells who has an RSVP.
    """
    now = timezone.now()
    email = email.strip()
    with seats_lock(edition.pk) as rsvp_settings:
        if not is_open(rsvp_settings, now):
            raise RsvpRefused("RSVPs for this edition are closed.")
        if guest and not rsvp_settings.guests_allowed:
            raise RsvpRefused("This edition takes no guests: one seat per RSVP.")
        existing = Rsvp.objects.filter(edition=edition, email__iexact=email).first()
        if existing is not None and existing.status != Rsvp.Status.CANCELLED:
            transaction.on_commit(lambda: mails.link_again(existing), robust=True)
            return existing
        seats = 2 if guest else 1
        if not someone_waits(edition.pk) and free_seats(rsvp_settings) >= seats:
            status = Rsvp.Status.GOING
        elif rsvp_settings.waiting_list:
            status = Rsvp.Status.WAITING
        else:
            raise RsvpRefused("Sorry, this edition is full.")
        fields = {
            "name": name.strip(),
            "email": email,
            "guest": guest,
            "guest_name": guest_name.strip() if guest else "",
            "id_name": id_name.strip(),
            "answers": list(answers),
            "status": status,
            "consent_text": consent_text,
            "cancelled_at": None,
            "offer_expires_at": None,
            "priority": priority_for(email, edition),
            # The worker mails this person later (an offer) without a request: their links use this address.
            "site_url": base_url.rstrip("/"),
        }
        if existing is not None:  # cancelled before, coming after all: at the end of the queue
            for field, value in fields.items():
                setattr(existing, field, value)
            existing.created_at = now
            existing.save()
            entry = existing
        else:
            try:
                with transaction.atomic():
                    entry = Rsvp.objects.create(edition=edition, **fields)
            except IntegrityError:  # the same address at this very moment: that one stands
                return Rsvp.objects.get(edition=edition, email__iexact=email)
        log(rsvp_settings, f"{entry.name}: RSVP, {entry.get_status_display().lower()}", entry)
        transaction.on_commit(lambda: mails.status_mail(entry), robust=True)
    return entry


def fill_seats(rsvp_settings, now=None):
    """Offer every freed seat to the waiting list, next first; call with the seats' lock held. Returns the offers."""
    if not rsvp_settings.waiting_list:
        return []
    now = now or timezone.now()
    expires_at = offer_expiry(rsvp_settings, now)
    if expires_at <= now:
        # The evening is over: an offer would have lapsed before anybody read it, and its
        # lapse would offer the seat to the next person, down the whole waiting list.
        return []
    free = free_seats(rsvp_settings)
    offers = []
    for waiting in Rsvp.objects.filter(edition_id=rsvp_settings.edition_id).waiting_in_order():
        if waiting.seats > free:
            break  # the next person needs two seats: nobody behind them jumps the queue
        waiting.status, waiting.offer_expires_at = Rsvp.Status.OFFERED, expires_at
        waiting.save(update_fields=["status", "offer_expires_at", "updated_at"])
        log(rsvp_settings, f"{waiting.name}: offered a seat until {waiting.offer_expires_at:%Y-%m-%d %H:%M}", waiting)
        offers.append(waiting)
        free -= waiting.seats
    for offer in offers:
        transaction.on_commit(lambda offer=offer: mails.offer(offer), robust=True)
        transaction.on_commit(lambda offer=offer: _schedule_lapse(offer), robust=True)
    return offers


def _schedule_lapse(offer):
    from .tasks import lapse_offers_task

    task = lapse_offers_task
    if task.get_backend().supports_defer:
        task = task.using(run_after=offer.offer_expires_at + datetime.timedelta(seconds=1))
        task.enqueue(offer.edition_id)


def cancel(entry, by=None):
    """The person (or an organizer) cancels: the seat or the place in the queue goes to the next one."""
    with seats_lock(entry.edition_id) as rsvp_settings:
        entry = Rsvp.objects.get(pk=entry.pk)
        if entry.status == Rsvp.Status.CANCELLED:
            return entry
        was = entry.get_status_display().lower()
        entry.status, entry.cancelled_at, entry.offer_expires_at = Rsvp.Status.CANCELLED, timezone.now(), None
        entry.save(update_fields=["status", "cancelled_at", "offer_expires_at", "updated_at"])
        log(rsvp_settings, f"{entry.name}: cancelled (was {was})", entry, by)
        fill_seats(rsvp_settings)
    return entry


def accept(entry):
    """Take the offered seat; refused once the offer lapsed."""
    now = timezone.now()
    with seats_lock(entry.edition_id) as rsvp_settings:
        entry = Rsvp.objects.get(pk=entry.pk)
        if entry.status == Rsvp.Status.GOING:
            return entry
        if not entry.offer_is_open(now):
            raise RsvpRefused("This offer has lapsed: the seat went to the next person on the waiting list.")
        entry.status, entry.offer_expires_at = Rsvp.Status.GOING, None
        entry.save(update_fields=["status", "offer_expires_at", "updated_at"])
        log(rsvp_settings, f"{entry.name}: accepted the offer, going", entry)
        transaction.on_commit(lambda: mails.status_mail(entry), robust=True)
    return entry


def lapse_offers(edition_id, now=None):
    """End the offers whose time is up (they leave the list), and offer the free seats to the next people."""
    now = now or timezone.now()
    with seats_lock(edition_id) as rsvp_settings:
        lapsed = list(Rsvp.objects.filter(edition_id=edition_id, status=Rsvp.Status.OFFERED, offer_expires_at__lte=now))
        for entry in lapsed:
            entry.status, entry.cancelled_at, entry.offer_expires_at = Rsvp.Status.CANCELLED, now, None
            entry.save(update_fields=["status", "cancelled_at", "offer_expires_at", "updated_at"])
            log(rsvp_settings, f"{entry.name}: the offer lapsed", entry)
            transaction.on_commit(lambda entry=entry: mails.lapsed(entry), robust=True)
        # Every free seat, not only the lapsed ones: seats freed while the lock was busy come here too.
        fill_seats(rsvp_settings, now)
    return lapsed


def seat_summary(rsvp_settings):
    """{"capacity", "taken", "left", "waiting"}: what the edition page and the form show."""
    taken = Rsvp.objects.filter(edition_id=rsvp_settings.edition_id).holding_seats().seats()
    waiting = Rsvp.objects.filter(edition_id=rsvp_settings.edition_id, status=Rsvp.Status.WAITING).count()
    left = max(0, rsvp_settings.capacity - taken) if not waiting else 0
    return {"capacity": rsvp_settings.capacity, "taken": taken, "left": left, "waiting": waiting}


def waiting_position(entry):
    """1 for the next person on the waiting list; None when not waiting."""
    if entry.status != Rsvp.Status.WAITING:
        return None
    queue = Rsvp.objects.filter(edition_id=entry.edition_id).waiting_in_order().values_list("pk", flat=True)
    return list(queue).index(entry.pk) + 1


def change_answers(entry, answers):
    Rsvp.objects.filter(pk=entry.pk).update(answers=list(answers), updated_at=timezone.now())


def add_person(entry, by):
    """An organizer adds someone (a speaker, the host's staff): an unsaved Rsvp, outside the capacity or within it.

    Within the capacity and with no seat free (the form showed one, another RSVP took it since),
    the person joins the waiting list instead. Saves and returns the RSVP.
    """
    with seats_lock(entry.edition_id) as rsvp_settings:
        fits = entry.outside_capacity or free_seats(rsvp_settings) >= entry.seats
        entry.status = Rsvp.Status.GOING if fits else Rsvp.Status.WAITING
        entry.consent_text = entry.consent_text or "Added by an organizer."
        entry.save()
        where = "outside the capacity" if entry.outside_capacity else ("within the capacity" if fits else "waiting")
        log(rsvp_settings, f"{entry.name}: added by an organizer, {where}", entry, by)
        transaction.on_commit(lambda: mails.status_mail(entry), robust=True)
    return entry


def move_to_going(entry, by, outside_capacity=False):
    """An organizer moves someone from the waiting list (or an open offer) to going; refused without a free seat."""
    with seats_lock(entry.edition_id) as rsvp_settings:
        entry = Rsvp.objects.get(pk=entry.pk)
        if entry.status not in (Rsvp.Status.WAITING, Rsvp.Status.OFFERED):
            raise RsvpRefused(f"{entry.name} is not waiting.")
        own = entry.seats if entry.status == Rsvp.Status.OFFERED and not entry.outside_capacity else 0
        if not outside_capacity and free_seats(rsvp_settings) + own < entry.seats:
            raise RsvpRefused("No seat is free: raise the capacity, or move them outside the capacity.")
        entry.status, entry.offer_expires_at = Rsvp.Status.GOING, None
        entry.outside_capacity = entry.outside_capacity or outside_capacity
        entry.save(update_fields=["status", "offer_expires_at", "outside_capacity", "updated_at"])
        where = " (outside the capacity)" if outside_capacity else ""
        log(rsvp_settings, f"{entry.name}: moved to going by an organizer{where}", entry, by)
        transaction.on_commit(lambda: mails.status_mail(entry), robust=True)
    return entry


def capacity_changed(edition_id, by=None):
    """After an organizer changed the settings: more seats go to the waiting list; fewer than taken is refused."""
    with seats_lock(edition_id) as rsvp_settings:
        if free_seats(rsvp_settings) < 0:  # the admin checks under the same lock: never the case from there
            raise RsvpRefused("More seats are taken than this capacity: cancel RSVPs first, or keep the capacity.")
        log(rsvp_settings, f"Settings saved: capacity {rsvp_settings.capacity}", by=by)
        transaction.on_commit(lambda: schedule_reminders(rsvp_settings), robust=True)
        return fill_seats(rsvp_settings)


def purge_past(today=None):
    """Delete the RSVPs and their log of editions that ended RSVP_KEEP_DAYS ago, keeping the counts; returns how many.

    The edition's RSVP settings keep {"going": seats, "waiting": people, "cancelled": people}.
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.RSVP_KEEP_DAYS)
    deleted = 0
    ended = models.Q(edition__end_date__isnull=True, edition__start_date__lt=cutoff)
    past = RsvpSettings.objects.filter(ended | models.Q(edition__end_date__lt=cutoff))
    for rsvp_settings in past.filter(edition__rsvps__isnull=False).distinct():
        with transaction.atomic():
            record_attendance(rsvp_settings.edition_id)
            rsvps = Rsvp.objects.filter(edition_id=rsvp_settings.edition_id)
            rsvp_settings.final_counts = {
                **counts(rsvp_settings.edition_id),
                "cancelled": rsvps.filter(status=Rsvp.Status.CANCELLED).count(),
            }
            rsvp_settings.save(update_fields=["final_counts"])
            RsvpChange.objects.filter(edition_id=rsvp_settings.edition_id).delete()
            deleted += rsvps.delete()[0]
    return deleted


def erase_person(email):
    """Erase someone's RSVPs everywhere (a data-subject request): the rows, their log lines, their came-or-not records.

    The check-ins stay as anonymous rows (they count the room). Returns how many RSVPs went.
    """
    from members.models import address_hash

    rsvps = Rsvp.objects.filter(email__iexact=email.strip())
    RsvpChange.objects.filter(rsvp__in=rsvps).delete()
    AttendanceRecord.objects.filter(email_hash=address_hash(email)).delete()
    return delete_rsvps(rsvps)


def delete_rsvps(rsvps, by=None):
    """Delete RSVPs (the admin's delete, an erasure); the seats they held go to the waiting list. Returns how many went.

    Each edition's rows go under its seats' lock, and the waiting list is offered the freed seats
    at once. When the lock is busy (an RSVP rush), the rows go all the same, since a deletion only
    frees seats, and the worker offers them (lapse_offers, which fills every free seat).
    """
    from .tasks import lapse_offers_task

    deleted = 0
    for edition_id in sorted(set(rsvps.values_list("edition_id", flat=True))):
        of_edition = Rsvp.objects.filter(pk__in=list(rsvps.filter(edition_id=edition_id).values_list("pk", flat=True)))
        try:
            with seats_lock(edition_id) as rsvp_settings:
                count = of_edition.delete()[1].get("rsvps.Rsvp", 0)
                log(rsvp_settings, f"{count} RSVP(s) deleted", by=by)
                fill_seats(rsvp_settings)
        except RsvpBusy:
            with transaction.atomic():
                count = of_edition.delete()[1].get("rsvps.Rsvp", 0)
                transaction.on_commit(lambda edition_id=edition_id: lapse_offers_task.enqueue(edition_id), robust=True)
        deleted += count
    return deleted
