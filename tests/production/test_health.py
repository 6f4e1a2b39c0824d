"""/healthz tells a load balancer whether this app server can serve, and tells nobody why not."""

from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError

pytestmark = pytest.mark.django_db

# What a real failure message can carry: hosts, user names, even a password in a URL.
LEAKY_ERROR = "could not connect to server db.internal:5432 as vdlm password=hunter2 redis://:s3cret@cache:6379"


def test_healthy_server_answers_ok_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200


def test_load_balancers_may_probe_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301  # everything else goes to https


def test_database_down_gives_503_without_details(client, caplog):
    with mock.patch("vdlm.health._database_answers", side_effect=OperationalError(LEAKY_ERROR)):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    # The operator finds the reason in the log.
    assert "the database does not answer" in caplog.text


def test_cache_down_gives_503_without_details(client):
    with mock.patch.object(type(caches["default"]), "set", side_effect=ConnectionError(LEAKY_ERROR)):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert b"6379" not in response.content and b"hunter2" not in response.content


def test_cache_that_forgets_gives_503(client):
    with mock.patch.object(type(caches["ratelimit"]), "get", return_value=None):
        assert client.get("/healthz").status_code == 503


def test_only_safe_methods(client):
    assert client.post("/healthz").status_code == 405
