"""Forms the site needs outside any one app."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm


class AdminLoginForm(AdminAuthenticationForm):
    """The admin login form, refusing a user name longer than any account's before authenticating.

    Django's AuthenticationForm sets the user name field's max_length in
    __init__, after the field has built its validators, so the length is never
    checked: a 10,000-character name went on to authenticate(), and django-axes
    then tried to record the failed attempt in its varchar(255) column, which
    PostgreSQL refuses (a 500). No account can have such a name, so it is
    refused the way any wrong login is, with the same message, and never
    reaches the authentication backends.
    """

    def clean(self):
        """Refuse an over-long user name as a failed login, and a locked name with the reason; the rest is Django's."""
        from accounts import lockout

        username = self.cleaned_data.get("username")
        if username is not None and len(username) > self.fields["username"].max_length:
            raise self.get_invalid_login_error()
        if username and lockout.is_locked(username):
            raise forms.ValidationError(lockout.lock_message(username), code="locked")
        return super().clean()
