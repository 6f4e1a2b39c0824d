"""CI runs the suite twice; this makes sure the PostgreSQL run really uses PostgreSQL."""

import os
import select

import psycopg2
import pytest
from django.db import connection

from talks.models import Person


@pytest.mark.django_db
def test_suite_runs_on_the_database_ci_asked_for():
    expected = os.environ.get("VDLM_EXPECT_DB_VENDOR")
    if expected is None:
        expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_suite_runs_on_the_django_ci_asked_for():
    import django

    expected = os.environ.get("VDLM_EXPECT_DJANGO")
    assert expected is None or django.get_version() == expected


postgresql_only = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL's connection health check"
)


def _wait_until_readable(database_connection, seconds=5):
    poller = select.poll()
    poller.register(database_connection.fileno(), select.POLLIN)
    assert poller.poll(seconds * 1000), "the server did not close the connection"


def _terminate(backend_pid):
    """Close a connection from the server's side, as a restart or an administrator does."""
    settings = connection.settings_dict
    admin = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
    )
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    finally:
        admin.close()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_between_requests_is_replaced_without_an_error():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    connection.ensure_connection()
    connection.close_at = None  # kept between requests, as in production (the tests' CONN_MAX_AGE is 0)
    old_backend = connection.connection.info.backend_pid
    _terminate(old_backend)
    _wait_until_readable(connection.connection)

    connection.close_if_unusable_or_obsolete()  # what the start of every request does
    assert Person.objects.count() == 0  # the next request's first query works
    assert connection.connection.info.backend_pid != old_backend
