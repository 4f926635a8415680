"""core 0008: the audit entries written before the chain existed are chained in id order by the data
migration, and the trail then verifies; a later edit is caught."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("core", "0006_password_state")]
AFTER = [("core", "0009_audit_triggers")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_entries_are_chained_by_the_data_migration():
    from core.chain import verify
    from core.models import AuditEntry

    try:
        old = migrate(BEFORE)
        OldEntry = old.get_model("core", "AuditEntry")
        ContentType = old.get_model("contenttypes", "ContentType")
        ct = ContentType.objects.get(app_label="core", model="user")
        made = [
            OldEntry.objects.create(
                content_type_id=ct.pk,
                object_id=str(i),
                object_repr=f"对象{i}",
                action="core.user.edit",
                reason=f"第{i}次",
                data={"i": i, "ratio": 0.5},
            )
            for i in range(4)
        ]
        migrate(AFTER)
        rows = list(AuditEntry.objects.filter(pk__in=[e.pk for e in made]).order_by("pk"))
        assert [r.seq for r in rows] == [1, 2, 3, 4]
        assert rows[0].prev_hash == "" and rows[1].prev_hash == rows[0].hash
        verdict = verify(AuditEntry)
        assert verdict.ok and verdict.count == 4
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
