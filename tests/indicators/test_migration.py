"""The migration of application targets from the former code column to catalogue entries
(applications 0006-0008): a row written with the old code points at the entry of that code."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("applications", "0005_attachment_content_type_length"),
    ("indicators", "0002_application_target_set"),
]
AFTER = [("applications", "0008_target_indicator_required")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_target_codes_become_keys_to_their_catalogue_entries():
    from ..factories import ApplicationFactory, county

    application = ApplicationFactory(organisation=county("610922"))
    try:
        old = migrate(BEFORE)
        OldTarget = old.get_model("applications", "ApplicationTarget")
        OldTarget.objects.create(application_id=application.pk, indicator="coal_share", target_value=40)
        OldTarget.objects.create(
            application_id=application.pk, indicator="other", custom_name="新增碳汇项目（个）", target_value=3
        )
        assert old.get_model("indicators", "IndicatorSet").objects.get(version=1).frozen_at is None

        new = migrate(AFTER)
        Target = new.get_model("applications", "ApplicationTarget")
        rows = Target.objects.filter(application_id=application.pk).order_by("pk")
        assert [(t.indicator.code, t.indicator.name, t.indicator.unit, t.custom_name) for t in rows] == [
            ("coal_share", "煤炭消费占比", "%", ""),
            ("other", "其他", "", "新增碳汇项目（个）"),
        ]
        assert not Target._meta.get_field("indicator").null
        assert "indicator_code" not in [f.name for f in Target._meta.get_fields()]
        # In use from then on: the set is frozen.
        assert new.get_model("indicators", "IndicatorSet").objects.get(version=1).frozen_at is not None
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
