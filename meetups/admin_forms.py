"""The edition's admin form: the host is chosen once, and the venue and the sponsorship follow from it."""

from django import forms
from django.contrib import admin

from history.concurrency import VersionCheckedForm
from sponsors.models import Organisation, Sponsorship
from vdlm.admin_utils import CheckedAutocompleteSelect

from . import services
from .models import Edition


class EditionAdminForm(VersionCheckedForm):
    host = forms.ModelChoiceField(
        label="venue host",
        queryset=Organisation.objects.all(),
        required=False,
        widget=CheckedAutocompleteSelect(Sponsorship._meta.get_field("organisation"), admin.site),
        help_text="The organisation that hosts the evening: recorded as its venue-host sponsorship. "
        "Left empty, the venue's organisation is taken. An edition without a venue gets the host's.",
    )
    new_venue_address = forms.CharField(
        label="address of a new venue",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text="Only when the host has no venue yet: a venue named after the host is created with this address.",
    )

    class Meta:
        model = Edition
        fields = ["venue"]  # the admin's fieldsets add the rest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("host", services.host_of(self.instance))

    def clean(self):
        cleaned = super().clean()
        venue, host = cleaned.get("venue"), cleaned.get("host")
        if host is None and venue is not None and venue.organisation_id is not None:
            cleaned["host"] = venue.organisation
        if cleaned.get("new_venue_address", "").strip():
            if venue is not None:
                self.add_error("new_venue_address", "A venue is chosen: empty this field, or empty the venue.")
            elif cleaned.get("host") is None:
                self.add_error("new_venue_address", "Choose the venue host first: the new venue is named after it.")
            elif cleaned["host"].venues.exists():
                self.add_error(
                    "new_venue_address",
                    f"{cleaned['host'].name} has a venue already: choose it under “Venue” (or edit its address there).",
                )
        return cleaned
