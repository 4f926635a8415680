"""Namespaced audit action codes: `<app_label>.<model_name>.<verb>`, derived from the object by
core.audit; the label shown in the history is produced from the code; old rows with a bare verb are
mapped by migration core 0004 through their content type."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from applications import services
from applications.models import Application
from core.audit import action_code, label_for, record
from core.models import AuditEntry
from core.templatetags.portal import history
from reviews.models import ReviewRound

from ..factories import ApplicationFactory, BatchFactory, county
from ..helpers import audit_for

pytestmark = pytest.mark.django_db

migration = import_module("core.migrations.0004_namespaced_audit_actions")


@pytest.fixture
def application(db):
    return ApplicationFactory(
        batch=BatchFactory(), organisation=county("610922"), state=Application.State.SUBMITTED
    )


def test_the_same_verb_on_two_models_gets_two_codes(application, province):
    batch = application.batch
    record(batch, actor=province, action="edit", label="修改申报批次")
    record(application, actor=province, action="edit", label="修改申报书：基本信息")
    assert audit_for(batch).get().action == "applications.batch.edit"
    assert audit_for(application).get().action == "applications.application.edit"
    assert action_code(ReviewRound, "freeze_criteria") == "reviews.reviewround.freeze_criteria"
    assert action_code(application, "core.user.login") == "core.user.login"  # a full code is kept


def test_a_transition_is_recorded_with_its_code_and_shown_with_its_label(application, city_ankang):
    services.application_return(application=application, by=city_ankang, reason="数据有误")
    entry = audit_for(application).get()
    assert entry.action == "applications.application.return_for_revision"
    assert label_for(entry) == "退回修改"


def test_the_history_shows_labels_not_codes(application, city_ankang, province):
    services.application_return(application=application, by=city_ankang, reason="数据有误")
    record(application, actor=city_ankang, action="note")  # no label given: the verb is shown
    shown = [(e.action, e.action_label) for e in history(application, province)]
    assert shown == [
        ("applications.application.return_for_revision", "退回修改"),
        ("applications.application.note", "note"),
    ]


def _bare(obj, verb, label=""):
    """A row as written before the codes were namespaced."""
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj),
        action=verb,
        action_label=label,
    )


def _migrate(direction):
    with connection.cursor() as cursor:  # flush deferred FK checks, as at the start of a migration
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        direction(django_apps, editor)


def test_the_migration_maps_bare_verbs_through_the_content_type_and_back(application, province):
    old_submit = _bare(application, "submit")
    old_batch_edit = _bare(application.batch, "edit", "修改申报批次")
    new = record(application, actor=province, action="propose_decision", label="提出入选建议")
    _migrate(migration.forward)
    codes = dict(AuditEntry.objects.values_list("pk", "action"))
    assert codes == {
        old_submit.pk: "applications.application.submit",
        old_batch_edit.pk: "applications.batch.edit",
        new.pk: "applications.application.propose_decision",  # already namespaced: unchanged
    }
    assert label_for(AuditEntry.objects.get(pk=old_submit.pk)) == "提交申报书"  # from the transition
    _migrate(migration.forward)  # idempotent
    assert dict(AuditEntry.objects.values_list("pk", "action")) == codes
    _migrate(migration.backward)
    assert dict(AuditEntry.objects.values_list("pk", "action")) == {
        old_submit.pk: "submit",
        old_batch_edit.pk: "edit",
        new.pk: "propose_decision",
    }


def test_the_audit_table_stays_append_only_after_the_migration(application, province, require_postgres):
    from django.db import DatabaseError, transaction

    entry = record(application, actor=province, action="note")
    _migrate(migration.forward)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="篡改")
