"""The audit trail: written by every transition in the same transaction, and append-only."""

import pytest

from applications import services
from applications.models import Application
from core.audit import history_for, record
from core.models import AppendOnlyError, AuditEntry
from core.transitions import actions_for

from ..factories import ApplicationFactory, BatchFactory, county
from ..helpers import audit_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(db):
    return ApplicationFactory(
        batch=BatchFactory(), organisation=county("610922"), state=Application.State.SUBMITTED
    )


def test_transition_writes_one_entry_with_actor_states_and_reason(application, city_ankang):
    services.application_return(application=application, by=city_ankang, reason="数据有误")
    entry = audit_for(application).get()
    assert entry.actor == city_ankang
    assert (entry.action, entry.from_state, entry.to_state, entry.reason) == (
        "applications.application.return_for_revision",
        "submitted",
        "returned",
        "数据有误",
    )
    assert entry.action_label == "退回修改"
    assert entry.object_repr == str(application)
    assert entry.created_at is not None


def test_saving_an_existing_entry_raises(application, city_ankang):
    entry = record(application, actor=city_ankang, action="note", reason="原始记录")
    entry.reason = "篡改"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "原始记录"


def test_deleting_an_entry_raises(application, city_ankang):
    entry = record(application, actor=city_ankang, action="note")
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_history_is_oldest_first(application, city_ankang, applicant_county):
    services.application_return(application=application, by=city_ankang, reason="第一次退回")
    record(application, actor=applicant_county, action="note")
    assert [e.action for e in history_for(application)] == [
        "applications.application.return_for_revision",
        "applications.application.note",
    ]


def test_actions_offered_match_what_the_user_may_do(application, city_ankang, city_xian, applicant_county):
    assert {a.name for a in actions_for(application, city_ankang)} == {
        "return_for_revision",
        "reject",
        "recommend",
    }
    assert actions_for(application, city_xian) == []
    assert {a.name for a in actions_for(application, applicant_county)} == {"withdraw"}
    reject = next(a for a in actions_for(application, city_ankang) if a.name == "reject")
    assert reject.reason_required and reject.enabled
    recommend = next(a for a in actions_for(application, city_ankang) if a.name == "recommend")
    assert not recommend.enabled and "推荐意见" in recommend.refusal


def test_bulk_rewrites_of_the_audit_trail_are_refused_by_postgresql(require_postgres, django_user_model):
    from django.db import DatabaseError, transaction

    from core.audit import record

    user = django_user_model.objects.create(username="auditor")
    entry = record(user, actor=user, action="probe", label="探测")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""
