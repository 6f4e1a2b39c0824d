"""The search bar above the public lists (archive, talks, speakers), as Bootstrap markup.

These are GET forms on pages that anonymous visitors and crawlers open by the
thousand, and when a page is rendered at all (a filtered URL, a new content
version) its time counts. crispy-forms built this bar from some forty template
files and nodes: a third of the archive page's template time (3 of 10 ms at the
benchmark's size). Written here in Python, it costs a tenth of that, with the
same markup: label, control and Bootstrap's invalid-feedback for each field, one
row of columns, the submit button last. crispy-forms still renders the forms
people submit (the raffle entry, the call for contributions).
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class SearchBarMixin:
    """`{{ form.search_bar }}` renders the form; list the columns in `search_columns`."""

    # (field name, the column's CSS classes), in order.
    search_columns = ()
    button_column = "col-12 col-md-2"
    search_label = "Search"

    def search_bar(self):
        columns = [
            format_html('<div class="{}">{}</div>', css_class, self._search_field(self[name]))
            for name, css_class in self.search_columns
        ]
        columns.append(
            format_html(
                '<div class="{} align-self-end mb-3">'
                '<button class="btn btn-primary w-100" type="submit">Search</button></div>',
                self.button_column,
            )
        )
        return format_html(
            '<form role="search" aria-label="{}" method="get"><div class="row">{}</div></form>',
            self.search_label,
            mark_safe("".join(columns)),  # noqa: S308 - each column went through format_html
        )

    def _search_field(self, bound_field):
        widget = bound_field.field.widget
        field_id = bound_field.auto_id
        errors = bound_field.errors
        attrs = dict(widget.attrs)
        if errors:
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{field_id}_error"
        value = bound_field.value()
        if isinstance(widget, forms.Select):
            attrs["class"] = "select form-select" + (" is-invalid" if errors else "")
            chosen = "" if value is None else str(value)
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option, mark_safe(" selected") if str(option) == chosen else "", label)  # noqa: S308 - a constant
                    for option, label in bound_field.field.choices
                ),
            )
            control = format_html(
                '<select name="{}"{} id="{}">{}</select>', bound_field.html_name, flatatt(attrs), field_id, options
            )
        else:
            attrs.setdefault("type", widget.input_type)
            attrs["class"] = "textinput form-control" + (" is-invalid" if errors else "")
            if value not in (None, ""):
                attrs["value"] = str(value)
            control = format_html(
                '<input name="{}"{} id="{}">', bound_field.html_name, flatatt(attrs), field_id
            )
        feedback = ""
        if errors:
            feedback = format_html(
                '<div id="{}_error" class="invalid-feedback">{}</div>',
                field_id,
                format_html_join(
                    "",
                    '<span id="error_{}_{}"><strong>{}</strong></span>',
                    ((number, field_id, error) for number, error in enumerate(errors, start=1)),
                ),
            )
        return format_html(
            '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}</div>',
            field_id,
            bound_field.id_for_label,
            bound_field.label,
            control,
            feedback,
        )
