"""The database refuses to change an audit entry (a trigger on SQLite and PostgreSQL).

Only the account column may change, to empty, when the account is deleted (on_delete=SET_NULL:
the entry keeps actor_name). Deleting stays possible for the retention purge (purge_audit); the
application refuses any other deletion (AuditEntry.delete, the admin).
"""

from django.db import migrations

COLUMNS = "at, actor_name, action, summary, objects_affected, address"
MESSAGE = "the audit trail is append-only"

SQLITE = [
    f"CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OF {COLUMNS} ON audit_auditentry "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_BACK = ["DROP TRIGGER IF EXISTS audit_entry_append_only"]
POSTGRESQL = [
    "CREATE FUNCTION audit_entry_refuse_update() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$",
    f"CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OF {COLUMNS} ON audit_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_update()",
]
POSTGRESQL_BACK = [
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_entry_refuse_update()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRESQL_BACK}),
        )
    ]
