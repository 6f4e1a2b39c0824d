"""Logs are JSON lines on stdout, errors reach the admins by email, and neither holds a secret."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.test import Client

from contributions.services import proposal_token
from tests.factories import ProposalFactory
from vdlm.log import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_log():
    """Everything Django logs under "django" during the test, as parsed JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django")
    logger.addHandler(handler)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_404_on_a_private_link_is_logged_without_its_token(client, json_log):
    token = "eyJwcm9wb3NhbCI6MTJ9:1tXyZa:secret-signature-value"
    client.get(f"/raffles/ml-prague-2020/confirm/{token}/extra/")
    client.get(f"/contribute/{token}/nope/")
    entries = json_log()
    assert [entry["level"] for entry in entries] == ["WARNING", "WARNING"]
    assert entries[0]["logger"] == "django.request"
    assert entries[0]["message"] == "Not Found: /raffles/ml-prague-2020/confirm/[redacted]/extra/"
    assert entries[1]["path"] == "/contribute/[redacted]/nope/" and entries[1]["status_code"] == 404
    assert "secret-signature" not in json.dumps(entries)


@pytest.mark.django_db
def test_a_server_error_is_logged_and_emailed_to_the_admins_without_secrets(settings, json_log):
    settings.ADMINS = [("Organizers", "errors@example.org")]
    proposal = ProposalFactory()
    token = proposal_token(proposal)
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "session-value-that-logs-in-as-someone"
    with mock.patch("contributions.views.services.proposal_from_token", side_effect=RuntimeError("database on fire")):
        response = client.get(f"/contribute/{token}/")
    assert response.status_code == 500
    assert b"database on fire" not in response.content  # the visitor sees the error page only

    [entry] = [entry for entry in json_log() if entry["level"] == "ERROR"]
    assert entry["message"] == "Internal Server Error: /contribute/[redacted]/"
    assert "RuntimeError: database on fire" in entry["exception"]

    [email] = mail.outbox
    assert email.to == ["errors@example.org"]
    assert "Internal Server Error: /contribute/[redacted]/" in email.subject
    assert "database on fire" in email.body
    html = email.alternatives[0][0] if email.alternatives else ""
    for secret in (token, token.split(":")[-1], "session-value-that-logs-in-as-someone"):
        assert secret not in email.subject + email.body + html
        assert secret not in json.dumps(entry)


def test_production_logs_are_json_lines_on_stdout():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOG_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="vdlm.settings",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="meetup.example.org",
    )
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('vdlm.test').warning('Login for %s', 'ada', extra={'user_id': 7}); "
        "logging.getLogger('vdlm.test').info('password=hunter2 sent to /contribute/abc.def:ghi/')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    assert entries[0]["level"] == "WARNING" and entries[0]["message"] == "Login for ada" and entries[0]["user_id"] == 7
    assert entries[0]["time"].endswith("+00:00")
    assert entries[1]["message"] == "password=[redacted] sent to /contribute/[redacted]/"
    assert result.stderr == ""
