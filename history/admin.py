"""The history in the admin: every content ModelAdmin takes HistoryAdmin (django-reversion's
VersionAdmin): "History" lists the versions with who and when, a version can be reverted to (a
new version itself), and "Recover deleted …" on the list brings a deleted row back."""

from django.contrib import admin
from reversion.admin import VersionAdmin

from .registration import register_content

# Before the first HistoryAdmin is made (the admin's autodiscovery runs before this app's ready()):
# VersionAdmin would otherwise register each model itself, following its inlines instead of CONTENT.
register_content()


class HistoryAdmin(VersionAdmin):
    history_latest_first = True

    def changelist_view(self, request, extra_context=None):
        # A deletion must not run inside an open revision: django-reversion keeps only versions of
        # rows that still exist when the revision closes, so the version taken just before the
        # delete (history/registration.py) is saved in its own revision, before the row goes.
        if request.method == "POST" and request.POST.get("action") == "delete_selected":
            return admin.ModelAdmin.changelist_view(self, request, extra_context)
        return super().changelist_view(request, extra_context)
