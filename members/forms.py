from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from vdlm.spam import SpamGuardMixin
from vdlm.validators import validate_single_line

CONSENT_TEXT = (
    "Yes, send me the invitations to the meetups by email (about one a month). The organizers keep my "
    "address{name} for this until I unsubscribe, with one click in any of the mails. After that only a "
    "scrambled (hashed) form of the address is kept, so that nobody can add it back without asking me."
)


def consent_text(with_name=False):
    return CONSENT_TEXT.format(name=" and name" if with_name else "")


class SubscribeForm(SpamGuardMixin, forms.Form):
    """Get the invitations: an address, an optional name, and a consent that is never ticked for you."""

    email = forms.EmailField(label="Email address", max_length=254, validators=[validate_single_line])
    name = forms.CharField(label="Name (optional)", max_length=200, required=False, validators=[validate_single_line])
    consent = forms.BooleanField(
        label=consent_text(with_name=True),
        error_messages={"required": "Please tick the box: we send the invitations only to people who ask for them."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "subscribe-form"
        self.helper.layout = Layout(
            "email",
            "name",
            "consent",
            Field("website", wrapper_class="form-trap", aria_hidden="true"),
            "rendered_at",
            Submit("submit", "Get the invitations", css_class="mt-2"),
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())
