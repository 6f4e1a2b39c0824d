"""The project's own system checks (registered in vdlm.apps.VdlmConfig.ready).

- vdlm.E001 (`manage.py check --database default`): a database cache table of
  settings.CACHES is missing, so every rate-limited form would answer 500.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.checks import Error
from django.db import connections, router
from django.db.migrations.recorder import MigrationRecorder

# The migration that creates the cache tables (vdlm/migrations/0001_cache_tables.py).
CACHE_TABLES_MIGRATION = ("vdlm", "0001_cache_tables")


def database_cache_tables():
    """(cache alias, table name, cache) of every database cache in settings.CACHES."""
    for alias, configuration in settings.CACHES.items():
        cache = caches[alias]
        if isinstance(cache, BaseDatabaseCache):
            yield alias, configuration["LOCATION"], cache


def check_cache_tables(app_configs=None, databases=None, **kwargs):
    """vdlm.E001: each database cache's table exists in every database it is migrated to.

    A database cache is only checked once its migration has run: before that the
    table is missing because `migrate` has not run yet, and `migrate` itself runs
    this check first (an Error here would stop the very command that creates it).
    """
    errors = []
    for database in databases or []:
        connection = connections[database]
        if CACHE_TABLES_MIGRATION not in MigrationRecorder(connection).applied_migrations():
            continue
        existing = set(connection.introspection.table_names())
        for alias, table, cache in database_cache_tables():
            if not router.allow_migrate_model(database, cache.cache_model_class) or table in existing:
                continue
            errors.append(
                Error(
                    f"The table {table!r} of the database cache {alias!r} does not exist in the "
                    f"database {database!r}.",
                    hint=(
                        "Run `manage.py migrate` on a new database; on one migrated before this cache "
                        "was configured (or whose table was dropped), `manage.py createcachetable`."
                    ),
                    obj=f"CACHES[{alias!r}]",
                    id="vdlm.E001",
                )
            )
    return errors

