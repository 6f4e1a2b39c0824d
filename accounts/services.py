"""Keeping the role groups equal to accounts.roles."""

from .roles import ROLES, role_permissions


def _model_permissions(model):
    """The (codename, name) pairs Django creates for a model: its default and its Meta permissions."""
    opts = model._meta  # the documented Model._meta API
    pairs = [
        (f"{action}_{opts.model_name}", f"Can {action} {opts.verbose_name_raw}") for action in opts.default_permissions
    ]
    return pairs + [tuple(pair) for pair in opts.permissions]


def sync_roles(apps):
    """Create every role's group and give it exactly its permissions; returns {role: count}.

    `apps` is the app registry: a migration's historical one, or django.apps.apps. Permissions
    that the post_migrate signal has not created yet (a fresh database) are created here the
    same way, so the groups are complete straight after `migrate`.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    by_label = {}
    for model in apps.get_models():
        opts = model._meta
        content_type, _ = ContentType.objects.get_or_create(app_label=opts.app_label, model=opts.model_name)
        for codename, name in _model_permissions(model):
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name[:255]}
            )
            by_label[f"{opts.app_label}.{codename}"] = permission
    counts = {}
    for role in ROLES:
        wanted = role_permissions(role, by_label)
        unknown = wanted - set(by_label)
        if unknown:
            raise LookupError(f"role {role}: no such permission {', '.join(sorted(unknown))}")
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([by_label[label] for label in sorted(wanted)])
        counts[role] = len(wanted)
    return counts
