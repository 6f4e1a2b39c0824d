"""`make backup` and `make restore`: a backup restored into a fresh database serves the same site."""

import datetime
import io
import json
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from tests.production.databases import database_url, fresh_database, manage, python_module, require_tools
from tests.site_data import build_meetup_32

PAGES = [
    "/",
    "/meetups/",
    "/meetups/32/",
    "/meetups/33/",
    "/meetups/32/deck/",
    "/talks/",
    "/talks/self-supervised-deep-learning/",
    "/talks/report-from-neurips-2019/",
    "/speakers/",
    "/speakers/rene-donner/",
    "/sponsors/",
    "/jobs/",
    "/jobs/lead-data-engineer/",
    "/raffles/ml-prague-2020/",
    "/contribute/",
    "/privacy/",
    "/meetups/feed/",
    "/sitemap.xml",
    "/api/editions/",
    "/api/talks/?year=2020",
    "/api/speakers/",
]


def _render(database, output):
    result = python_module("tests.production.render_pages", str(output), *PAGES, database=database)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(output.read_text())


def _needs_tools():
    if connection.vendor == "postgresql":
        require_tools("pg_dump", "pg_restore")


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_serves_the_same_pages(tmp_path):
    _needs_tools()
    # The evening is three days ahead: its raffle is open and its job ad current.
    build_meetup_32(day=timezone.localdate() + datetime.timedelta(days=3))
    original = _render(database_url(connection.settings_dict), tmp_path / "original.json")
    assert {path: status for path, (status, _) in original.items() if status != 200} == {}
    assert "René Donner" in original["/speakers/rene-donner/"][1]

    backup = tmp_path / "backup.bin"
    call_command("backup_db", output=str(backup), stdout=io.StringIO())
    # Everyone's email addresses are in there: only the owner may read it.
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    with fresh_database(tmp_path, "restore") as fresh:
        result = manage("restore_db", str(backup), "--noinput", database=fresh)
        assert result.returncode == 0, result.stderr
        assert "Restored" in result.stdout
        restored = _render(fresh, tmp_path / "restored.json")
    assert restored.keys() == original.keys()
    for path in PAGES:
        assert restored[path] == original[path], path


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_no_backup_of_this_kind(tmp_path):
    _needs_tools()
    build_meetup_32()
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("shopping list")
    kind = "a SQLite database" if connection.vendor == "sqlite" else "a pg_dump file in the custom format"
    with pytest.raises(CommandError, match=f"is not {kind}"):
        call_command("restore_db", str(not_a_backup), interactive=False)
    with pytest.raises(CommandError, match="There is no backup file"):
        call_command("restore_db", str(tmp_path / "missing.dump"), interactive=False)


def test_restore_asks_before_it_replaces_anything(tmp_path, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Restore cancelled; nothing was changed."):
        call_command("restore_db", str(tmp_path / "whatever.dump"))


@pytest.mark.django_db(transaction=True)
def test_a_backup_into_a_folder_is_a_new_file_in_it_and_the_folder_stays_usable(tmp_path):
    _needs_tools()
    build_meetup_32()
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o750)
    out = io.StringIO()
    call_command("backup_db", "--output", str(folder), stdout=out)
    (written,) = folder.iterdir()
    assert f"Backup written: {written}" in out.getvalue()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    assert stat.S_IMODE(written.stat().st_mode) == 0o600 and written.stat().st_size > 0
