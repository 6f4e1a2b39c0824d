"""RSVPs in the admin: an edition's settings on its page, the people per edition, changes that keep the seats' count."""

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from audit import services as audit
from audit.models import AuditEntry
from vdlm.admin_utils import RecordAdmin
from vdlm.spreadsheets import safe_cell

from . import door, services
from .models import CheckIn, Rsvp, RsvpChange, RsvpSettings


class RsvpSettingsFormSet(forms.BaseInlineFormSet):
    """Checks a new capacity under the seats' lock (the admin's save is one transaction), then offers new seats."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.instance.pk or not form.has_changed() or "capacity" in form.errors:
                continue
            try:
                locked = services.lock_seats_for_admin(form.instance.edition_id)
            except services.RsvpBusy as busy:
                form.add_error(None, str(busy))
                continue
            taken = services.taken_seats(locked)
            capacity = form.cleaned_data.get("capacity")
            if capacity is not None and capacity < taken:
                form.add_error("capacity", f"{taken} seats are taken: cancel RSVPs first, or keep at least {taken}.")

    def save(self, commit=True):
        saved = super().save(commit)
        if commit:
            for rsvp_settings in saved:
                services.capacity_changed(rsvp_settings.edition_id, by=self.user)
        return saved


class RsvpSettingsInline(admin.StackedInline):
    """On the edition's page: RSVPs on or off, seats, guests, questions, the waiting list."""

    model = RsvpSettings
    formset = RsvpSettingsFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user  # the log says who changed the seats
        return formset

    extra = 0
    max_num = 1
    can_delete = False
    fieldsets = [
        (None, {"fields": [("enabled", "capacity"), ("opens_at", "closes_at")]}),
        (
            "What is asked",
            {"fields": [("guests_allowed", "id_name_required"), "question_1", "question_2", "question_3"]},
        ),
        ("Waiting list", {"fields": [("waiting_list", "offer_hold_hours")]}),
        ("Figures", {"fields": ["figures"]}),
    ]
    readonly_fields = ["figures"]

    @admin.display(description="So far")
    def figures(self, rsvp_settings):
        if not rsvp_settings.pk:
            return "–"
        if rsvp_settings.final_counts:
            kept = rsvp_settings.final_counts
            return f"{kept['going']} going, {kept['cancelled']} cancelled (the people's data is deleted)"
        numbers = door.door_figures(rsvp_settings.edition_id)
        return (
            f"{numbers['rsvps']} RSVPs: {numbers['going']} going (guests included), {numbers['waiting']} waiting; "
            f"{numbers['checked_in']} checked in, {numbers['no_shows']} not (yet)"
        )


class AddPersonForm(forms.ModelForm):
    """An organizer adds a speaker or the host's staff; they get the same mail and link as everyone."""

    class Meta:
        model = Rsvp
        fields = ["edition", "name", "email", "id_name", "guest", "guest_name", "outside_capacity"]

    def clean(self):
        cleaned = super().clean()
        edition = cleaned.get("edition")
        if edition is not None and not RsvpSettings.objects.filter(edition=edition).exists():
            self.add_error("edition", "This edition takes no RSVPs: switch them on on the edition's page first.")
        if cleaned.get("guest") and not cleaned.get("guest_name", "").strip():
            self.add_error("guest_name", "The guest's name goes on the front desk's list.")
        return cleaned


