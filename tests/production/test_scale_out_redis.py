"""Several app servers share one Redis: pages, sessions and rate limits hold across them.

Nothing may live in one server's memory or disk. The suite's key flows run here
with Django's Redis cache and cached-db sessions, as settings.py configures them
when REDIS_URL is set, and a second app server (another process, same Redis and
database) sees the same counters and the same logins. Redis runs on the machine
(.ci/run starts it); a database of its own is flushed before and after. Without
Redis the test is skipped on a developer's machine, but fails on CI.
"""

import datetime
import json
import os

import pytest
import redis
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from raffles.models import RaffleEntry
from tests.factories import RaffleFactory, SuperUserFactory
from tests.production.databases import database_url, manage
from vdlm.spam import rendered_at_token

REDIS_URL = os.environ.get("VDLM_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
ENTRY_RATE = "3/10m"

SECOND_SERVER = """
import json, time
from django.test import Client
from vdlm.spam import rendered_at_token
client = Client(REMOTE_ADDR="192.0.2.50")
entry = client.post("/raffles/scale-out/", {{
    "email": "fourth@example.org", "answer": "Chollet", "consent": "on",
    "rendered_at": rendered_at_token(time.time() - 60),
}})
admin = Client()
admin.cookies["sessionid"] = {session!r}
print("RESULT " + json.dumps({{"entry": entry.status_code, "admin": admin.get("/admin/").status_code}}))
"""


@pytest.fixture
def shared_redis(settings):
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as error:
        message = f"Redis at {REDIS_URL} is not reachable ({error})"
        if os.environ.get("CI"):
            pytest.fail(message + "; on CI .ci/run starts it and this test must run.")
        pytest.skip(message)
    connection.flushdb()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ratelimit",
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield connection
    connection.flushdb()
    connection.close()


def _keys(connection, fragment):
    return [key.decode() for key in connection.keys(f"*{fragment}*")]


def _second_server(session):
    """The same requests, sent to another app server: a new process sharing Redis and the database."""
    from django.db import connection

    # Configured like this one: the limit is part of the counter's key.
    env = {"REDIS_URL": REDIS_URL, "RAFFLE_ENTRY_IP_RATE": ENTRY_RATE}
    result = manage(
        "shell",
        "-c",
        SECOND_SERVER.format(session=session),
        database=database_url(connection.settings_dict),
        extra_env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@pytest.mark.django_db(transaction=True)
def test_pages_raffle_limits_and_admin_sessions_are_shared_through_redis(shared_redis, settings):
    settings.RAFFLE_ENTRY_IP_RATE = ENTRY_RATE
    RaffleFactory(slug="scale-out", closes_at=timezone.now() + datetime.timedelta(days=3))
    SuperUserFactory(username="anna")

    visitor = Client()
    assert visitor.get("/").status_code == 200

    # The raffle: three entries from one address are taken, and counted in Redis...
    entrant = Client(REMOTE_ADDR="192.0.2.50")
    for number in range(3):
        response = entrant.post(
            "/raffles/scale-out/",
            {
                "email": f"entrant{number}@example.org",
                "answer": "Chollet",
                "consent": "on",
                "rendered_at": rendered_at_token(timezone.now().timestamp() - 60),
            },
        )
        assert response.status_code == 200, response.content.decode()[:2000]
    assert RaffleEntry.objects.count() == 3
    assert _keys(shared_redis, "ratelimit")

    # The admin: a real login through the form puts the session in Redis and in the database.
    organizer = Client()
    credentials = {"username": "anna", "password": "a-long-test-password", "next": "/admin/"}
    response = organizer.post("/admin/login/", credentials)
    assert response.status_code == 302
    session = organizer.cookies["sessionid"].value
    assert _keys(shared_redis, session)
    assert Session.objects.filter(session_key=session).exists()

    # ...so the fourth entry, sent to another app server, is refused there, and the
    # organizer's login works there too.
    assert _second_server(session) == {"entry": 429, "admin": 200}
    assert RaffleEntry.objects.count() == 3

    # Logging out on one server ends the session on every server.
    organizer.post("/admin/logout/")
    assert not _keys(shared_redis, session)
    assert _second_server(session)["admin"] == 302
