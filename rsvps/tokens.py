"""The personal link of an RSVP: signed, tied to the RSVP and its address, valid until the data is deleted."""

from django.core import signing

from members.models import address_hash

SALT = "vdlm.rsvps.personal"


def rsvp_token(rsvp):
    # The hash ties the link to the address: a link cannot be turned into another person's.
    return signing.Signer(salt=SALT).sign(f"{rsvp.pk}:{address_hash(rsvp.email)[:16]}")


def rsvp_of_token(token):
    """The RSVP of a personal link, or None for a forged, damaged or stale one."""
    from .models import Rsvp

    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    pk, _, digest = value.partition(":")
    if not pk.isdecimal():
        return None
    rsvp = Rsvp.objects.select_related("edition", "edition__venue").filter(pk=int(pk)).first()
    if rsvp is None or address_hash(rsvp.email)[:16] != digest:
        return None
    return rsvp
