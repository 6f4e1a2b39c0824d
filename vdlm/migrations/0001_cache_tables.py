"""The database cache tables of settings.CACHES (the rate-limit counters without Redis).

`manage.py migrate` is all a deployment runs to get a working database, so the
tables Django's `createcachetable` makes are created here too. createcachetable
skips tables that exist, so a database that already has them is left as it is.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management import call_command
from django.db import migrations, router


def create_cache_tables(apps, schema_editor):
    """Django's createcachetable, on the database being migrated."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_tables(apps, schema_editor):
    """Back to zero: the cache tables go with the rest of the schema (they only hold counters)."""
    database = schema_editor.connection.alias
    existing = set(schema_editor.connection.introspection.table_names())
    for alias in settings.CACHES:
        cache = caches[alias]
        if not isinstance(cache, BaseDatabaseCache):
            continue
        if not router.allow_migrate_model(database, cache.cache_model_class):
            continue
        table = settings.CACHES[alias]["LOCATION"]
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")
            # Two caches may share a table.
            existing.discard(table)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [migrations.RunPython(create_cache_tables, drop_cache_tables)]
