"""Talks with their speakers on the edition's admin page: one page to plan a meetup.

Each talk row of the edition's page carries its own small formset of speakers (person,
affiliation at the time, order), built with Django's inline formsets: the talk form
validates and saves it with the talk. A speaker who is new to the site is typed in place
(name, affiliation, photo) instead of being created in a pop-up first.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from vdlm.admin_ordering import OrderedInlineForm, OrderedInlineFormSet
from vdlm.admin_utils import CheckedAutocompleteSelect

from .models import Person, Talk, TalkSpeaker, unique_slug


class SpeakerRowForm(OrderedInlineForm):
    """One speaker of a talk: a person of the site, or a new one typed here."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.all(),
        required=False,
        widget=CheckedAutocompleteSelect(TalkSpeaker._meta.get_field("person"), admin.site),
    )
    new_name = forms.CharField(
        label="or a new speaker",
        max_length=Person._meta.get_field("name").max_length,
        required=False,
        validators=Person._meta.get_field("name").validators,
        help_text="Full name; added to the site's people.",
    )
    new_photo = Person._meta.get_field("photo").formfield(label="new speaker's photo", required=False)

    class Meta:
        model = TalkSpeaker
        fields = ["person", "affiliation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The row is a line of a table whose headings are not <label>s: name each input for screen readers.
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-label", self[name].label)

    def clean(self):
        cleaned = super().clean()
        person, new_name = cleaned.get("person"), cleaned.get("new_name", "").strip()
        if person and new_name:
            raise ValidationError("Choose a person or type a new speaker's name, not both.")
        if new_name:
            known = Person.objects.filter(name__iexact=new_name).first()
            if known:
                self.add_error("new_name", f"{known.name} is already on the site: choose them under “Person”.")
        elif not person and not self.errors:
            self.add_error("person", "Choose the speaker, or type a new speaker's name.")
        if cleaned.get("new_photo") and not new_name:
            self.add_error("new_photo", "A photo goes with a new speaker; a known person's photo is on their page.")
        return cleaned

    def save(self, commit=True):
        new_name = self.cleaned_data.get("new_name", "").strip()
        if new_name:
            affiliation = self.cleaned_data.get("affiliation", "")
            person = Person(name=new_name, slug=unique_slug(Person, new_name, "speaker"), affiliation=affiliation)
            person.photo = self.cleaned_data.get("new_photo")
            person.save()
            self.instance.person = person
        return super().save(commit)


class SpeakerFormSet(OrderedInlineFormSet):
    """The speakers of one talk row: one blank row to add a speaker (two for a talk without any)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # get_queryset() is read once and kept: asking it here costs no query of its own.
        self.extra = 1 if self.instance.pk is not None and self.get_queryset() else 2


SpeakersOfTalk = forms.inlineformset_factory(
    Talk, TalkSpeaker, form=SpeakerRowForm, formset=SpeakerFormSet, fields=["person", "affiliation"], extra=1
)


class TalkWithSpeakersForm(forms.ModelForm):
    """A talk of the edition and, inside it, the formset of its speakers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.speakers = SpeakersOfTalk(
            data=self.data if self.is_bound else None,
            files=self.files if self.is_bound else None,
            instance=self.instance,
            prefix=f"{self.prefix}-speakers",
        )

    @property
    def media(self):
        return super().media + self.speakers.media

    def has_changed(self):
        return super().has_changed() or self.speakers.has_changed()

    def clean(self):
        cleaned = super().clean()
        if not self.speakers.is_valid():
            raise ValidationError("Check the speakers of this talk below.")
        return cleaned

    def save(self, commit=True):
        talk = super().save(commit)
        if commit:
            self.save_speakers()
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_speakers():
                save_m2m()
                self.save_speakers()

            self.save_m2m = save_m2m_and_speakers
        return talk

    def save_speakers(self):
        self.speakers.instance = self.instance
        self.speakers.save()


class EditionTalkInline(admin.StackedInline):
    model = Talk
    form = TalkWithSpeakersForm
    template = "admin/meetups/edition/talks_inline.html"
    extra = 0
    fields = [("title", "kind"), "slug", "abstract", ("slides_file", "slides_url"), "video_url"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True
    classes = ["edition-talks"]

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-ordering.js"], css={"all": ["css/admin-ordering.css"]})