@admin.register(Rsvp)
class RsvpAdmin(admin.ModelAdmin):
    list_display = ["name", "edition", "status", "guest", "outside_capacity", "priority", "created_at"]
    list_filter = ["status", "edition"]
    search_fields = ["name", "email", "id_name", "guest_name"]
    # Who holds a seat changes only through the services, under the seats' lock: not by editing a row.
    readonly_fields = [
        "edition",
        "status",
        "guest",
        "outside_capacity",
        "offer_expires_at",
        "consent_text",
        "created_at",
        "updated_at",
        "cancelled_at",
    ]
    fields = [
        ("edition", "status"),
        ("name", "email"),
        ("id_name", "guest", "guest_name"),
        "answers",
        ("outside_capacity", "priority"),
        "offer_expires_at",
        "consent_text",
        ("created_at", "updated_at", "cancelled_at"),
    ]
    actions = ["cancel_selected", "move_to_going", "export_csv"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.guest_list_link_view)
        return [path("guest-list/<int:edition_id>/", view, name="rsvps_guest_list_link"), *super().get_urls()]

    def guest_list_link_view(self, request, edition_id):
        """The host's guest list link of an edition: see it, make a new one (the old stops working), revoke it."""
        if not request.user.has_perm("rsvps.share_guest_list"):
            raise PermissionDenied
        rsvp_settings = get_object_or_404(RsvpSettings.objects.select_related("edition"), edition_id=edition_id)
        if request.method == "POST":
            if request.POST.get("action") == "revoke":
                door.revoke_guest_list_link(rsvp_settings)
                services.log(rsvp_settings, "Guest list link revoked", by=request.user)
                audit.record(
                    AuditEntry.Action.GUEST_LIST_REVOKED, f"the guest list link of {rsvp_settings.edition}",
                    request=request, objects=[rsvp_settings.edition],
                )  # fmt: skip
                self.message_user(request, "The guest list link no longer works.", messages.SUCCESS)
            else:
                door.new_guest_list_link(rsvp_settings)
                services.log(rsvp_settings, "New guest list link", by=request.user)
                audit.record(
                    AuditEntry.Action.GUEST_LIST_LINK, f"a new guest list link for {rsvp_settings.edition}",
                    request=request, objects=[rsvp_settings.edition],
                )  # fmt: skip
                self.message_user(request, "A new guest list link: any earlier one no longer works.", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        token = door.guest_list_token(rsvp_settings)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Guest list link: {rsvp_settings.edition}",
            "opts": self.model._meta,
            "rsvp_settings": rsvp_settings,
            "link": request.build_absolute_uri(reverse("rsvps:guest_list", args=[token])) if token else "",
            "expires": door.guest_list_expires(rsvp_settings),
            "figures": door.door_figures(edition_id),
        }
        return TemplateResponse(request, "admin/rsvps/guest_list_link.html", context)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = AddPersonForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return AddPersonForm.Meta.fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_add_permission(self, request):
        return request.user.has_perm("rsvps.manage_rsvps")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.site_url = request.build_absolute_uri("/").rstrip("/")
        services.add_person(obj, by=request.user)
        if obj.status == Rsvp.Status.WAITING:
            self.message_user(request, f"No seat was free: {obj.name} is on the waiting list.", messages.WARNING)

    # Deleting frees seats: through the services, so that the waiting list is offered them.
    def delete_model(self, request, obj):
        services.delete_rsvps(Rsvp.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_rsvps(queryset, by=request.user)

    def has_export_permission(self, request):
        return request.user.has_perm("rsvps.export_rsvps")

    @admin.action(description="Export the selected RSVPs as CSV (addresses and answers)", permissions=["export"])
    def export_csv(self, request, queryset):
        editions = {entry.edition for entry in queryset.select_related("edition")}
        audit.record(
            AuditEntry.Action.EXPORT, f"{queryset.count()} RSVPs as CSV (addresses, answers)", request=request,
            objects=editions,
        )  # fmt: skip
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="rsvps.csv"'
        writer = csv.writer(response)
        writer.writerow(["Edition", "Name", "Email", "Name as on ID", "Guest", "Status", "Checked in", "Answers"])
        for entry in queryset.select_related("edition").order_by("edition__start_date", "created_at"):
            writer.writerow(
                [
                    entry.edition.code,
                    safe_cell(entry.name),
                    safe_cell(entry.email),
                    safe_cell(entry.id_name),
                    safe_cell(entry.guest_name),
                    entry.get_status_display(),
                    "yes" if entry.checked_in_at else "",
                    safe_cell(" | ".join(str(answer) for answer in entry.answers)),
                ]
            )
        return response

    def has_manage_rsvps_permission(self, request):
        return request.user.has_perm("rsvps.manage_rsvps")

    @admin.action(
        description="Cancel the selected RSVPs (their seats go to the waiting list)", permissions=["manage_rsvps"]
    )
    def cancel_selected(self, request, queryset):
        done = 0
        for entry in queryset.exclude(status=Rsvp.Status.CANCELLED):
            try:
                services.cancel(entry, by=request.user)
            except services.RsvpRefused as refusal:
                self.message_user(request, f"{entry.name}: {refusal}", messages.ERROR)
                continue
            done += 1
        self.message_user(request, f"{done} RSVP(s) cancelled.", messages.SUCCESS if done else messages.WARNING)

    @admin.action(
        description="Move the selected from the waiting list to going (if seats allow)", permissions=["manage_rsvps"]
    )
    def move_to_going(self, request, queryset):
        for entry in queryset.filter(status__in=[Rsvp.Status.WAITING, Rsvp.Status.OFFERED]):
            try:
                services.move_to_going(entry, by=request.user)
            except services.RsvpRefused as refusal:
                self.message_user(request, f"{entry.name}: {refusal}", messages.ERROR)
            else:
                self.message_user(request, f"{entry.name} is going.", messages.SUCCESS)


@admin.register(RsvpChange)
class RsvpChangeAdmin(RecordAdmin):
    """The log of seats: a record, never edited."""

    list_display = ["at", "edition", "what", "by"]
    list_filter = ["edition"]
    search_fields = ["what"]

    def has_delete_permission(self, request, obj=None):
        return False



@admin.register(CheckIn)
class CheckInAdmin(RecordAdmin):
    """Every scan and tap at the door, with its result: a record, never edited."""

    list_display = ["at", "edition", "rsvp", "guest", "method", "result", "by"]
    list_filter = ["edition", "result", "method"]
