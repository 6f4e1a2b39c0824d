"""Every migration can be undone: a database with data goes back to zero and forward again.

Run on a copy (a fresh SQLite file, or a fresh PostgreSQL database on CI's
server), never on the suite's own database, in a process of its own.
"""

import json

import pytest

from tests.production.databases import fresh_database, manage, python_module

ROUND_TRIP = """
import json
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

call_command("migrate", verbosity=0)
call_command("loaddemo", verbosity=0)
loader = MigrationLoader(connection)
# The task queue's own app (django-tasks-db) has a data migration without a way back: not ours to undo.
KEPT = "django_tasks_database"
apps = sorted({app for app, _ in loader.graph.nodes} - {KEPT})
forward = len(loader.applied_migrations)
for app in apps:
    call_command("migrate", app, "zero", verbosity=0)
after_zero = {key for key in MigrationLoader(connection).applied_migrations if key[0] != KEPT}
tables_at_zero = [
    name for name in connection.introspection.table_names()
    if name != "django_migrations" and not name.startswith(KEPT + "_")
]
call_command("migrate", verbosity=0)
call_command("loaddemo", verbosity=0)
print("RESULT " + json.dumps({
    "apps": apps,
    "forward": forward,
    "left_at_zero": sorted(f"{app}.{name}" for app, name in after_zero),
    "tables_at_zero": tables_at_zero,
    "back": len(MigrationLoader(connection).applied_migrations),
}))
"""

PAGES = ["/", "/meetups/", "/meetups/32/", "/talks/", "/speakers/", "/sponsors/", "/jobs/", "/meetups/32/deck/"]


@pytest.mark.django_db
def test_all_migrations_go_back_to_zero_and_forward_again_with_data(tmp_path):
    with fresh_database(tmp_path, "migrations") as database:
        result = manage("shell", "-c", ROUND_TRIP, database=database, timeout=600)
        assert result.returncode == 0, result.stderr[-5000:]
        line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
        outcome = json.loads(line.removeprefix("RESULT "))
        assert {"meetups", "talks", "sponsors", "raffles", "contributions", "decks", "outbox", "axes"} <= set(
            outcome["apps"]
        )
        assert outcome["left_at_zero"] == []
        assert outcome["tables_at_zero"] == []
        assert outcome["back"] == outcome["forward"] > 30

        output = tmp_path / "pages.json"
        rendered = python_module("tests.production.render_pages", str(output), *PAGES, database=database)
        assert rendered.returncode == 0, rendered.stderr[-3000:]
        statuses = {path: status for path, (status, _) in json.loads(output.read_text()).items()}
        assert statuses == dict.fromkeys(PAGES, 200)


def test_the_models_and_the_migrations_agree():
    result = manage("makemigrations", "--check", "--dry-run", database="sqlite:///:memory:")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_every_permission_name_fits_the_first_auth_schema():
    """Going back to zero passes auth's migration that makes names 50 characters long again: ours must fit."""
    from django.contrib.auth.models import Permission

    assert [name for name in Permission.objects.values_list("name", flat=True) if len(name) > 50] == []
