from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from vdlm.spam import SpamGuardMixin
from vdlm.validators import validate_single_line

CONSENT_TEXT = (
    "The organizers keep my name, address and answers to run this meetup, and delete them {days} days after it. "
    "Whether I came, cancelled in time or did not show up is kept for a year as a scrambled (hashed) form of my "
    "address: it orders future waiting lists."
)


def consent_text(days):
    return CONSENT_TEXT.format(days=days)


class RsvpForm(SpamGuardMixin, forms.Form):
    """Say you come: the fields the edition's RSVP settings ask for, and a consent that is never ticked for you."""

    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Email address", max_length=254, help_text="Your personal link comes here.")

    def __init__(self, *args, rsvp_settings, keep_days, **kwargs):
        super().__init__(*args, **kwargs)
        self.rsvp_settings = rsvp_settings
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        layout = ["name", "email"]
        if rsvp_settings.id_name_required:
            self.fields["id_name"] = forms.CharField(
                label="Your name as on your ID", max_length=200, help_text="The host's front desk checks IDs."
            )
            layout.append("id_name")
        if rsvp_settings.guests_allowed:
            self.fields["guest"] = forms.BooleanField(label="I bring a guest (+1)", required=False)
            self.fields["guest_name"] = forms.CharField(
                label="Your guest's name" + (" as on their ID" if rsvp_settings.id_name_required else ""),
                max_length=200,
                required=False,
            )
            layout += ["guest", "guest_name"]
        for number, question in enumerate(rsvp_settings.questions, start=1):
            self.fields[f"answer_{number}"] = forms.CharField(label=question, max_length=500, required=False)
            layout.append(f"answer_{number}")
        self.fields["consent"] = forms.BooleanField(
            label=consent_text(keep_days),
            error_messages={"required": "Please tick the box: without it we cannot keep your RSVP."},
        )
        layout.append("consent")
        for field in self.fields.values():
            if isinstance(field, forms.CharField):  # every text a browser's <input> sends as one line
                field.validators.append(validate_single_line)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "rsvp-form"
        self.helper.layout = Layout(
            *layout,
            Field("website", wrapper_class="form-trap", aria_hidden="true"),
            "rendered_at",
            Submit("submit", "RSVP", css_class="mt-2"),
        )

    def clean(self):
        cleaned = super().clean()
        for field in ("name", "id_name", "guest_name"):
            if field in cleaned:
                cleaned[field] = " ".join(cleaned[field].split())
        if cleaned.get("guest") and not cleaned.get("guest_name"):
            self.add_error("guest_name", "Please give your guest's name: the front desk's list shows it.")
        return cleaned

    def answers(self):
        return [
            self.cleaned_data.get(f"answer_{n}", "").strip() for n in range(1, len(self.rsvp_settings.questions) + 1)
        ]


class AnswersForm(forms.Form):
    """Change your answers on your RSVP page."""

    def __init__(self, *args, rsvp, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = rsvp.edition.rsvp_settings.questions
        for number, question in enumerate(self.questions, start=1):
            initial = rsvp.answers[number - 1] if len(rsvp.answers) >= number else ""
            self.fields[f"answer_{number}"] = forms.CharField(
                label=question, max_length=500, required=False, initial=initial, validators=[validate_single_line]
            )

    def answers(self):
        return [self.cleaned_data.get(f"answer_{n}", "").strip() for n in range(1, len(self.questions) + 1)]


class SelfCheckInForm(forms.Form):
    """The address of an RSVP, typed on the self check-in page by a phone that did not open its RSVP link."""

    email = forms.EmailField(
        max_length=254,
        validators=[validate_single_line],
    )
