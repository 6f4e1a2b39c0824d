"""Small helpers shared by the apps' admin modules."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.html import format_html


def image_preview(image_field, height=60):
    """An <img> thumbnail of an uploaded image for admin lists and forms."""
    if not image_field:
        return "–"
    return format_html(
        '<img src="{}" alt="" height="{}" loading="lazy">', image_field.url, height
    )


# --- Autocomplete fields that survive any posted value ------------------------------------
# Django's autocomplete widgets show the selected options again by looking up the posted
# values (`pk__in`) as they came: "abc" or a number beyond 64 bits in a crafted POST raised
# ValueError or OverflowError while the form was shown with its error, a server error
# instead of "Select a valid choice"; a many-to-many field's own check did the same with
# a huge number (found by tests/production/test_fuzz_admin.py).

# The widest integer column Django's backends create (BigAutoField, PositiveBigIntegerField).
_LARGEST_INTEGER = 2**63 - 1


def _target_field(db_field):
    """The field of the related model that a ForeignKey or ManyToManyField stores (its pk, or to_field)."""
    opts = db_field.remote_field.model._meta
    return opts.get_field(getattr(db_field.remote_field, "field_name", None) or opts.pk.name)


def _storable(field, value):
    """True when `value` (a posted string) is something `field` can hold: only those are looked up."""
    try:
        python = field.to_python(value)
    except ValidationError:
        return False
    return not isinstance(python, int) or -_LARGEST_INTEGER - 1 <= python <= _LARGEST_INTEGER


class _CheckedChoices:
    def optgroups(self, name, value, attr=None):
        target = _target_field(self.field)
        return super().optgroups(name, [item for item in value if _storable(target, item)], attr)


class CheckedAutocompleteSelect(_CheckedChoices, AutocompleteSelect):
    """AutocompleteSelect that looks up only values the related field can hold."""


class CheckedAutocompleteSelectMultiple(_CheckedChoices, AutocompleteSelectMultiple):
    """AutocompleteSelectMultiple that looks up only values the related field can hold."""


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many choice that refuses a value its related field cannot hold before looking it up.

    Looked up as it came, a number beyond 64 bits made SQLite raise OverflowError (a server error).
    """

    def clean(self, value):
        if isinstance(value, list | tuple):
            opts = self.queryset.model._meta
            target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
            for item in value:
                if item not in self.empty_values and not _storable(target, item):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                    )
        return super().clean(value)


class CheckedAutocompleteMixin:
    """For a ModelAdmin or an inline: autocomplete widgets and many-to-many fields that are checked as above.

    Put it first among the bases: `class VenueAdmin(CheckedAutocompleteMixin, admin.ModelAdmin)`.
    The ModelAdmin's own choice of widget or form field (a `widget`, a `form_class` it passes) is kept.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RecordAdmin(admin.ModelAdmin):
    """A record the site writes (a draw, a log line, a check-in): shown, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
