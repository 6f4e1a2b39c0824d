from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles_after_migrate(sender, apps=None, **kwargs):
    from django.apps import apps as live

    # As Django's own create_permissions: nothing to do where auth is not migrated (back to zero).
    # (`flush`, between transactional tests, sends the signal without the migration's apps.)
    state = apps or live
    try:
        state.get_model("auth", "Permission")
        state.get_model("contenttypes", "ContentType")
    except LookupError:
        return
    # With the live registry, not the migration's: apps without migrations (django_rq's queue
    # page, when the RQ backend is on) have permissions the Organizers must hold too.

    from .services import sync_roles

    sync_roles(live)


class AccountsConfig(AppConfig):
    """The organizers' accounts: the roles (groups) and what each may do."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from .lockout import tell_the_owner

        # After every `migrate` the groups are set back to accounts/roles.py, new models included.
        post_migrate.connect(_sync_roles_after_migrate, sender=self, dispatch_uid="accounts.sync_roles")
        user_login_failed.connect(tell_the_owner, dispatch_uid="accounts.tell_the_owner")
