import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _run():
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def _printed_password(output):
    match = re.search(r"password: (\S+)", output)
    return match.group(1) if match else None


def test_creates_an_admin_with_a_generated_password_printed_once():
    output = _run()
    password = _printed_password(output)
    assert password is not None and len(password) >= 20
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.check_password(password)
    assert password not in user.password  # stored as a hash only

    second = _run()
    assert _printed_password(second) is None
    assert "Admin account exists: admin" in second
    user.refresh_from_db()
    assert user.check_password(password)


def test_password_differs_between_installations():
    first = _printed_password(_run())
    get_user_model().objects.all().delete()
    second = _printed_password(_run())
    assert first != second


def test_existing_superuser_is_left_alone(organizer):
    output = _run()
    assert _printed_password(output) is None
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
