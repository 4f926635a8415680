"""Publicity (公示) of the confirmed acceptance results, objections, and the conclusion: passed pilots named
with their grade, failed ones told why; every step refused in every wrong state, also when the model's
transition is called directly."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from applications.models import Batch
from core.errors import ActionNotPermitted, DomainError
from core.models import Notification
from naming import services
from naming.models import NamingCertificate, NamingPublicity
from pilots.models import Pilot
from reviews.models import Objection, ReviewRound

from ..factories import ReviewRoundFactory, item_of
from ..helpers import audit_for
from .conftest import past, propose

pytestmark = pytest.mark.django_db
NUMBER = "陕环发〔2026〕48号"


def _object(publicity, pilot, province, content="验收材料中的监测数据与统计数据不一致。"):
    return services.objection_record(
        publicity=publicity,
        pilot=pilot,
        by=province,
        received_on=timezone.localdate(),
        objector="张某",
        contact="13900000000",
        content=content,
    )


def _conclude(publicity, province, number=NUMBER):
    return services.publicity_conclude(publicity=publicity, by=province, document_no=number)


def _open(review_round, province, start=None):
    return services.publicity_open(
        review_round=review_round,
        by=province,
        start=start or past(20),
        working_days=5,
        contact="029-87654321",
    )


def test_publicity_runs_for_working_days(confirmed, review_round, province):
    publicity = services.publicity_open(
        review_round=review_round,
        by=province,
        start=datetime.date(2026, 9, 28),  # 国庆: 10月1日至8日 are holidays
        working_days=5,
        contact="029-87654321",
    )
    assert publicity.end > datetime.date(2026, 10, 2)
    assert publicity.decision == confirmed.proposal
    assert audit_for(review_round).filter(action="naming.publicity.open").exists()


def test_publicity_open_refused_in_every_wrong_state(review_round, province, drc, pilot, other_pilot):
    with pytest.raises(DomainError, match="尚未经省发展改革委会签确认"):
        _open(review_round, province)
    propose(review_round, province, {pilot: "passed", other_pilot: "passed"})
    with pytest.raises(DomainError, match="尚未经省发展改革委会签确认"):
        _open(review_round, province)
    services.decision_return(review_round=review_round, by=drc, opinion="请补充理由。")
    with pytest.raises(DomainError, match="尚未经省发展改革委会签确认"):
        _open(review_round, province)
    propose(review_round, province, {pilot: "passed", other_pilot: "passed"})
    services.decision_confirm(review_round=review_round, by=drc)
    with pytest.raises(ActionNotPermitted):
        _open(review_round, drc)
    with pytest.raises(DomainError, match="工作日"):
        services.publicity_open(
            review_round=review_round, by=province, start=past(1), working_days=0, contact="x"
        )
    with pytest.raises(DomainError, match="联系人"):
        services.publicity_open(review_round=review_round, by=province, start=past(1), contact=" ")
    _open(review_round, province)
    with pytest.raises(DomainError, match="已发布公示"):
        _open(review_round, province)
    assert NamingPublicity.objects.count() == 1


def test_conclude_names_the_passed_and_tells_the_failed_why(
    in_publicity,
    review_round,
    province,
    pilot,
    other_pilot,
    applicant_county,
    applicant_xian,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        publicity = _conclude(in_publicity, province)
    assert publicity.state == NamingPublicity.State.CONCLUDED and publicity.document_no == NUMBER
    pilot.refresh_from_db()
    other_pilot.refresh_from_db()
    assert pilot.state == Pilot.State.ACCEPTED
    assert pilot.acceptance_grade == Pilot.Grade.EXCELLENT and pilot.named_at == timezone.localdate()
    assert other_pilot.state == Pilot.State.ACCEPTANCE_FAILED
    notice = Notification.objects.get(recipient=applicant_xian, kind="acceptance_failed")
    assert "单位GDP二氧化碳排放降低率未达到方案约束性目标" in notice.body
    assert "可在建设期内" in notice.title
    assert ReviewRound.objects.get(pk=review_round.pk).state == ReviewRound.State.DECIDED
    certificate = NamingCertificate.objects.get()
    assert (
        certificate.pilot == pilot and certificate.document_no == NUMBER and certificate.grade == "excellent"
    )


def test_conclude_refused_before_the_end_of_publicity(confirmed, review_round, province):
    publicity = _open(review_round, province, start=timezone.localdate())
    with pytest.raises(DomainError, match="公示期未满"):
        _conclude(publicity, province)
    publicity.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        publicity.conclude(by=province)  # the model's own guard, called directly
    assert NamingPublicity.objects.get().state == NamingPublicity.State.OPEN


def test_conclude_refused_while_an_objection_is_pending(in_publicity, province, pilot):
    objection = _object(in_publicity, pilot, province)
    with pytest.raises(DomainError, match="尚有公示异议未处理完毕"):
        _conclude(in_publicity, province)
    in_publicity.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        in_publicity.conclude(by=province)
    services.objection_handle(objection=objection, by=province, upheld=False, handling="经核实，数据一致。")
    _conclude(in_publicity, province)
    assert Pilot.objects.get(pk=pilot.pk).state == Pilot.State.ACCEPTED


def test_conclude_refused_twice_by_others_and_with_a_bad_number(in_publicity, province, drc):
    with pytest.raises(ActionNotPermitted):
        _conclude(in_publicity, drc)
    with pytest.raises(DomainError, match="文号格式"):
        _conclude(in_publicity, province, "陕环发[2026]48号")
    _conclude(in_publicity, province)
    with pytest.raises(DomainError, match="当前状态为"):
        _conclude(in_publicity, province, "陕环发〔2026〕49号")
    assert NamingPublicity.objects.get().document_no == NUMBER


def test_an_upheld_objection_holds_the_pilot_out_of_the_naming(in_publicity, province, pilot, other_pilot):
    objection = _object(in_publicity, pilot, province)
    services.objection_handle(objection=objection, by=province, upheld=True, handling="经核实，情况属实。")
    assert Objection.objects.get().outcome == Objection.Outcome.UPHELD
    with pytest.raises(DomainError, match="只能对公示中的试点单位"):
        _object(in_publicity, pilot, province)
    with pytest.raises(DomainError, match="已处理"):
        services.objection_handle(objection=objection, by=province, upheld=False, handling="重复")
    _conclude(in_publicity, province)
    assert Pilot.objects.get(pk=pilot.pk).state == Pilot.State.IN_ACCEPTANCE_REVIEW
    assert Pilot.objects.get(pk=other_pilot.pk).state == Pilot.State.ACCEPTANCE_FAILED
    assert not NamingCertificate.objects.exists()


def test_objections_refused_after_the_conclusion_and_by_others(in_publicity, province, drc, pilot):
    objection = _object(in_publicity, pilot, province)
    with pytest.raises(ActionNotPermitted):
        _object(in_publicity, pilot, drc)
    with pytest.raises(ActionNotPermitted):
        services.objection_handle(objection=objection, by=drc, upheld=False, handling="x")
    with pytest.raises(DomainError, match="署名"):
        services.objection_record(
            publicity=in_publicity,
            pilot=pilot,
            by=province,
            received_on=past(1),
            objector="",
            contact="",
            content="",
        )
    services.objection_handle(objection=objection, by=province, upheld=False, handling="经核实，不属实。")
    _conclude(in_publicity, province)
    with pytest.raises(DomainError, match="公示已结束"):
        _object(in_publicity, pilot, province)
    assert Objection.objects.count() == 1


def test_a_second_failure_after_the_construction_period_disqualifies(
    in_publicity, province, drc, batch, other_pilot
):
    _conclude(in_publicity, province)  # 蓝田县 fails a first time, within its period
    assert Pilot.objects.get(pk=other_pilot.pk).state == Pilot.State.ACCEPTANCE_FAILED
    Pilot.objects.filter(pk=other_pilot.pk).update(state=Pilot.State.IN_ACCEPTANCE_REVIEW)
    Batch.objects.filter(pk=batch.pk).update(construction_end=past(5))
    second = ReviewRoundFactory(
        purpose=ReviewRound.Purpose.ACCEPTANCE, batch=batch, state=ReviewRound.State.AGGREGATED
    )
    item_of(second, other_pilot)
    other_pilot.refresh_from_db()
    propose(second, province, {other_pilot: "fail"})
    services.decision_confirm(review_round=second, by=drc)
    publicity = _open(second, province)
    _conclude(publicity, province, "陕环发〔2026〕60号")
    assert Pilot.objects.get(pk=other_pilot.pk).state == Pilot.State.DISQUALIFIED


def test_a_first_failure_after_the_period_is_told_the_period_is_over(
    in_publicity, province, batch, applicant_xian
):
    Batch.objects.filter(pk=batch.pk).update(construction_end=past(5))
    _conclude(in_publicity, province)
    notice = Notification.objects.get(recipient=applicant_xian, kind="acceptance_failed")
    assert "届满" in notice.title


def test_time_passes_and_the_publicity_can_be_concluded(confirmed, review_round, province):
    publicity = _open(review_round, province, start=timezone.localdate())
    with time_machine.travel(timezone.now() + datetime.timedelta(days=20), tick=False):
        _conclude(publicity, province)
    assert NamingPublicity.objects.get().state == NamingPublicity.State.CONCLUDED


def test_a_failed_pilot_may_request_again_only_within_its_construction_period(
    in_publicity, province, batch, other_pilot, applicant_xian
):
    from pilots import services as pilot_services

    _conclude(in_publicity, province)
    Batch.objects.filter(pk=batch.pk).update(construction_end=past(1))
    failed = Pilot.objects.get(pk=other_pilot.pk)
    with pytest.raises(DomainError, match="建设期已结束"):
        pilot_services.pilot_transition(pilot=failed, name="request_acceptance", by=applicant_xian)
    Batch.objects.filter(pk=batch.pk).update(construction_end=timezone.localdate())
    pilot_services.pilot_transition(pilot=failed, name="request_acceptance", by=applicant_xian)
    assert Pilot.objects.get(pk=other_pilot.pk).state == Pilot.State.ACCEPTANCE_REQUESTED
