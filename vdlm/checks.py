"""The project's own system checks (registered in vdlm.apps.VdlmConfig.ready).

- vdlm.E001 (`manage.py check --database default`): a database cache table of
  settings.CACHES is missing, so every rate-limited form would answer 500.
- vdlm.W001 (`manage.py check --deploy`): with DEBUG off, mail goes nowhere
  (console, file, memory or dummy backend) instead of to a mail server.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.checks import Error, Warning
from django.db import connections, router
from django.db.migrations.recorder import MigrationRecorder

# The migration that creates the cache tables (vdlm/migrations/0001_cache_tables.py).
CACHE_TABLES_MIGRATION = ("vdlm", "0001_cache_tables")

# Backends that keep mail on this machine: the console one writes every confirmation mail
# (addresses, private links) to stdout, which is the server log.
NON_DELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


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


def check_email_backend(app_configs=None, **kwargs):
    """vdlm.W001 (deploy): with DEBUG off, EMAIL_BACKEND must deliver mail, unless explicitly allowed.

    Without EMAIL_URL the settings fall back to the console backend, which is
    right for `make run` and wrong on a server: nobody gets the confirmation
    mail, and the server log gets its address and private link.
    VDLM_ALLOW_NON_SMTP_EMAIL=true says that this is meant (a staging server).
    """
    if settings.DEBUG or getattr(settings, "VDLM_ALLOW_NON_SMTP_EMAIL", False):
        return []
    backend = settings.EMAIL_BACKEND
    if backend not in NON_DELIVERING_EMAIL_BACKENDS:
        return []
    message = f"EMAIL_BACKEND is {backend!r} with DEBUG off: no mail reaches anybody"
    if backend == "django.core.mail.backends.console.EmailBackend":
        message += ", and every mail (addresses, private links) is written to stdout, the server log"
    return [
        Warning(
            message + ".",
            hint=(
                "Set EMAIL_URL to your mail server (e.g. smtp+tls://user:password@mail.example.org:587), "
                "or VDLM_ALLOW_NON_SMTP_EMAIL=true if this server must not send mail."
            ),
            id="vdlm.W001",
        )
    ]
