"""Who may see what is not public yet."""


def can_preview(user, model):
    """Whether `user` may see drafts of `model` (with a banner); everybody else gets a 404.

    Being staff is not enough: the organizer must be allowed to view that model in
    the admin (its `view_` permission, or `change_`, which implies it there), the
    same right that shows them the draft in the admin itself, and the second factor the
    admin asks for (accounts/second_factor.py).
    """
    from accounts.second_factor import still_to_prove

    opts = model._meta  # the documented Model._meta API
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and (
            user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
            or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )
        # Signed in with the password alone: drafts stay hidden until the second factor is proved.
        and not still_to_prove(user)
    )
