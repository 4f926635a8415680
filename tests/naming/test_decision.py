"""The two-key acceptance decision: the province proposes grades with reasons, the DRC confirms, either
returns with an opinion, a returned proposal is proposed again; every step a row, audited, refused in
every wrong state."""

import pytest

from core.errors import ActionNotPermitted, DomainError
from naming import services
from naming.models import AcceptanceDecision
from reviews.models import ReviewRound

from ..factories import ReviewRoundFactory
from ..helpers import audit_for
from .conftest import REASONS, propose

pytestmark = pytest.mark.django_db
K = AcceptanceDecision.Kind


def test_propose_records_every_pilot_grade_and_reason(proposed, pilot, other_pilot, review_round):
    assert proposed.kind == K.PROPOSE
    by_pilot = {i["pilot"]: i for i in proposed.items}
    assert by_pilot[pilot.pk]["grade"] == "excellent" and by_pilot[pilot.pk]["reason"] == REASONS["excellent"]
    assert by_pilot[other_pilot.pk]["grade"] == "fail"
    assert by_pilot[pilot.pk]["city"] == "安康市" and by_pilot[pilot.pk]["panel_grade"] == ""
    assert audit_for(review_round).filter(action="naming.decision.propose").count() == 1


def test_every_pilot_needs_a_grade_and_a_reason(review_round, province, pilot, other_pilot):
    with pytest.raises(DomainError, match="蓝田县"):
        services.decision_propose(
            review_round=review_round, by=province, grades={pilot.pk: "passed"}, reasons={pilot.pk: "达标"}
        )
    with pytest.raises(DomainError, match="石泉县"):
        services.decision_propose(
            review_round=review_round,
            by=province,
            grades={pilot.pk: "passed", other_pilot.pk: "passed"},
            reasons={pilot.pk: "  ", other_pilot.pk: "达标"},
        )
    assert not AcceptanceDecision.objects.exists()


def test_confirm_by_drc_answers_the_proposal(confirmed, proposed):
    assert confirmed.kind == K.CONFIRM and confirmed.proposal == proposed and confirmed.opinion == "同意。"


@pytest.mark.parametrize("who", ["drc", "province"])
def test_either_department_returns_with_an_opinion_and_the_proposal_is_made_again(
    who, request, proposed, review_round, province, drc, pilot, other_pilot
):
    user = request.getfixturevalue(who)
    with pytest.raises(DomainError, match="须填写意见"):
        services.decision_return(review_round=review_round, by=user, opinion=" ")
    returned = services.decision_return(
        review_round=review_round, by=user, opinion="蓝田县材料不全，请核实。"
    )
    assert returned.kind == K.RETURN and returned.proposal == proposed
    with pytest.raises(DomainError, match="没有待会签"):
        services.decision_confirm(review_round=review_round, by=drc)
    again = propose(review_round, province, {pilot: "excellent", other_pilot: "passed"}, note="已核实材料。")
    assert again.opinion == "已核实材料。"
    assert list(AcceptanceDecision.objects.values_list("kind", flat=True)) == [K.PROPOSE, K.RETURN, K.PROPOSE]


def test_only_the_right_department_holds_each_key(
    proposed, review_round, province, finance, drc, city_ankang
):
    for user in (province, finance, city_ankang):
        with pytest.raises(ActionNotPermitted):
            services.decision_confirm(review_round=review_round, by=user)
    for user in (finance, city_ankang):
        with pytest.raises(ActionNotPermitted):
            services.decision_return(review_round=review_round, by=user, opinion="不同意")
    for user in (drc, finance):
        with pytest.raises(ActionNotPermitted):
            propose(review_round, user, {})
    assert AcceptanceDecision.objects.count() == 1


def test_propose_refused_while_pending_and_after_confirmation(
    proposed, review_round, province, drc, pilot, other_pilot
):
    with pytest.raises(DomainError, match="正待省发展改革委会签"):
        propose(review_round, province, {pilot: "passed", other_pilot: "passed"})
    services.decision_confirm(review_round=review_round, by=drc)
    with pytest.raises(DomainError, match="已会签确认"):
        propose(review_round, province, {pilot: "passed", other_pilot: "passed"})
    with pytest.raises(DomainError, match="没有待会签"):
        services.decision_confirm(review_round=review_round, by=drc)
    with pytest.raises(DomainError, match="没有待会签"):
        services.decision_return(review_round=review_round, by=drc, opinion="再议")


@pytest.mark.parametrize(
    "state",
    [
        ReviewRound.State.SETUP,
        ReviewRound.State.DECLARING,
        ReviewRound.State.SCORING,
        ReviewRound.State.DECIDED,
    ],
)
def test_propose_refused_before_aggregation_and_after_the_conclusion(state, batch, province, pilot):
    review_round = ReviewRoundFactory(purpose=ReviewRound.Purpose.ACCEPTANCE, batch=batch, state=state)
    with pytest.raises(DomainError, match="验收"):
        propose(review_round, province, {pilot: "passed"})
    assert not AcceptanceDecision.objects.exists()


def test_a_selection_round_is_not_an_acceptance_decision(batch, province, drc):
    review_round = ReviewRoundFactory(batch=batch, state=ReviewRound.State.AGGREGATED)
    with pytest.raises(DomainError, match="只有验收评审"):
        services.decision_propose(review_round=review_round, by=province, grades={}, reasons={})
    with pytest.raises(DomainError, match="只有验收评审"):
        services.decision_confirm(review_round=review_round, by=drc)


def test_each_step_is_audited_and_notifies_the_other_department(
    review_round, province, drc, pilot, other_pilot
):
    from core.models import Notification

    propose(review_round, province, {pilot: "passed", other_pilot: "passed"})
    assert Notification.objects.filter(recipient=drc, kind="acceptance_proposed").count() == 1
    services.decision_return(review_round=review_round, by=drc, opinion="请补充约束性指标完成情况。")
    returned = Notification.objects.get(recipient=province, kind="acceptance_returned")
    assert returned.body == "请补充约束性指标完成情况。"
    propose(review_round, province, {pilot: "passed", other_pilot: "passed"}, note="已补充。")
    services.decision_confirm(review_round=review_round, by=drc)
    assert Notification.objects.filter(recipient=province, kind="acceptance_confirmed").count() == 1
    actions = list(audit_for(review_round).values_list("action", "actor_id"))
    assert actions == [
        ("naming.decision.propose", province.pk),
        ("naming.decision.return", drc.pk),
        ("naming.decision.propose", province.pk),
        ("naming.decision.confirm", drc.pk),
    ]
