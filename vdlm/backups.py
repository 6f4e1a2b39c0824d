"""Database backups and restores, for `make backup` and `make restore FILE=...`.

PostgreSQL goes through its own tools: pg_dump in the custom format (compressed,
restorable table by table) and pg_restore. SQLite goes through its online backup
API, which copies a consistent snapshot even while the site writes. Either way
the file holds everyone's email addresses: it is written readable by its owner
only, and belongs on encrypted storage (docs/deploy.md). Uploads are files, not
rows: back up MEDIA_ROOT (or rely on the bucket's versioning) besides.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.utils import timezone

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def _vendor(using):
    return connections[using].vendor


def _pg_environment(settings_dict):
    """libpq's variables for the connection: the password never appears on a command line."""
    environment = {**os.environ}
    mapping = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
    for key, variable in mapping.items():
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = settings_dict["OPTIONS"]["sslmode"]
    return environment


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def _run(command, environment):
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def default_backup_path(using="default"):
    """BACKUP_DIR/<database>-<UTC time>.<dump|sqlite3>."""
    settings_dict = connections[using].settings_dict
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if _vendor(using) == "sqlite":
        return Path(settings.BACKUP_DIR) / f"{Path(settings_dict['NAME']).stem}-{stamp}.sqlite3"
    return Path(settings.BACKUP_DIR) / f"{settings_dict['NAME']}-{stamp}.dump"


def backup_database(path=None, using="default"):
    """Write a backup of the `using` database to `path` (default: default_backup_path); returns the path.

    A `path` that is a folder gets a new file named as by default in it.
    """
    path = Path(path) if path else default_backup_path(using)
    if path.is_dir():  # `--output backups`: a new file in that folder, never the folder's own mode changed
        path = path / default_backup_path(using).name
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    settings_dict = connections[using].settings_dict
    vendor = _vendor(using)
    # Created empty and private first: the dump is never readable by others, not even briefly.
    path.touch(mode=0o600)
    path.chmod(0o600)
    if vendor == "sqlite":
        source = sqlite3.connect(settings_dict["NAME"])
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    elif vendor == "postgresql":
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)]
        _run(command, _pg_environment(settings_dict))
    else:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    return path


def _check_file(path, vendor):
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with path.open("rb") as file:
        header = file.read(16)
    expected = SQLITE_HEADER if vendor == "sqlite" else PG_DUMP_HEADER
    if not header.startswith(expected):
        kind = "a SQLite database" if vendor == "sqlite" else "a pg_dump file in the custom format"
        raise BackupError(f"{path} is not {kind}, so it cannot be restored into this {vendor} database.")
    return path


def restore_database(path, using="default"):
    """Replace the content of the `using` database with the backup at `path`.

    Meant for a stopped site (or one in maintenance): requests served during the
    restore see a half-restored database. The caches are emptied afterwards, so
    no page or site profile from before the restore is served.
    """
    vendor = _vendor(using)
    path = _check_file(path, vendor)
    settings_dict = connections[using].settings_dict
    connections[using].close()
    if vendor == "sqlite":
        source = sqlite3.connect(path)
        target = sqlite3.connect(settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif vendor == "postgresql":
        command = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            settings_dict["NAME"],
            str(path),
        ]
        _run(command, _pg_environment(settings_dict))
    else:
        raise BackupError(f"Restores into {vendor} databases are not supported.")
    for alias in settings.CACHES:
        caches[alias].clear()
    return path
