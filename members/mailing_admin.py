"""The admin of mailings: write a draft, see it as members will, send a test, then send it to the list."""

from csp.constants import NONE, SELF
from csp.decorators import csp_replace, csp_update
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.validators import validate_email
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from audit import services as audit
from audit.models import AuditEntry
from meetups.models import Edition

from . import mailings
from .models import Mailing


class MailingForm(forms.ModelForm):
    class Meta:
        model = Mailing
        fields = ["edition", "subject", "text"]
        help_texts = {
            "edition": "The edition to announce. Leave empty for a message to the list.",
            "subject": "Leave empty for an announcement: “<edition’s title>, <date>”.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "subject" in self.fields:  # the form of a sent mailing, only shown, has no fields
            self.fields["subject"].required = False
            self.fields["edition"].queryset = Edition.objects.order_by("-start_date")

    def clean(self):
        cleaned = super().clean()
        edition = cleaned.get("edition")
        if edition is not None and not edition.published:
            self.add_error("edition", "Publish the edition first: the announcement links to its page.")
        if edition is None and not cleaned.get("text", "").strip():
            self.add_error("text", "Write the message: a mail without an edition is its text.")
        if not cleaned.get("subject", "").strip():
            if edition is None:
                self.add_error("subject", "A message needs a subject.")
            else:
                cleaned["subject"] = mailings.announcement_subject(edition)
        return cleaned


class MailingAdmin(admin.ModelAdmin):
    form = MailingForm
    list_display = ["subject", "kind", "edition", "status", "started_at", "recipient_count", "sent_by"]
    list_filter = ["kind", "status"]
    search_fields = ["subject"]
    readonly_fields = ["record"]
    change_form_template = "admin/members/mailing/change_form.html"

    def get_fields(self, request, obj=None):
        if obj is None or obj.is_draft:
            return ["edition", "subject", "text"]
        return ["kind", "edition", "subject", "text", "record"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return ["kind", "edition", "subject", "text", "record"]
        return []

    def get_changeform_initial_data(self, request):
        # "Announce to members" on an edition's page opens this with ?edition=<pk>.
        initial = super().get_changeform_initial_data(request)
        edition_id = request.GET.get("edition", "")
        edition = Edition.objects.filter(pk=edition_id).first() if edition_id.isdecimal() else None
        if edition is not None:
            initial["subject"] = mailings.announcement_subject(edition)
        return initial

    def has_change_permission(self, request, obj=None):
        # A mailing that went out is a record: it is shown, never changed.
        return super().has_change_permission(request, obj) and (obj is None or obj.is_draft)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_draft)

    def save_model(self, request, obj, form, change):
        obj.kind = Mailing.Kind.ANNOUNCEMENT if obj.edition_id else Mailing.Kind.MESSAGE
        if not change:
            obj.created_by = request.user
        mailings.compose(obj, request.build_absolute_uri("/"))
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # The next step is the preview, on the draft's own page.
        self.message_user(request, "Draft saved. Check the preview below, send yourself a test, then send it.")
        return HttpResponseRedirect(reverse("admin:members_mailing_change", args=[obj.pk]))

    @admin.display(description="Delivery")
    def record(self, obj):
        counts = mailings.delivery_counts(obj)
        return format_html(
            "Started {} by {}; {} subscribed then. Delivered: {}, queued: {}, being sent: {}, failed: {}.{}",
            obj.started_at.strftime("%Y-%m-%d %H:%M") if obj.started_at else "–",
            obj.sent_by or "–",
            obj.recipient_count if obj.recipient_count is not None else "–",
            counts["sent"],
            counts["queued"],
            counts["sending"],
            counts["failed"],
            f" All queued at {obj.finished_at:%Y-%m-%d %H:%M}." if obj.finished_at else "",
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", view(self.preview_view), name="members_mailing_preview"),
            path("<int:pk>/test/", view(self.test_view), name="members_mailing_test"),
            path("<int:pk>/send/", view(self.send_view), name="members_mailing_send"),
            *super().get_urls(),
        ]

    @csp_update({"frame-src": [SELF]})
    def change_view(self, request, object_id, form_url="", extra_context=None):
        mailing = self.get_object(request, object_id)
        extra = {}
        if mailing is not None:
            extra = {
                "mailing": mailing,
                "recipient_count": mailings.recipients().count(),
                "earlier_sends": list(mailings.earlier_sends(mailing)),
                "can_send": request.user.has_perm("members.send_mailing"),
                "test_address": request.user.email,
                "mailing_rate": settings.MAILING_RATE,
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def _mailing_for(self, request, pk):
        mailing = get_object_or_404(Mailing, pk=pk)
        if not self.has_view_permission(request, mailing):
            raise PermissionDenied
        return mailing

    # The preview is the mail's own HTML, shown in a sandboxed frame on the draft's page: its inline
    # styles are allowed here only, and it runs no script.
    @xframe_options_sameorigin
    @csp_replace(
        {
            "default-src": [NONE],
            "style-src": ["'unsafe-inline'"],
            "img-src": [SELF, *settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"][1:]],
            "frame-ancestors": [SELF],
            "script-src": [NONE],
            "form-action": [NONE],
        }
    )
    def preview_view(self, request, pk):
        mailing = self._mailing_for(request, pk)
        return HttpResponse(mailing.body_html, content_type="text/html; charset=utf-8")

    @method_decorator(require_POST)
    def test_view(self, request, pk):
        mailing = self._mailing_for(request, pk)
        if not (request.user.has_perm("members.change_mailing") or request.user.has_perm("members.send_mailing")):
            raise PermissionDenied
        address = request.POST.get("address", "").strip()
        try:
            validate_email(address)
        except forms.ValidationError:
            self.message_user(request, f"“{address}” is not an email address: no test was sent.", messages.ERROR)
        else:
            mailings.send_test(mailing, address, mailing.site_url or request.build_absolute_uri("/"))
            self.message_user(request, f"A test is on its way to {address}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:members_mailing_change", args=[mailing.pk]))

    @method_decorator(require_POST)
    def send_view(self, request, pk):
        mailing = self._mailing_for(request, pk)
        if not request.user.has_perm("members.send_mailing"):
            raise PermissionDenied
        try:
            mailing = mailings.start_sending(mailing, request.user, resend_confirmed=request.POST.get("resend") == "1")
        except mailings.SendRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            audit.record(
                AuditEntry.Action.MAILING_SENT,
                f"“{mailing.subject}” to {mailing.recipient_count} member(s)",
                request=request,
                objects=[mailing],
            )
            self.message_user(
                request,
                f"Sending to {mailing.recipient_count} member(s). This page shows how far it got.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:members_mailing_change", args=[mailing.pk]))
