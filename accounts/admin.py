"""The accounts in the admin: Django's user admin, which also records role and staff changes in the
audit trail and lets an Organizer reset a colleague's second factor (a lost phone)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from audit import services
from audit.models import AuditEntry

from . import second_factor

User = get_user_model()
WATCHED = ("groups", "is_staff", "is_superuser")


class AccountAdmin(UserAdmin):
    """Django's user admin; a change of groups (roles), staff or superuser status is audited."""

    actions = ["reset_second_factor"]

    @admin.action(description="Reset the second factor (lost phone): they set it up again", permissions=["change"])
    def reset_second_factor(self, request, queryset):
        removed = sum(second_factor.reset(user, request) for user in queryset)
        self.message_user(
            request,
            f"Reset the second factor of {queryset.count()} account(s) ({removed} device(s) removed); "
            "each sets it up again at its next sign-in.",
            messages.SUCCESS,
        )

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
            AuditEntry.Action.ROLE_CHANGE,
            f"{user.get_username()}: {_shown(before)} → {_shown(after)}",
            request=request,
            objects=[user],
        )


def _shown(standing):
    staff, superuser, groups = standing
    flags = [word for word, on in (("staff", staff), ("superuser", superuser)) if on]
    return ", ".join([*groups, *flags]) or "no role"


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
