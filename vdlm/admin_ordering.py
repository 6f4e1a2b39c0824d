"""Inlines whose rows the organizer puts in order: drag and drop, Move up / Move down, or a number.

The rows' `position` is unique per parent for agenda items and announcements (a database
constraint). Swapping two rows by saving their typed positions one by one would break it
half-way, and a ModelForm would refuse the swap before saving ("cannot share a position")
because it checks each row against the others' *stored* positions. So the form does not
edit `position` itself: it has an `order` field (a number the organizer may type, which
the script in static/js/admin-ordering.js fills while rows are dragged or moved), and
the formset, on save, moves the parent's rows out of the way and writes positions
10, 20, 30… in the chosen order, inside the admin's transaction. Ties keep the rows'
order on the page. Steps of 10 leave room for the agenda slots that services add later
(an accepted proposal goes before the break).
"""

from django import forms
from django.contrib import admin
from django.db.models import F

# Rows waiting for their new position park above every real one (positions are small integers).
PARKING_OFFSET = 10_000
STEP = 10


class OrderedInlineForm(forms.ModelForm):
    order = forms.IntegerField(
        label="position",
        required=False,
        min_value=0,
        max_value=PARKING_OFFSET - 1,
        widget=forms.NumberInput(attrs={"class": "vdlm-order", "size": 4}),
        help_text="Lower comes first. Drag the row, or use Move up / Move down.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("order", self.instance.position)

    def has_changed(self):
        # The script numbers every row, the blank ones too: a new row with only a number is still blank.
        if self.instance.pk is None:
            return any(name != "order" for name in self.changed_data)
        return super().has_changed()


class OrderedInlineFormSet(forms.BaseInlineFormSet):
    def ordered_forms(self):
        """The forms that will be rows after saving, in the order the organizer chose."""
        deleted = set(self.deleted_forms) if self.can_delete else set()
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if form not in deleted and (form.instance.pk is not None or form.has_changed())
        ]

        def chosen(entry):
            index, form = entry
            order = form.cleaned_data.get("order")
            return (order is None, order if order is not None else 0, index)

        return [form for _, form in sorted(kept, key=chosen)]

    def save(self, commit=True):
        forms_in_order = self.ordered_forms()
        for rank, form in enumerate(forms_in_order, start=1):
            form.instance.position = rank * STEP
        if not commit:
            return super().save(commit=False)
        moved = [
            form
            for form in forms_in_order
            if form.instance.pk is not None and form.initial.get("order") != form.instance.position
        ]
        if not moved:
            return super().save(commit=True)
        # Park every row of the formset first (those to delete too), so that no new position meets an old one.
        self.model._default_manager.filter(pk__in=[form.instance.pk for form in self.initial_forms]).update(
            position=F("position") + PARKING_OFFSET
        )
        saved = super().save(commit=True)
        for form in forms_in_order:
            if form.instance.pk is not None and form.instance not in saved:
                # The unchanged rows were parked too: put them at their (possibly new) place.
                form.instance.save(update_fields=["position"])
        return saved


class OrderedInlineMixin:
    """For an admin inline of a model with a `position` field: list `order` in `fields`, not `position`."""

    form = OrderedInlineForm
    formset = OrderedInlineFormSet
    ordering = ["position", "pk"]

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-ordering.js"], css={"all": ["css/admin-ordering.css"]})


class OrderedTabularInline(OrderedInlineMixin, admin.TabularInline):
    classes = ["vdlm-ordered"]


class OrderedStackedInline(OrderedInlineMixin, admin.StackedInline):
    classes = ["vdlm-ordered"]
