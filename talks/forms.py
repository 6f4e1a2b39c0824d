from django import forms

from meetups.forms import ListFilterForm
from vdlm.search_bar import SearchBarMixin

from .models import Talk


class TalkFilterForm(ListFilterForm):
    kind_choices = [("", "All kinds"), *Talk.Kind.choices]
    search_placeholder = "Title or speaker"
    search_label = "Search the talks"


class SpeakerSearchForm(SearchBarMixin, forms.Form):
    q = forms.CharField(
        label="Search speakers",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or affiliation"}),
    )

    search_columns = (("q", "col-12 col-md-8"),)
    button_column = "col-12 col-md-4"
    search_label = "Search speakers"

    def query(self):
        """The search text, or "" when there is none or it is too long to be a name."""
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data["q"].strip()
