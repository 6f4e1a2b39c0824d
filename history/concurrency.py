"""Two organizers on one edition: the second save does not silently overwrite the first.

The form carries the `updated_at` of the row as it was loaded. On save, a different value in
the database means someone saved in between: the form is refused with who and when (from the
history), the fields where this form and their save differ, and a link to the history; what
this organizer typed stays in the form. Saving again then replaces their version on purpose.
"""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from reversion.models import Version

IGNORED = {"id", "created_at", "updated_at"}


class VersionCheckedForm(forms.ModelForm):
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version") or ""
        if self.instance.pk is None or not loaded:
            return cleaned
        current = type(self.instance)._default_manager.filter(pk=self.instance.pk).values_list("updated_at", flat=True)
        current = current.first()
        if current is not None and current.isoformat() != loaded:
            # The next save goes through: this organizer has now seen that it replaces theirs.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = current.isoformat()
            raise forms.ValidationError(saved_meanwhile(self.instance, cleaned), code="saved_meanwhile")
        return cleaned


def saved_meanwhile(instance, cleaned):
    """The message: who saved when, where this form and their save differ, the link to the history."""
    model = type(instance)
    opts = model._meta  # the documented Model._meta API
    fresh = model._default_manager.get(pk=instance.pk)
    latest = Version.objects.get_for_object(fresh).select_related("revision__user").first()
    who, when = "Another organizer", ""
    if latest is not None:
        who = latest.revision.user.get_username() if latest.revision.user else who
        when = f" at {date_format(timezone.localtime(latest.revision.date_created), 'H:i')}"
    differences = []
    for field in opts.concrete_fields:
        if field.name in IGNORED or field.name not in cleaned:
            continue
        yours, theirs = cleaned[field.name], getattr(fresh, field.name)
        if yours != theirs:
            differences.append((field.verbose_name.capitalize(), _shown(yours), _shown(theirs)))
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[fresh.pk])
    listed = format_html_join("; ", "{}: yours “{}”, saved “{}”", differences) if differences else "none"
    return format_html(
        "{}{} saved this {} after you opened it. Where your form and their save differ: {}. Nothing of yours "
        'is saved yet and your changes are still in this form: <a href="{}">see the history</a>, or open the {} '
        "again to start from their version, or save again to replace their version with yours.",
        who, when, opts.verbose_name, listed, history, opts.verbose_name,
    )  # fmt: skip


def _shown(value):
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"
