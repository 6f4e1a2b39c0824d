"""The audit trail in the admin: readable by those who may view it (Organizers), editable by nobody;
and the user admin, which records role and staff changes in it."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from . import services
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "summary", "address"]
    list_filter = ["action"]
    search_fields = ["summary", "actor_name", "objects_affected"]
    date_hierarchy = "at"
    fields = ["at", "actor", "actor_name", "action", "summary", "objects_affected", "address"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


User = get_user_model()
WATCHED = ("groups", "is_staff", "is_superuser")


class AuditedUserAdmin(UserAdmin):
    """Django's user admin; a change of groups (roles), staff or superuser status is audited."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change or not set(WATCHED) & set(form.changed_data):
            return
        initial_groups = [getattr(group, "pk", group) for group in form.initial.get("groups") or []]
        before = (
            form.initial.get("is_staff"),
            form.initial.get("is_superuser"),
            sorted(Group.objects.filter(pk__in=initial_groups).values_list("name", flat=True)),
        )
        user = form.instance
        after = (user.is_staff, user.is_superuser, sorted(user.groups.values_list("name", flat=True)))
        services.record(
            services.AuditEntry.Action.ROLE_CHANGE,
            f"{user.get_username()}: {_shown(before)} → {_shown(after)}",
            request=request,
            objects=[user],
        )


def _shown(standing):
    staff, superuser, groups = standing
    flags = [word for word, on in (("staff", staff), ("superuser", superuser)) if on]
    return ", ".join([*groups, *flags]) or "no role"


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
