"""Guessing an organizer's password in the admin stops after five tries, per user name and address."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import SuperUserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


@pytest.fixture
def organizer():
    return SuperUserFactory(username="anna")


def _login(client, username, password, **headers):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **headers)


def test_five_wrong_passwords_lock_the_name_from_that_address_with_a_clear_message(organizer):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        response = _login(attacker, "anna", "wrong-password-guess")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = _login(attacker, "anna", "wrong-password-guess")
    assert response.status_code == 429
    page = " ".join(response.content.decode().split())
    assert "Login blocked for now" in page
    assert "after 5 wrong passwords for “anna” from your network" in page
    assert "is blocked for 1 hour" in page
    assert "Content-Security-Policy" in response  # the lockout page is a page like the others

    # Even the right password does not get in from there now.
    response = _login(attacker, "anna", "a-long-test-password")
    assert response.status_code == 429
    assert "_auth_user_id" not in attacker.session


def test_the_lock_is_per_user_and_address(organizer):
    SuperUserFactory(username="ben")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        _login(attacker, "anna", "wrong-password-guess")
    assert _login(attacker, "anna", "a-long-test-password").status_code == 429
    # Anna at the venue is not locked out by someone guessing her password elsewhere...
    anna = Client(REMOTE_ADDR="198.51.100.20")
    assert _login(anna, "anna", "a-long-test-password").status_code == 302
    # ...and Ben, behind the same address as the guesser, still logs in.
    assert _login(attacker, "ben", "a-long-test-password").status_code == 302


def test_behind_a_proxy_the_configured_header_names_the_client(organizer, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(5):
        _login(proxy, "anna", "wrong-password-guess", HTTP_X_REAL_IP="203.0.113.7")
    assert _login(proxy, "anna", "a-long-test-password", HTTP_X_REAL_IP="203.0.113.7").status_code == 429
    # Another visitor through the same proxy is another address.
    assert _login(proxy, "anna", "a-long-test-password", HTTP_X_REAL_IP="198.51.100.20").status_code == 302


def test_an_organizer_unlocks_a_colleague_in_the_admin(organizer):
    SuperUserFactory(username="ben")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        _login(attacker, "ben", "wrong-password-guess")
    anna = Client(REMOTE_ADDR="198.51.100.20")
    anna.force_login(organizer)
    changelist = anna.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "203.0.113.7" in changelist.content.decode()

    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="ben")
    anna.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert _login(attacker, "ben", "a-long-test-password").status_code == 302


def test_a_successful_login_forgets_earlier_typos(organizer):
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(4):
        _login(client, "anna", "typo")
    assert _login(client, "anna", "a-long-test-password").status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "anna", "typo").status_code == 200
    assert _login(client, "anna", "a-long-test-password").status_code == 302


@pytest.mark.parametrize("length", [256, 10_000])
def test_an_over_long_user_name_is_a_failed_login_that_never_reaches_authentication(organizer, length):
    from axes.models import AccessAttempt

    # django-axes records a failed login's user name in a varchar(255): on PostgreSQL a longer
    # one was a DataError (a 500). No account has such a name, so it is refused before that.
    name = "a" * length
    response = _login(Client(REMOTE_ADDR="203.0.113.7"), name, "wrong-password-guess")
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    assert not AccessAttempt.objects.filter(username=name).exists()
    assert not AccessAttempt.objects.exists()


def test_the_longest_possible_user_name_still_counts_as_a_login_attempt(organizer):
    from axes.models import AccessAttempt

    # The limit is the user name column's own (150): a name that long is authenticated, and counted.
    name = "a" * 150
    response = _login(Client(REMOTE_ADDR="203.0.113.7"), name, "wrong-password-guess")
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    assert AccessAttempt.objects.filter(username=name).count() == 1


def test_twenty_failures_from_four_addresses_lock_the_name_everywhere_and_mail_the_owner(
    organizer, mailoutbox, django_capture_on_commit_callbacks
):
    organizer.email = "anna@example.org"
    organizer.save()
    with django_capture_on_commit_callbacks(execute=True):
        for address in ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]:
            guesser = Client(REMOTE_ADDR=address)
            for _ in range(5):
                _login(guesser, "anna", "wrong-password-guess")
    # From a fifth address, even the right password is refused, with the reason.
    anna = Client(REMOTE_ADDR="198.51.100.20")
    response = _login(anna, "anna", "a-long-test-password")
    assert response.status_code == 200 and "_auth_user_id" not in anna.session
    page = " ".join(response.content.decode().split())
    assert "This user name is locked for" in page and "failed to sign in 20 times" in page
    # The owner got one mail when the name locked.
    mails = [mail for mail in mailoutbox if mail.to == ["anna@example.org"]]
    assert len(mails) == 1 and "locked for an hour" in mails[0].subject
    assert "20 times" in mails[0].body
    # Another name from the same addresses is not affected.
    SuperUserFactory(username="ben")
    assert _login(Client(REMOTE_ADDR="203.0.113.9"), "ben", "a-long-test-password").status_code == 302
    # An hour after the last failure, Anna gets in again.
    with time_machine.travel(datetime.timedelta(hours=1, minutes=1)):
        assert _login(Client(REMOTE_ADDR="198.51.100.20"), "anna", "a-long-test-password").status_code == 302


def test_a_name_without_an_account_locks_the_same_way(db):
    for address in ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]:
        guesser = Client(REMOTE_ADDR=address)
        for _ in range(5):
            _login(guesser, "nobody-here", "wrong-password-guess")
    response = _login(Client(REMOTE_ADDR="198.51.100.20"), "nobody-here", "whatever")
    assert "This user name is locked for" in " ".join(response.content.decode().split())
