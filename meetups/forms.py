"""The search and filter forms of the public lists (GET forms, no account needed)."""

from django import forms

from vdlm.search_bar import SearchBarMixin

from .models import Edition

ARCHIVE_KINDS = [
    ("", "All kinds"),
    (Edition.Kind.MEETUP, "Meetups"),
    (Edition.Kind.WORKSHOP, "Workshops"),
    (Edition.Kind.SPECIAL, "Special events"),
]


class ListFilterForm(SearchBarMixin, forms.Form):
    """Search text, year and kind; a bad value is reported and then ignored."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    year = forms.TypedChoiceField(
        label="Year",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "There is nothing from “%(value)s”, so all years are shown."},
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not a kind we know, so all kinds are shown."},
    )

    kind_choices = ()
    search_placeholder = ""
    search_label = "Search"
    search_columns = (("q", "col-12 col-md-6"), ("year", "col-6 col-md-2"), ("kind", "col-6 col-md-2"))

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years")] + [(year, str(year)) for year in years]
        self.fields["kind"].choices = self.kind_choices
        self.fields["q"].widget.attrs["placeholder"] = self.search_placeholder

    @classmethod
    def for_request(cls, request):
        """The form bound to the request's query string (unbound without one), offering the years of published editions.

        One query: the archive and the talk list offer the same years.
        """
        years = [day.year for day in Edition.objects.published().dates("start_date", "year", order="DESC")]
        return cls(request.GET or None, years=years)

    def filters(self):
        """The valid part of the input: invalid fields are left out, never a 500."""
        if not self.is_bound:
            return {"q": "", "year": None, "kind": ""}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "year": data.get("year"),
            "kind": data.get("kind") or "",
        }


class ArchiveFilterForm(ListFilterForm):
    kind_choices = ARCHIVE_KINDS
    search_placeholder = "Title, topic, talk or speaker"
    search_label = "Search the archive"
