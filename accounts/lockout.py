"""The second lock on the admin login: per user name, across every address.

django-axes locks a user name *from one address* after AXES_FAILURE_LIMIT failures (5). Someone
guessing from many addresses gets 5 tries from each; so a name that has failed
LOGIN_NAME_FAILURE_LIMIT times (20) within LOGIN_NAME_LOCKOUT (1 hour) is refused from every
address, the right password included, until an hour has passed since the last failure; the
account's owner gets a mail the moment it locks. The failures are axes' own records
(AccessAttempt: one row per name, address and browser, with its count of failures).
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone
from django.utils.timesince import timeuntil


def _limit():
    return settings.LOGIN_NAME_FAILURE_LIMIT


def _window():
    return settings.LOGIN_NAME_LOCKOUT


def failures_of(username, now=None):
    """Failed sign-ins with this user name within the window, from all addresses together."""
    since = (now or timezone.now()) - _window()
    rows = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    return rows.aggregate(total=Sum("failures_since_start"))["total"] or 0


def is_locked(username, now=None):
    return bool(username) and failures_of(username, now) >= _limit()


def lock_message(username):
    """What the login page says while the name is locked (the same for names that do not exist)."""
    last = AccessAttempt.objects.filter(username=username).order_by("-attempt_time").first()
    now = timezone.now()
    wait = timeuntil(last.attempt_time + _window(), now) if last else timeuntil(now + _window(), now)
    return (
        f"This user name is locked for {wait}: it failed to sign in {_limit()} times within "
        f"{timeuntil(now + _window(), now)}, from several addresses. Its owner has been told by mail. "
        "Ask another organizer if you need in sooner."
    )


class NameLockoutBackend:
    """Refuses every sign-in of a locked user name, before any password is checked.

    It has no get_user(): it never signs anybody in, so sessions are never its to answer
    (as django-axes' backend before it).
    """

    def authenticate(self, request, username=None, **kwargs):
        if is_locked(username):
            raise PermissionDenied  # Django stops here and records a failed sign-in
        return None  # noqa: RET501 - a backend that does not know the user answers None


def tell_the_owner(sender, credentials, request=None, **kwargs):
    """user_login_failed: when this failure locks the name, mail the account's owner (once)."""
    from outbox.services import queue_mail

    username = (credentials or {}).get("username") or ""
    if not username or failures_of(username) != _limit():
        return
    user = get_user_model().objects.filter(username=username, is_active=True).exclude(email="").first()
    if user is None:
        return
    now = timezone.localtime()
    queue_mail(
        "admin lockout",
        [user.email],
        "Your admin sign-in is locked for an hour",
        f"Hello {user.get_short_name() or user.username},\n\n"
        f"Someone failed to sign in as “{username}” {_limit()} times within the last "
        f"{timeuntil(now + _window(), now)}, from more than one address. We have locked the name for "
        f"an hour after the last failed try (now: {now:%d %B %Y, %H:%M}); nobody can sign in as you "
        "until then, not even with the right password.\n\n"
        "If that was not you, someone is guessing your password: choose a long new one once you are "
        "back in, and tell the other organizers.\n",
        once_key=f"admin-lockout-{username}-{now:%Y%m%d%H%M}",
    )

