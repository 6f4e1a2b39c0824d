"""Quiet spam guards for the public forms (raffle entries, proposals).

Two guards, neither of which bothers a person: a honeypot field that people
never see (hidden by CSS, skipped by keyboard and screen readers) but form-
filling bots do fill in, and a signed timestamp of when the form was shown,
because nobody types a real answer in under a few seconds. A view that finds
a guard tripped answers as if all went well and stores nothing, so a bot
learns nothing. Rate limits per IP are the third guard, in the views.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing

RENDERED_AT_SALT = "vdlm.form-rendered-at"
HONEYPOT_FIELD = "website"


def rendered_at_token(at=None):
    """A signed timestamp of when the form was shown (tests pass an earlier `at`)."""
    return signing.Signer(salt=RENDERED_AT_SALT).sign(str(int(at if at is not None else time.time())))


def seconds_since_rendered(token):
    """Seconds since the form was shown, or None for a missing or forged token."""
    try:
        rendered_at = int(signing.Signer(salt=RENDERED_AT_SALT).unsign(token or ""))
    except (signing.BadSignature, ValueError):
        return None
    return time.time() - rendered_at


class SpamGuardMixin(forms.Form):
    """Adds the honeypot and the render timestamp to a form; see looks_automated()."""

    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    rendered_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["rendered_at"] = rendered_at_token()

    def looks_automated(self):
        """True when a guard tripped: the honeypot is filled or the form came back too fast."""
        if self.data.get(HONEYPOT_FIELD):
            return True
        elapsed = seconds_since_rendered(self.data.get("rendered_at"))
        return elapsed is None or elapsed < settings.SPAM_MIN_FILL_SECONDS
