from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row
from django import forms

from meetups.forms import ListFilterForm

from .models import Talk


class TalkFilterForm(ListFilterForm):
    kind_choices = [("", "All kinds"), *Talk.Kind.choices]
    search_placeholder = "Title or speaker"
    search_label = "Search the talks"


class SpeakerSearchForm(forms.Form):
    q = forms.CharField(
        label="Search speakers",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or affiliation"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.attrs = {"role": "search", "aria-label": "Search speakers"}
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-12 col-md-8"),
                Div(
                    StrictButton("Search", type="submit", css_class="btn-primary w-100"),
                    css_class="col-12 col-md-4 align-self-end mb-3",
                ),
            )
        )

    def query(self):
        """The search text, or "" when there is none or it is too long to be a name."""
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data["q"].strip()
