"""Quiet spam guards for the public forms (raffle entries, proposals).

Two guards, neither of which bothers a person: a honeypot field that people
never see (hidden by CSS, skipped by keyboard and screen readers) but form-
filling bots do fill in, and a signed timestamp of when the form was shown,
because nobody types a real answer in under a few seconds. A view that finds
a guard tripped answers as if all went well and stores nothing, so a bot
learns nothing. The timestamp also expires (SPAM_FORM_MAX_AGE): a person who
left the form open too long is told so and gets a fresh one with what they
typed, and a script that replays one signed timestamp more often than a person
would resend a form (SPAM_FORM_MAX_USES) trips the guard. Rate limits are the
third guard, in the views.
"""

import hashlib
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import caches

RENDERED_AT_SALT = "vdlm.form-rendered-at"
HONEYPOT_FIELD = "website"


def rendered_at_token(at=None):
    """A signed timestamp of when the form was shown (tests pass an earlier `at`).

    With a random part: everybody in the room opens the raffle within the same few
    seconds, and each must get a token of their own, or the replay guard would
    count their entries as one form sent again and again.
    """
    rendered_at = int(at if at is not None else time.time())
    return signing.Signer(salt=RENDERED_AT_SALT).sign(f"{rendered_at}.{secrets.token_hex(8)}")


def seconds_since_rendered(token):
    """Seconds since the form was shown, or None for a missing or forged token."""
    try:
        rendered_at = int(signing.Signer(salt=RENDERED_AT_SALT).unsign(token or "").partition(".")[0])
    except (signing.BadSignature, ValueError):
        return None
    return time.time() - rendered_at


def count_token_use(token):
    """How often this signed timestamp has been sent, this time included (shared by all workers).

    Counted in the rate limits' cache, which increments atomically (Redis, or
    vdlm.cache.AtomicDatabaseCache), for as long as the token is valid.
    """
    cache = caches[settings.RATELIMIT_USE_CACHE]
    key = "spam-token:" + hashlib.sha256(token.encode()).hexdigest()
    cache.add(key, 0, timeout=settings.SPAM_FORM_MAX_AGE + 60)
    try:
        return cache.incr(key)
    except ValueError:
        # It expired between add() and incr(): the token is past its age anyway.
        return 1


class SpamGuardMixin(forms.Form):
    """Adds the honeypot and the render timestamp to a form; see looks_automated()."""

    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    rendered_at = forms.CharField(required=False, widget=forms.HiddenInput)

    expired_message = (
        "This form was opened more than %(hours)s hours ago. What you typed is still here: "
        "please check it and send it again."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_expired = False
        if not self.is_bound:
            self.initial["rendered_at"] = rendered_at_token()
            return
        elapsed = seconds_since_rendered(self.data.get("rendered_at"))
        if elapsed is not None and elapsed > settings.SPAM_FORM_MAX_AGE:
            # The form shown again carries a fresh timestamp, so that sending it again works.
            self.form_expired = True
            self.data = self.data.copy()
            self.data["rendered_at"] = rendered_at_token()

    def clean(self):
        cleaned_data = super().clean()
        if self.form_expired:
            raise forms.ValidationError(
                self.expired_message, code="form_expired", params={"hours": settings.SPAM_FORM_MAX_AGE // 3600}
            )
        return cleaned_data

    def looks_automated(self):
        """True when a guard tripped: the honeypot is filled, the form came back too fast, or is replayed.

        Call it once per submission that would be stored: each call counts a use of the token.
        """
        if self.data.get(HONEYPOT_FIELD):
            return True
        token = self.data.get("rendered_at")
        elapsed = seconds_since_rendered(token)
        if elapsed is None or elapsed < settings.SPAM_MIN_FILL_SECONDS:
            return True
        return bool(settings.SPAM_FORM_MAX_USES) and count_token_use(token) > settings.SPAM_FORM_MAX_USES
