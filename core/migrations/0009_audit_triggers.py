"""The audit tables refuse UPDATE and DELETE in the database itself, except the one update that seals a
row (core.chain.seal: `seq`, `prev_hash` and `hash` set once, every other column unchanged).

PostgreSQL: the function of core_auditentry's trigger (0002) is replaced to let the seal through;
core_securityevent gets a trigger that also lets a DELETE through for rows older than 183 days inside the
retention purge only (which sets `portal.audit_purge` for its transaction,
core.security.purge_security_events).

SQLite: both tables get BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT). A DELETE asks
`portal_audit_may_delete(table, created_at)`, a function the portal registers on its connections
(core.apps): the purge of old security events, and the test suite's flush in test settings. Any other
client (the sqlite3 shell) has no such function, so its DELETE fails too. A later migration that rebuilds
one of these tables on SQLite (Django copies it to a new table) drops its triggers: create them again.
"""

from django.db import migrations

SEALING = """TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
     AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash')"""

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
  IF {SEALING} THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'core_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION core_securityevent_append_only() RETURNS trigger AS $$
BEGIN
  IF {SEALING} THEN
    RETURN NEW;
  END IF;
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
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'core_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_MODELS = (("AuditEntry", "core_auditentry"), ("SecurityEvent", "core_securityevent"))
CHAIN_COLUMNS = {"seq", "prev_hash", "hash"}


def sqlite_forward(table: str, columns: list[str]) -> list[str]:
    unchanged = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in columns)
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        WHEN NOT (OLD.seq IS NULL AND NEW.seq IS NOT NULL AND {unchanged})
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
        for model_name, table in SQLITE_MODELS:
            model = apps.get_model("core", model_name)
            columns = [f.column for f in model._meta.concrete_fields if f.column not in CHAIN_COLUMNS]
            for sql in sqlite_forward(table, columns):
                schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        for _model, table in SQLITE_MODELS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


class Migration(migrations.Migration):
    dependencies = [("core", "0008_hash_existing_audit_entries")]
    operations = [migrations.RunPython(forward, backward)]
