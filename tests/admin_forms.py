"""The organizers' admin forms as a browser sends them, and the fields a crafted POST can aim at.

`form_data(response)` reads an add or change page the way a browser fills in its
form (hidden inputs, ticked boxes, selected options, textareas), so that a test can
post it back with one field replaced, as an attacker with a session would. The
fields come from the ModelAdmin itself (`get_form()`, `get_formsets_with_inlines()`),
for every model of the project's apps registered with the admin site.
"""

from html.parser import HTMLParser

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.urls import reverse

PROJECT_APPS = ["meetups", "talks", "sponsors", "raffles", "decks", "contributions"]


def project_models():
    """Every model of the project's apps."""
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def registered_models():
    """The project's models the admin site edits, with their ModelAdmin."""
    return [(model, admin.site.get_model_admin(model)) for model in project_models() if admin.site.is_registered(model)]


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def is_single_line(field):
    """A text field of one line: what validate_single_line guards (URLs and slugs have validators of their own)."""
    return (
        isinstance(field, models.CharField | models.EmailField)
        and not isinstance(field, models.URLField | models.SlugField)
        and not field.choices
        and field.editable
    )


def is_url(field):
    return isinstance(field, models.URLField) and field.editable


class _Form(HTMLParser):
    """The successful controls (HTML's term) of the form with id `form_id`."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self._select = None  # (name, multiple, [values], first option's value)
        self._option = None
        self._textarea = None

    def _add(self, name, value):
        if name and "__prefix__" not in name:  # the inlines' template for new rows: not sent by the admin's script
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            elif kind not in ("submit", "button", "reset", "file", "image"):
                self._add(name, attrs.get("value") or "")
        elif tag == "select":
            self._select = (name, "multiple" in attrs, [], [])
        elif tag == "option" and self._select is not None:
            self._option = attrs
            value = attrs.get("value", "")
            self._select[3].append(value)
            if "selected" in attrs:
                self._select[2].append(value)
        elif tag == "textarea":
            self._textarea = (name, [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, multiple, chosen, offered = self._select
            if not chosen and not multiple and offered:
                chosen = offered[:1]
            for value in chosen:
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            # HTML drops one line break right after <textarea>.
            self._add(name, "".join(parts).removeprefix("\n"))
            self._textarea = None


def form_data(response, model):
    """{name: [values]} of the admin form on `response` (an add or change page of `model`)."""
    parser = _Form(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    parser.close()
    assert parser.data, f"no form found on the {model._meta.model_name} page"
    return parser.data


def form_fields(model_admin, request, obj=None, where=lambda field: True):
    """[(input name, model, model field, formset prefix or None)] of the fields the page edits.

    The main form's fields, then those of the first row of each inline (on a change
    page, only the inlines that have a row).
    """
    found = []
    form = model_admin.get_form(request, obj)
    for name in form.base_fields:
        field = _model_field(model_admin.model, name)
        if field is not None and where(field):
            found.append((name, model_admin.model, field, None))
    if obj is None:
        return found
    for formset_class, inline in model_admin.get_formsets_with_inlines(request, obj):
        formset = formset_class(instance=obj, prefix=formset_class.get_default_prefix())
        if not formset.initial_form_count():
            continue
        for name in formset.form.base_fields:
            field = _model_field(inline.model, name)
            if field is not None and where(field):
                found.append((f"{formset.prefix}-0-{name}", inline.model, field, formset.prefix))
    return found


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a form field of the ModelAdmin's own (none is a model field)
        return None


def errors_of(response, input_name, prefix):
    """The error messages the page shows for one field, from the form the admin rendered."""
    context = response.context
    if prefix is None:
        form = context["adminform"].form
        return form.errors.get(input_name, [])
    for inline in context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return inline.formset.forms[0].errors.get(input_name.removeprefix(f"{prefix}-0-"), [])
    raise AssertionError(f"no inline {prefix} on the page")


def stored_anywhere(model, field, value):
    """True when some row of `model` holds `value` in `field`: what a refused POST must not leave behind."""
    return model._default_manager.filter(**{field.name: value}).exists()


def edition_form_data(edition):
    """The edition's change form as the admin posts it, with every inline empty."""
    data = {
        "code": edition.code,
        "number": edition.number or "",
        "kind": edition.kind,
        "title": edition.title,
        "topic": edition.topic,
        "start_date": edition.start_date.isoformat(),
        "start_time": edition.start_time.strftime("%H:%M") if edition.start_time else "",
        "end_time": edition.end_time.strftime("%H:%M") if edition.end_time else "",
        "attendance": edition.attendance,
        "venue": edition.venue_id or "",
        "published": "on" if edition.published else "",
    }
    inlines = ["agenda_items", "talks", "sponsorships", "raffles", "rsvp_settings", "announcements"]
    for prefix in [*inlines, "deck_settings", "deck_slides"]:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data
