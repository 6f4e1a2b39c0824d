"""Settings come from the environment and are safe by default."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env_overrides):
    # Nothing of this process's configuration leaks in: mail settings included (the deploy check reads them).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_URL", "VDLM_ALLOW_NON_SMTP_EMAIL"))
    }
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "vdlm.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_refuses_to_start_without_allowed_hosts_when_debug_is_off():
    result = _manage("check", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="meetup.example.org",
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "k3y" * 20,
    "DJANGO_ALLOWED_HOSTS": "meetup.example.org",
}


def _deploy_check(**env):
    return _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **env)


def test_deploy_check_is_clean_with_production_settings():
    # No connection is made: the check only reads the settings.
    result = _deploy_check(EMAIL_URL="smtp+tls://vdlm:secret@mail.example.org:587")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "vdlm.W001" not in result.stdout + result.stderr


def test_deploy_check_warns_when_mail_would_go_to_the_server_log():
    # Without EMAIL_URL the console backend writes every confirmation mail, address and
    # private link included, to stdout: on a server that is the log.
    result = _deploy_check()
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "vdlm.W001" in output and "console.EmailBackend" in output and "the server log" in output
    assert "Set EMAIL_URL" in output
    for url in ("filemail:///tmp/vdlm-mail", "memorymail://", "dummymail://"):
        assert "vdlm.W001" in _deploy_check(EMAIL_URL=url).stderr, url


def test_deploy_check_accepts_mail_kept_off_the_network_when_asked_to():
    result = _deploy_check(VDLM_ALLOW_NON_SMTP_EMAIL="true")
    assert result.returncode == 0, result.stdout + result.stderr


def test_make_run_prints_mail_in_its_terminal():
    # DEBUG on, as `make run` has it, and no EMAIL_URL: the console backend, and no warning.
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)", DJANGO_DEBUG="true"
    )
    assert result.stdout.strip().splitlines()[-1] == "django.core.mail.backends.console.EmailBackend", result.stderr
    assert "vdlm.W001" not in _manage("check", "--deploy", DJANGO_DEBUG="true").stderr
