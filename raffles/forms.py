"""The raffle entry form, with the site's quiet spam guards (vdlm/spam.py)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils.functional import cached_property

from vdlm.spam import SpamGuardMixin
from vdlm.validators import validate_single_line


class RaffleEntryForm(SpamGuardMixin, forms.Form):
    # A plain form, not a ModelForm: the model fields' single-line validator is named again on
    # each text field, so that a line break sent by hand is a message beside the field.
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send you a link to confirm it. Only confirmed entries take part in the draw.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        validators=[validate_single_line],
    )
    name = forms.CharField(
        label="Name (optional)",
        max_length=200,
        required=False,
        help_text="Shown instead of your masked address if you win.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[validate_single_line],
    )
    answer = forms.CharField(label="Your answer", max_length=500, validators=[validate_single_line])
    consent = forms.BooleanField(
        label="I agree that my email address, name and answer are stored to run this raffle, "
        "until the draw (the winner's until the prize is claimed).",
        required=True,
        error_messages={"required": "Please agree to the storage of your entry: without it we cannot run the draw."},
    )
    news_opt_in = forms.BooleanField(
        label="Also send me news about upcoming meetups (optional, unsubscribe any time).", required=False
    )

    @cached_property
    def helper(self):
        """The crispy-forms layout, built only when the form is shown: most posted forms never are."""
        helper = FormHelper()
        helper.form_method = "post"
        helper.layout = Layout(
            "email",
            "name",
            "answer",
            "consent",
            "news_opt_in",
            Field("website", wrapper_class="form-trap", aria_hidden="true"),
            "rendered_at",
            Submit("submit", "Enter the raffle"),
        )
        return helper

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_answer(self):
        answer = self.cleaned_data["answer"].strip()
        if not answer:
            raise forms.ValidationError("Please give an answer.")
        return answer
