from django.contrib import admin

from .models import Subscriber, Suppression


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


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Addresses that left the list, as keyed hashes: nothing to read, nothing to edit."""

    list_display = ["email_hash", "created_at"]
    readonly_fields = ["email_hash", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
