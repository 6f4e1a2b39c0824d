from django.contrib import admin, messages

from . import services
from .models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """What the site sent, is sending, and could not send (with the error): a record, not an editor."""

    list_display = ["created_at", "kind", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = [
        ("kind", "status"),
        ("recipient", "from_email"),
        "subject",
        "body",
        ("attempts", "last_attempt_at", "next_attempt_at", "sent_at"),
        "last_error",
    ]
    readonly_fields = [name for line in fields for name in (line if isinstance(line, tuple) else [line])]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_send_again_permission(self, request):
        return request.user.has_perm("outbox.send_again")

    @admin.action(description="Send the selected failed or stuck mail again", permissions=["send_again"])
    def send_again(self, request, queryset):
        queued = services.send_again(queryset)
        skipped = queryset.count() - queued
        self.message_user(request, f"{queued} mail(s) queued again.", messages.SUCCESS if queued else messages.WARNING)
        if skipped:
            self.message_user(request, f"{skipped} left as they were: only failed or stuck mail is sent again.")
