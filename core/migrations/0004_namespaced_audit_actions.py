"""Audit action codes become `<app_label>.<model_name>.<verb>` (core.audit.action_code).

Old rows carry a bare verb; each is mapped through its content type. The audit table is append-only
in PostgreSQL (migration 0002's trigger): the trigger is disabled for this one rewrite of history's
labels and enabled again in the same transaction. Nothing but the code changes.
"""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

TRIGGER = "core_auditentry_no_update"


def _rewrite(apps, schema_editor, forward: bool):
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE core_auditentry DISABLE TRIGGER {TRIGGER}")
    try:
        used = AuditEntry.objects.values_list("content_type_id", flat=True).distinct()
        for ct in ContentType.objects.filter(pk__in=list(used)):
            prefix = f"{ct.app_label}.{ct.model}."
            rows = AuditEntry.objects.filter(content_type=ct)
            if forward:
                rows.exclude(action__contains=".").update(action=Concat(Value(prefix), F("action")))
            else:
                rows.filter(action__startswith=prefix).update(action=Substr(F("action"), len(prefix) + 1))
    finally:
        if postgres:
            schema_editor.execute(f"ALTER TABLE core_auditentry ENABLE TRIGGER {TRIGGER}")


def forward(apps, schema_editor):
    _rewrite(apps, schema_editor, forward=True)


def backward(apps, schema_editor):
    _rewrite(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_system_user"), ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(forward, backward)]
