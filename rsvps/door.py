"""The door: the host's guest list (a signed link, names only) and check-in by name or by the attendee's QR code.

Every scan or tap is a CheckIn row, whatever its result; checking in twice is one check-in
(the second says "already checked in"), and an undo is recorded too.
"""

import datetime
import secrets

from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from .models import CheckIn, Rsvp, RsvpSettings
from .times import event_end

GUEST_LIST_SALT = "vdlm.rsvps.guest-list"
DOOR_CODE_SALT = "vdlm.rsvps.door-code"


# --- The host's guest list -----------------------------------------------------------------------


def new_guest_list_link(rsvp_settings):
    """A new key for the guest list link (any earlier link stops working); returns the token."""
    rsvp_settings.guest_list_key = secrets.token_urlsafe(16)[:22]
    rsvp_settings.save(update_fields=["guest_list_key", "updated_at"])
    return guest_list_token(rsvp_settings)


def revoke_guest_list_link(rsvp_settings):
    rsvp_settings.guest_list_key = ""
    rsvp_settings.save(update_fields=["guest_list_key", "updated_at"])


def guest_list_token(rsvp_settings):
    if not rsvp_settings.guest_list_key:
        return ""
    return signing.Signer(salt=GUEST_LIST_SALT).sign(f"{rsvp_settings.edition_id}:{rsvp_settings.guest_list_key}")


def guest_list_expires(rsvp_settings):
    """The link works until the end of the day after the event."""
    end = event_end(rsvp_settings.edition)
    return timezone.localtime(end).replace(hour=23, minute=59, second=59) + datetime.timedelta(days=1)


def settings_of_guest_list(token, now=None):
    """The RsvpSettings a guest list link opens, or None (forged, revoked, replaced or expired)."""
    try:
        value = signing.Signer(salt=GUEST_LIST_SALT).unsign(token)
    except signing.BadSignature:
        return None
    edition_id, _, key = value.partition(":")
    if not edition_id.isdecimal() or not key:
        return None
    rsvp_settings = (
        RsvpSettings.objects.select_related("edition", "edition__venue")
        .filter(edition_id=int(edition_id), guest_list_key=key)
        .first()
    )
    if rsvp_settings is None or (now or timezone.now()) > guest_list_expires(rsvp_settings):
        return None
    return rsvp_settings


def guest_list(rsvp_settings):
    """[(name, id name, guest's name)] of everyone going, alphabetical: names only, no addresses."""
    going = Rsvp.objects.filter(edition_id=rsvp_settings.edition_id, status=Rsvp.Status.GOING)
    return list(going.order_by(Lower("name"), "pk").values_list("name", "id_name", "guest_name"))


def last_change(rsvp_settings):
    """When the list last changed: the latest RSVP change of the edition (or None)."""
    row = Rsvp.objects.filter(edition_id=rsvp_settings.edition_id).order_by("-updated_at").first()
    return row.updated_at if row else None


# --- Check-in ------------------------------------------------------------------------------------


def door_code(rsvp):
    """What the attendee's QR code holds: a signed token of the RSVP, not the address."""
    return signing.Signer(salt=DOOR_CODE_SALT).sign(f"vdlm-door:{rsvp.pk}")


def rsvp_of_door_code(code, edition_id):
    try:
        value = signing.Signer(salt=DOOR_CODE_SALT).unsign(code.strip())
    except signing.BadSignature:
        return None
    prefix, _, pk = value.partition(":")
    if prefix != "vdlm-door" or not pk.isdecimal():
        return None
    return Rsvp.objects.filter(pk=int(pk), edition_id=edition_id).first()


def check_in(edition_id, rsvp, *, method, by=None, guest=False):
    """Check someone (or their guest) in; returns the CheckIn, whose result says what happened."""
    with transaction.atomic():
        entry = Rsvp.objects.select_for_update().filter(pk=rsvp.pk, edition_id=edition_id).first() if rsvp else None
        field = "guest_checked_in_at" if guest else "checked_in_at"
        if entry is None or (guest and not entry.guest):
            result = CheckIn.Result.NOT_ON_LIST
        elif entry.status == Rsvp.Status.CANCELLED:
            result = CheckIn.Result.CANCELLED
        elif entry.status != Rsvp.Status.GOING:
            result = CheckIn.Result.WAITING
        elif getattr(entry, field):
            result = CheckIn.Result.ALREADY
        else:
            setattr(entry, field, timezone.now())
            entry.save(update_fields=[field, "updated_at"])
            result = CheckIn.Result.CHECKED_IN
        return CheckIn.objects.create(
            edition_id=edition_id, rsvp=entry, guest=guest, method=method, result=result, by=by
        )


def undo_check_in(edition_id, rsvp, *, by=None, guest=False):
    with transaction.atomic():
        entry = Rsvp.objects.select_for_update().get(pk=rsvp.pk, edition_id=edition_id)
        field = "guest_checked_in_at" if guest else "checked_in_at"
        setattr(entry, field, None)
        entry.save(update_fields=[field, "updated_at"])
        return CheckIn.objects.create(
            edition_id=edition_id,
            rsvp=entry,
            guest=guest,
            method=CheckIn.Method.DESK,
            result=CheckIn.Result.UNDONE,
            by=by,
        )


def door_figures(edition_id):
    """RSVPs, going, waiting, checked in and no-shows (seats, guests included) of an edition: one query."""
    going = Q(status=Rsvp.Status.GOING)
    counts = Rsvp.objects.filter(edition_id=edition_id).aggregate(
        rsvps=Count("pk"),
        going=Count("pk", filter=going),
        guests=Count("pk", filter=going & Q(guest=True)),
        waiting=Count("pk", filter=Q(status=Rsvp.Status.WAITING)),
        people_in=Count("pk", filter=going & Q(checked_in_at__isnull=False)),
        guests_in=Count("pk", filter=going & Q(guest=True, guest_checked_in_at__isnull=False)),
    )
    going_seats = counts["going"] + counts["guests"]
    checked_in = counts["people_in"] + counts["guests_in"]
    return {
        "rsvps": counts["rsvps"],
        "going": going_seats,
        "waiting": counts["waiting"],
        "checked_in": checked_in,
        "no_shows": going_seats - checked_in,
    }


def door_is_open_to(user, edition, today=None):
    """Who may open an edition's check-in page: those who manage RSVPs, any time; the Door role
    (check_in alone), only around the evening itself, from the day before to the day after."""
    if user.has_perm("rsvps.manage_rsvps"):
        return True
    if not user.has_perm("rsvps.check_in"):
        return False
    today = today or timezone.localdate()
    last_day = edition.end_date or edition.start_date
    return edition.start_date - datetime.timedelta(days=1) <= today <= last_day + datetime.timedelta(days=1)
