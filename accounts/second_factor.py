"""Two-factor sign-in with django-otp: an authenticator app (TOTP) and ten recovery codes.

Who must have it: every staff account that can see personal data or do something destructive,
which is every staff account but one that only checks people in at the door (the Door role).
The middleware in accounts/middleware.py sends such an account, once signed in with its
password, to enrol (no device yet) or to enter a code (a device), before any admin page; the
door page does the same, and drafts stay hidden from it (still_to_prove).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit
from audit.models import AuditEntry

RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator app"
RECOVERY = "recovery codes"
# The one permission that needs no second factor: the door volunteer's (names, no addresses).
WITHOUT_SECOND_FACTOR = {"rsvps.check_in"}


def required_for(user):
    """Whether this account must use a second factor (when SECOND_FACTOR_REQUIRED is on)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(user.get_all_permissions() - WITHOUT_SECOND_FACTOR)


def is_enrolled(user):
    return user_has_device(user, confirmed=True)


def still_to_prove(user):
    """Whether this signed-in account has a second factor to prove before it acts as staff.

    Required for most staff (required_for); a Door account that chose to set one up is asked
    for it too. Until then the admin sends it to the code page, and the site's other staff
    pages (the door, drafts) treat it as a visitor.
    """
    return (
        enforced()
        and user.is_authenticated
        # django-otp's OTPMiddleware gives request.user is_verified(); any other user has proved nothing.
        and not getattr(user, "is_verified", lambda: False)()
        and (required_for(user) or is_enrolled(user))
    )


def prove_first(request):
    """The redirect to enrol (no device yet) or to type a code, and back to this page after it."""
    target = "accounts:enrol" if not is_enrolled(request.user) else "accounts:verify"
    return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


THROTTLED = ("Too many wrong codes in a row: wait a few seconds (the wait doubles with every wrong code), "
             "then type the code the app shows.")
# django-otp makes a device wait 1 s after a wrong code, 2 s after two, …: past the first few, say so.
THROTTLE_WORTH_SAYING = 3


def throttled(devices):
    """Whether these devices all refuse codes for now after several wrong ones (django-otp's throttling)."""
    devices = list(devices)
    return bool(devices) and all(
        not device.verify_is_allowed()[0] and device.throttling_failure_count >= THROTTLE_WORTH_SAYING
        for device in devices
    )


def pending_authenticator(user):
    """The unconfirmed authenticator device of an enrolment under way (made on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


@transaction.atomic
def confirm_enrolment(user, device, token, request=None):
    """Confirm the authenticator with a first code from it; returns the recovery codes, or None
    when the code is wrong. Earlier devices of the account are replaced."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    codes = new_recovery_codes(user, request=None)
    audit.record(AuditEntry.Action.SECOND_FACTOR, f"{user.get_username()}: enrolled an authenticator app",
                 request=request, by=None if request else user, objects=[user])  # fmt: skip
    return codes


@transaction.atomic
def new_recovery_codes(user, request=None):
    """Ten fresh single-use codes (the old ones stop working); returns them, to be shown once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if request is not None:
        audit.record(AuditEntry.Action.SECOND_FACTOR, f"{user.get_username()}: new recovery codes",
                     request=request, objects=[user])  # fmt: skip
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset(user, request):
    """An Organizer's reset for a lost device: every device of the account goes; it enrols again
    at its next sign-in. Returns how many devices were removed."""
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    audit.record(AuditEntry.Action.SECOND_FACTOR, f"{user.get_username()}: second factor reset ({removed} devices)",
                 request=request, objects=[user])  # fmt: skip
    return removed


def enforced():
    return settings.SECOND_FACTOR_REQUIRED
