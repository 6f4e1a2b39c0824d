"""The raffle entry form, with its two quiet spam guards."""

import time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.conf import settings
from django.core import signing

RENDERED_AT_SALT = "raffles.entry-form-rendered-at"


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


class RaffleEntryForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send you a link to confirm it. Only confirmed entries take part in the draw.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label="Name (optional)",
        max_length=200,
        required=False,
        help_text="Shown instead of your masked address if you win.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    answer = forms.CharField(label="Your answer", max_length=500)
    consent = forms.BooleanField(
        label="I agree that my email address, name and answer are stored to run this raffle, "
        "until the draw (the winner's until the prize is claimed).",
        required=True,
        error_messages={"required": "Please agree to the storage of your entry: without it we cannot run the draw."},
    )
    news_opt_in = forms.BooleanField(
        label="Also send me news about upcoming meetups (optional, unsubscribe any time).", required=False
    )
    # Spam guards. People never see the first field (hidden by CSS, skipped by
    # keyboard and screen readers); bots fill it in. The second tells how long
    # the form was open: nobody types an answer in under a few seconds.
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
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.layout = Layout(
            "email",
            "name",
            "answer",
            "consent",
            "news_opt_in",
            Field("website", wrapper_class="form-trap", aria_hidden="true"),
            "rendered_at",
            Submit("submit", "Enter the raffle"),
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_answer(self):
        answer = self.cleaned_data["answer"].strip()
        if not answer:
            raise forms.ValidationError("Please give an answer.")
        return answer

    def looks_automated(self):
        """True when a spam guard tripped; call after is_valid()."""
        if self.data.get("website"):
            return True
        elapsed = seconds_since_rendered(self.data.get("rendered_at"))
        return elapsed is None or elapsed < settings.RAFFLE_MIN_FILL_SECONDS
