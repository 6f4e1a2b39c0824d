from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .imports import import_addresses
from .mailing_admin import MailingAdmin
from .models import Mailing, Subscriber, Suppression

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file of addresses", help_text="An “email” column, or one address per line.")
    where_from = forms.CharField(
        label="Where the addresses come from",
        max_length=200,
        help_text='Kept with each address and quoted in its mail, e.g. "members of our meetup.com group, 2016–2026".',
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB.")
        data = upload.read()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text: export it as “CSV UTF-8” and try again.") from None


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "status", "source", "consented_at", "confirmed_at"]
    list_filter = ["status", "source"]
    search_fields = ["email", "name"]
    date_hierarchy = "created_at"
    readonly_fields = ["consent_text", "consented_at", "confirmed_at", "confirmation_sent_at", "created_at"]
    fields = ["email", "name", "status", "source", *readonly_fields]

    def has_add_permission(self, request):
        # Members join by confirming their address themselves (double opt-in), never by hand.
        return False

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="members_subscriber_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": request.user.has_perm("members.import_subscribers")}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """Import a list: every new address is pending and gets one mail asking to confirm, never an invitation."""
        if not request.user.has_perm("members.import_subscribers"):
            raise PermissionDenied
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            where_from = " ".join(form.cleaned_data["where_from"].split())
            report = import_addresses(
                form.cleaned_data["file"], f"Imported: {where_from}.", request.build_absolute_uri("/")
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a list of addresses",
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "changelist_url": reverse("admin:members_subscriber_changelist"),
        }
        return TemplateResponse(request, "admin/members/subscriber/import.html", context)


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Addresses that left the list, as keyed hashes: nothing to read, nothing to edit."""

    list_display = ["email_hash", "created_at"]
    readonly_fields = ["email_hash", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Mailing, MailingAdmin)
