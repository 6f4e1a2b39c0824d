"""The audit trail in the admin: readable by those who may view it (Organizers), editable by nobody."""

from django.contrib import admin

from vdlm.admin_utils import RecordAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(RecordAdmin):
    list_display = ["at", "actor_name", "action", "summary", "address"]
    list_filter = ["action"]
    search_fields = ["summary", "actor_name", "objects_affected"]
    date_hierarchy = "at"
    fields = ["at", "actor", "actor_name", "action", "summary", "objects_affected", "address"]
    readonly_fields = fields
