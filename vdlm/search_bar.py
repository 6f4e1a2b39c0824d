"""The search bar above the public lists (archive, talks, speakers), as Bootstrap markup.

A GET form in one row of columns: label, control and Bootstrap's invalid-feedback for
each field, the submit button last; the markup is templates/includes/search_bar.html.
It is the markup crispy-forms wrote for these forms (attributes in flatatt()'s order),
from one template instead of crispy's forty. crispy-forms renders the forms people
submit (the raffle entry, the call for contributions).
"""

from django import forms
from django.template.loader import render_to_string


class SearchBarMixin:
    """`{{ form.search_bar }}` renders the form; list the columns in `search_columns`."""

    # (field name, the column's CSS classes), in order.
    search_columns = ()
    button_column = "col-12 col-md-2"
    search_label = "Search"
    search_bar_template = "includes/search_bar.html"

    def search_bar(self):
        """The whole bar, rendered."""
        context = {
            "label": self.search_label,
            "columns": [self._search_column(self[name], css_class) for name, css_class in self.search_columns],
            "button_column": self.button_column,
        }
        return render_to_string(self.search_bar_template, context)

    def _search_column(self, bound_field, css_class):
        """What the template shows of one field: its control's attributes, and its options for a select."""
        widget = bound_field.field.widget
        errors = bound_field.errors
        attrs = dict(widget.attrs)
        if errors:
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{bound_field.auto_id}_error"
        value = bound_field.value()
        options = None
        if isinstance(widget, forms.Select):
            attrs["class"] = "select form-select" + (" is-invalid" if errors else "")
            chosen = "" if value is None else str(value)
            options = [(option, label, str(option) == chosen) for option, label in bound_field.field.choices]
        else:
            attrs.setdefault("type", widget.input_type)
            attrs["class"] = "textinput form-control" + (" is-invalid" if errors else "")
            if value not in (None, ""):
                attrs["value"] = str(value)
        return {
            "field": bound_field,
            "css_class": css_class,
            "attrs": _in_flatatt_order(attrs),
            "options": options,
        }


def _in_flatatt_order(attrs):
    """[(name, value)] as django.forms.utils.flatatt writes them: valued ones by name, then true booleans
    (value None) by name; false booleans and None are left out."""
    valued = sorted((name, value) for name, value in attrs.items() if not isinstance(value, bool) and value is not None)
    flags = sorted((name, None) for name, value in attrs.items() if value is True)
    return valued + flags
