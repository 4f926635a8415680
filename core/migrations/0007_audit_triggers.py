"""The audit tables refuse UPDATE and DELETE in the database itself.

PostgreSQL: core_auditentry has had its trigger since 0002; core_securityevent gets one that lets a DELETE
through only for rows older than 183 days and only inside the retention purge (which sets
`portal.audit_purge` for its transaction, core.security.purge_security_events).

SQLite: both tables get BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT). A DELETE asks
`portal_audit_may_delete(table, created_at)`, a function the portal registers on its connections
(core.apps): the purge of old security events, and the test suite's flush in test settings. Any other
client (the sqlite3 shell) has no such function, so its DELETE fails too. A later migration that rebuilds
one of these tables on SQLite (Django copies it to a new table) drops its triggers: create them again.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION core_securityevent_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('portal.audit_purge', true) = 'on'
     AND OLD.created_at < now() - interval '183 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'core_securityevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_securityevent_no_update BEFORE UPDATE OR DELETE ON core_securityevent
  FOR EACH ROW EXECUTE FUNCTION core_securityevent_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS core_securityevent_no_update ON core_securityevent;
DROP FUNCTION IF EXISTS core_securityevent_append_only();
"""

SQLITE_TABLES = ("core_auditentry", "core_securityevent")


def sqlite_forward(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        WHEN portal_audit_may_delete('{table}', OLD.created_at) = 0
        BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""",
    ]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        for table in SQLITE_TABLES:
            for sql in sqlite_forward(table):
                schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        for table in SQLITE_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


class Migration(migrations.Migration):
    dependencies = [("core", "0006_hash_existing_audit_entries")]
    operations = [migrations.RunPython(forward, backward)]
