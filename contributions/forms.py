"""The proposal form (public, with the site's quiet spam guards), its edit
variant behind the private link, and the organizers' decision forms."""

import re

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetups.models import AgendaItem, Edition
from vdlm.spam import SpamGuardMixin

from .models import Proposal

KIND_CHOICES = [
    (Proposal.Kind.TALK, "Talk – about 30 minutes plus questions: your research, a project, a method, lessons learned"),
    (Proposal.Kind.HOT_TOPICS, "Hot Topics – a short block (5–10 minutes) on recent papers or news you find exciting"),
    (Proposal.Kind.CONFERENCE_REPORT, "Conference report – 10–15 minutes on what you saw at a conference"),
    (Proposal.Kind.LIGHTNING, "Lightning talk – 5 minutes, one idea, a few slides"),
]
CONTENT_FIELDS = [
    "kind",
    "title",
    "abstract",
    "name",
    "email",
    "affiliation",
    "bio",
    "links",
    "preferred_editions",
    "any_edition",
]
PREVIEW_HTML = HTML('{% include "contributions/includes/abstract_preview.html" %}')


# A positive 64-bit integer, in ASCII digits.
_DATABASE_ID = re.compile(r"[1-9][0-9]{0,17}")


def edition_label(edition):
    when = edition.start_date.strftime("%-d %B %Y")
    topic = f": {edition.topic}" if edition.topic else ""
    return f"{edition.display_title}, {when}{topic}"


class EditionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return edition_label(obj)

    def clean(self, value):
        # An id no database column can hold is no choice: SQLite would raise OverflowError
        # (a server error) on the query instead of finding nothing (found by the fuzz test).
        if isinstance(value, list | tuple):
            for pk in value:
                if pk not in self.empty_values and not _DATABASE_ID.fullmatch(str(pk)):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super().clean(value)


def _normalise_link(line):
    # Most people paste "github.com/ada"; the project reads a URL without a scheme as https.
    if "://" not in line and "." in line.split("/")[0] and " " not in line:
        return "https://" + line
    return line


