"""Self check-in from the projected slide: a code that changes every minute, so only the room can use it.

The deck's title slide shows a QR code of /meetups/<code>/here/<minute code>/, where the code is
an HMAC of the edition and the current minute; the code of this minute and of the one before
work, an older one does not. A phone that opened its RSVP link (a signed cookie remembers it)
checks in with one tap; any other phone gives the address and confirms from the mail.
"""

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.utils import timezone

COOKIE_SALT = "vdlm.rsvps.this-phone"
MAIL_LINK_SALT = "vdlm.rsvps.self-check-in"
MAIL_LINK_MAX_AGE = 30 * 60


def minute_code(edition_id, now=None):
    minute = int((now or timezone.now()).timestamp() // 60)
    return _code(edition_id, minute)


def _code(edition_id, minute):
    message = f"vdlm.rsvps.here:{edition_id}:{minute}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:12]


def code_is_current(edition_id, code, now=None):
    """True for the code of this minute or of the minute before (a scan just as it changes)."""
    minute = int((now or timezone.now()).timestamp() // 60)
    # As bytes: compare_digest() refuses a str with characters outside ASCII (a mistyped code).
    typed = code.encode()
    return any(hmac.compare_digest(typed, _code(edition_id, m).encode()) for m in (minute, minute - 1))


def cookie_name(edition_id):
    return f"vdlm_rsvp_{edition_id}"


def mail_link_token(rsvp):
    return signing.TimestampSigner(salt=MAIL_LINK_SALT).sign(str(rsvp.pk))


def rsvp_id_of_mail_link(token):
    try:
        value = signing.TimestampSigner(salt=MAIL_LINK_SALT).unsign(token, max_age=MAIL_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return int(value) if value.isdecimal() else None
