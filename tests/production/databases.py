"""Throwaway databases for the backup and migration tests, and processes that use them.

SQLite: a new file. PostgreSQL: a new database on the server the suite runs on,
created and dropped through the suite's own connection. Tools that are missing
skip the test on a developer's machine, but fail it on CI (CI=true), where a
skipped check would pass unseen.
"""

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url(settings_dict):
    """A DATABASE_URL for the database that `settings_dict` (Django's connection settings) names."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    credentials = quote(settings_dict.get("USER") or "", safe="")
    if settings_dict.get("PASSWORD"):
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"


def require_tools(*names):
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (Debian: postgresql-client)"
        if os.environ.get("CI"):
            pytest.fail(message + "; on CI this test must run.")
        pytest.skip(message)


def manage(*args, database, settings_module="tests.settings", timeout=300, extra_env=None):
    """`manage.py ARGS` in a new process on the database at `database` (a DATABASE_URL)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update(DATABASE_URL=database, DJANGO_SETTINGS_MODULE=settings_module, **(extra_env or {}))
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def python_module(module, *args, database):
    """`python -m MODULE ARGS` in a new process on the database at `database`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env.update(DATABASE_URL=database, DJANGO_SETTINGS_MODULE="tests.settings")
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@contextlib.contextmanager
def fresh_database(tmp_path, label):
    """A DATABASE_URL for a new, empty database of the kind the suite runs on; gone afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / f'{label}.sqlite3'}"
        return
    name = f"vdlm_{label}_{secrets.token_hex(4)}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url({**connection.settings_dict, "NAME": name})
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