class ProposalFieldsForm(forms.ModelForm):
    """What the proposer writes, shared by the public form and the edit page."""

    preferred_editions = EditionChoiceField(
        queryset=Edition.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Meetups that would suit you",
        help_text="Only announced meetups are listed.",
    )

    class Meta:
        model = Proposal
        fields = CONTENT_FIELDS
        labels = {
            "kind": "What would you like to contribute?",
            "abstract": "Abstract",
            "name": "Your name",
            "email": "Email address",
            "affiliation": "Affiliation (optional)",
            "bio": "Short bio (optional)",
            "links": "Links (optional)",
            "any_edition": "Any upcoming meetup is fine",
        }
        help_texts = {
            "title": "As it would appear on the agenda.",
            "abstract": "What is it about, and what will people take home? Markdown works: **bold**, _italic_, "
            "lists, [links](https://example.org). Press “Preview” to see how it will look.",
            "email": "We send you a private link to see, edit or withdraw your proposal. Never shown on the site.",
            "affiliation": "Company, university or “independent”; shown with your talk.",
            "bio": "Two or three sentences about you, shown on your speaker page if we accept. Markdown works.",
            "links": "One per line: your website, GitHub, LinkedIn, Google Scholar, a paper or a repository.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "abstract": forms.Textarea(attrs={"rows": 8}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "affiliation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "bio": forms.Textarea(attrs={"rows": 3}),
            "links": forms.Textarea(attrs={"rows": 3, "autocomplete": "url"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = KIND_CHOICES
        offered = Edition.objects.published().upcoming().filter(cancelled=False)
        self.fields["preferred_editions"].queryset = offered
        if not offered.exists():
            # Nothing announced yet: only "any upcoming meetup" is left to tick.
            self.fields["preferred_editions"].widget = forms.MultipleHiddenInput()
        self.fields["abstract"].error_messages["required"] = "Please describe your contribution in a few sentences."
        self.fields["title"].error_messages["required"] = "Please give your contribution a title."
        self.fields["name"].error_messages["required"] = "Please tell us your name."
        self.fields["email"].error_messages["required"] = "We need your email address to answer you."

    def _one_line(self, name):
        # Pasted titles and names often carry line breaks or double spaces; they are one line on the agenda.
        return " ".join(self.cleaned_data[name].split())

    def clean_title(self):
        return self._one_line("title")

    def clean_name(self):
        return self._one_line("name")

    def clean_affiliation(self):
        return self._one_line("affiliation")

    def clean_links(self):
        # The model's validator then checks the links as they will be stored, https:// added.
        lines = [_normalise_link(line.strip()) for line in self.cleaned_data["links"].splitlines() if line.strip()]
        return "\n".join(lines)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("any_edition") and not cleaned.get("preferred_editions"):
            self.add_error(
                "any_edition",
                "Choose the meetups that suit you, or tick “Any upcoming meetup is fine”.",
            )
        return cleaned

    def preview_copy(self):
        """An unbound copy showing exactly what was typed, without error messages.

        The Preview button must not scold someone for fields they have not
        filled in yet, and the render timestamp must survive the round trip, or
        the spam guard would take a quick "Send" after a preview for a bot.
        """
        typed = {
            name: field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            for name, field in self.fields.items()
        }
        return type(self)(initial=typed, instance=self.instance)

    def _layout(self, *tail):
        return Layout(
            Field("kind"),
            "title",
            "abstract",
            StrictButton(
                "Preview",
                name="preview",
                value="1",
                type="submit",
                css_class="btn btn-outline-primary btn-sm mb-3",
                # Previewing a half-written proposal is the point: no browser checks for it.
                formnovalidate="",
            ),
            PREVIEW_HTML,
            Fieldset("About you", "name", "email", "affiliation", "bio", "links"),
            Fieldset("Which meetup", "preferred_editions", "any_edition"),
            *tail,
        )


class ProposalForm(SpamGuardMixin, ProposalFieldsForm):
    """The public call for contributions: no account, consent required and unticked."""

    consent = forms.BooleanField(
        required=True,
        error_messages={"required": "Please agree to us storing your proposal: without it we cannot review it."},
    )
    invitations = forms.BooleanField(
        label="Also send me the invitations to the meetups by email (optional: you get a link to confirm first, "
        "and every invitation has a link to leave the list).",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = (
            "I agree that the organizers store what I entered to review my proposal and to contact me about it. "
            "If it is accepted, my name, affiliation, bio, title and abstract appear on the website; if it is "
            f"declined or I withdraw it, it is deleted {settings.CONTRIBUTION_RETENTION_DAYS} days later."
        )
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "proposal-form"
        self.helper.attrs = {"data-preview-url": reverse("contributions:preview")}
        self.helper.layout = self._layout(
            "consent",
            "invitations",
            Field("website", wrapper_class="form-trap", aria_hidden="true"),
            "rendered_at",
            Submit("submit", "Send proposal", css_class="mt-2"),
        )

    def preview_copy(self):
        copy = super().preview_copy()
        copy.initial["rendered_at"] = self.data.get("rendered_at", "")
        return copy


class ProposalEditForm(ProposalFieldsForm):
    """The same fields behind the private link; consent was given when the proposal was sent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "proposal-form"
        self.helper.attrs = {"data-preview-url": reverse("contributions:preview")}
        self.helper.layout = self._layout(Submit("save", "Save changes", css_class="mt-2"))


class AcceptForm(forms.Form):
    """The organizers' choice on the "accept into an edition" page."""

    edition = forms.ModelChoiceField(
        queryset=Edition.objects.none(),
        help_text="Upcoming editions, drafts included; cancelled ones are left out.",
    )
    message = forms.CharField(
        label="Message to the proposer (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Included in the acceptance email, e.g. the time slot or what to bring.",
    )

    after = forms.ChoiceField(
        label="Place on the agenda",
        required=False,
        help_text="Where the talk's slot goes; several proposals follow each other there, oldest first.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["edition"]
        field.queryset = Edition.objects.upcoming().filter(cancelled=False)
        field.label_from_instance = lambda edition: edition_label(edition) + ("" if edition.published else " (draft)")
        # "after …" for every item of every edition on offer, grouped by edition: the value names both.
        items = AgendaItem.objects.filter(edition__in=field.queryset).select_related("edition")
        items = items.order_by("edition__start_date", "edition__pk", "position")
        groups = {}
        for item in items:
            when = f"{item.start_time:%H:%M} " if item.start_time else ""
            groups.setdefault(item.edition, []).append((f"{item.edition_id}:{item.pk}", f"after {when}{item.title}"))
        self.fields["after"].choices = [("", "Before the first break or networking")] + [
            (f"#{edition.code}", choices) for edition, choices in groups.items()
        ]

    def clean(self):
        cleaned_data = super().clean()
        edition, after = cleaned_data.get("edition"), cleaned_data.get("after")
        cleaned_data["after"] = None
        if edition is not None and after:
            edition_pk, _, item_pk = after.partition(":")
            if str(edition.pk) != edition_pk:
                self.add_error("after", f"That place is on another edition's agenda; choose one of #{edition.code}.")
            else:
                cleaned_data["after"] = AgendaItem.objects.filter(pk=item_pk, edition=edition).first()
                if cleaned_data["after"] is None:
                    self.add_error("after", "That agenda item is gone; choose the place again.")
        return cleaned_data


DEFAULT_DECLINE_MESSAGE = (
    "Thank you very much for your proposal! We received more proposals than we have slots, "
    "and we cannot fit yours into the coming meetups. We would be glad to hear from you again."
)


class DeclineForm(forms.Form):
    message = forms.CharField(
        label="Message to the proposer",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        initial=DEFAULT_DECLINE_MESSAGE,
        help_text="Sent by email and shown on the proposer's private page.",
        error_messages={"required": "Write a message for the proposer: they get it by email."},
    )
