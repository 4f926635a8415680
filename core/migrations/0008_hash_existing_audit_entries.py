"""Data: chain the audit entries written before the hash chain existed (id order) and create the heads of
both chains. The append-only trigger is switched off on PostgreSQL for the length of this migration (in
its transaction); on SQLite the triggers come after it (0007)."""

from django.db import migrations

# Frozen copy of AuditEntry.CHAINED_FIELDS as of this migration.
AUDIT_FIELDS = (
    "content_type_id",
    "object_id",
    "object_repr",
    "actor_id",
    "action",
    "action_label",
    "from_state",
    "to_state",
    "reason",
    "data",
    "created_at",
)


def forward(apps, schema_editor):
    from core.chain import digest

    AuditEntry = apps.get_model("core", "AuditEntry")
    ChainHead = apps.get_model("core", "ChainHead")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_update")
    prev, seq, batch = "", 0, []
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        seq += 1
        entry.seq = seq
        entry.prev_hash = prev
        entry.hash = prev = digest(prev, [getattr(entry, f) for f in AUDIT_FIELDS])
        batch.append(entry)
        if len(batch) >= 2000:
            AuditEntry.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditEntry.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
    if postgres:
        schema_editor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_no_update")
    ChainHead.objects.update_or_create(name="audit", defaults={"last_seq": seq, "last_hash": prev})
    ChainHead.objects.get_or_create(name="security")


def backward(apps, schema_editor):
    apps.get_model("core", "ChainHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0007_security_events_and_hash_chain")]
    operations = [migrations.RunPython(forward, backward)]
