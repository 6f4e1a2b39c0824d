"""`manage.py migrate` alone gives a database the site can serve from: the rate-limit cache
table included, which every raffle entry and contribution needs (without Redis). And
`manage.py check --database default` says when that table is missing.

Run on a fresh database in processes of their own, as an operator runs the commands.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tests.production.databases import fresh_database, manage

TABLE = "vdlm_ratelimit_cache"
SERVING = ["TABLE True", "HEALTH 200", "PREVIEW 200 True"]

SERVE = """
from django.db import connection
from django.test import Client

client = Client(raise_request_exception=False)
print("TABLE", "vdlm_ratelimit_cache" in connection.introspection.table_names())
print("HEALTH", client.get("/healthz").status_code)
preview = client.post("/contribute/preview/", {"abstract": "**bold**"})
print("PREVIEW", preview.status_code, "<strong>bold</strong>" in preview.content.decode())
"""

DROP = f"""
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("DROP TABLE {TABLE}")
"""


def _lines(result):
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return [line for line in result.stdout.splitlines() if line.split(" ")[0] in {"TABLE", "HEALTH", "PREVIEW"}]


@pytest.mark.django_db
def test_migrate_alone_creates_the_cache_table_and_the_forms_and_health_check_work(tmp_path):
    with fresh_database(tmp_path, "cachetable") as database:
        result = manage("migrate", "--noinput", database=database)
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
        assert _lines(manage("shell", "-c", SERVE, database=database)) == SERVING
        assert manage("check", "--database", "default", database=database).returncode == 0


@pytest.mark.django_db
def test_the_check_names_a_dropped_cache_table_and_how_to_get_it_back(tmp_path):
    with fresh_database(tmp_path, "cachecheck") as database:
        assert manage("migrate", "--noinput", database=database).returncode == 0
        assert manage("shell", "-c", DROP, database=database).returncode == 0
        assert _lines(manage("shell", "-c", SERVE, database=database))[:2] == ["TABLE False", "HEALTH 503"]

        result = manage("check", "--database", "default", database=database)
        assert result.returncode != 0
        assert "vdlm.E001" in result.stderr and f"'{TABLE}'" in result.stderr
        assert "manage.py createcachetable" in result.stderr

        assert manage("createcachetable", database=database).returncode == 0
        assert manage("check", "--database", "default", database=database).returncode == 0


@pytest.mark.django_db
def test_a_database_migrated_before_the_cache_migration_gets_the_table_from_migrate(tmp_path):
    # As the servers set up before the migration existed: everything migrated, no cache table.
    with fresh_database(tmp_path, "cacheupgrade") as database:
        assert manage("migrate", "--noinput", database=database).returncode == 0
        assert manage("migrate", "vdlm", "zero", "--noinput", database=database).returncode == 0
        assert _lines(manage("shell", "-c", SERVE, database=database))[:2] == ["TABLE False", "HEALTH 503"]
        # The check stays quiet while the migration is pending: it runs before `migrate` itself.
        assert manage("check", "--database", "default", database=database).returncode == 0
        result = manage("migrate", "--noinput", database=database)
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
        assert _lines(manage("shell", "-c", SERVE, database=database)) == SERVING


@pytest.mark.django_db
def test_the_check_reports_a_configured_cache_table_that_does_not_exist(settings):
    # In the suite's own database, migrated: a cache whose table nobody created.
    settings.CACHES = {
        **settings.CACHES,
        "extra": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "vdlm_no_such_cache"},
    }
    with pytest.raises(SystemCheckError, match=r"vdlm\.E001.*'vdlm_no_such_cache'"):
        call_command("check", "--database", "default")
    settings.CACHES = {key: value for key, value in settings.CACHES.items() if key != "extra"}
    call_command("check", "--database", "default")
