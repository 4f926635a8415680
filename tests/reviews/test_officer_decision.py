"""The joint decision: revealed scores first (or a logged reason), the ecology department's proposal from
the ranking with reasons for any departure, the finance department's confirmation (once), and the
applicants told of their outcome. Returning a proposal, the decision rows and the counters are in
test_joint_decision."""

import pytest
from django.urls import reverse

from applications import services as application_services
from applications.models import Application
from core.errors import ActionNotPermitted, DomainError
from core.models import Notification
from reviews import services
from reviews.models import ReviewAssignment, ReviewRound

from ..factories import item_of
from ..helpers import audit_for, by_state, not_permitted, refused
from .officer_setup import R, pool_expert, scored_round

pytestmark = pytest.mark.django_db
S = Application.State


def fresh(application):
    return Application.objects.get(pk=application.pk)


def test_no_proposal_before_the_scores_are_revealed(province):
    review_round, apps, _ = scored_round(state=R.SCORING)
    with pytest.raises(DomainError, match="须先揭示并汇总评分"):
        services.decision_propose(
            review_round=review_round, by=province, shortlist=[apps["X"].pk], reasons={}
        )
    assert fresh(apps["X"]).decision_proposal == ""


def test_aggregation_waits_for_every_score_unless_a_reason_is_logged(province):
    review_round, apps, experts = scored_round(state=R.SCORING)
    late = pool_expert("专家丁")
    ReviewAssignment.objects.create(
        round=review_round, expert=late, item=item_of(review_round, apps["X"])
    )  # open
    with refused(review_round, code="state", match="尚有评审任务未完成打分"):
        services.round_transition(review_round=review_round, name="aggregate", by=province)
    with refused(review_round, match="须填写理由"):
        services.round_transition(review_round=review_round, name="aggregate_incomplete", by=province)
    services.round_transition(
        review_round=review_round,
        name="aggregate_incomplete",
        by=province,
        reason="一位专家因病无法完成，经评审组研究按已提交评分汇总。",
    )
    assert ReviewRound.objects.get(pk=review_round.pk).state == R.AGGREGATED
    entry = audit_for(review_round).get(action="reviews.reviewround.aggregate_incomplete")
    assert entry.reason.startswith("一位专家因病")


def test_proposal_following_the_ranking_then_finance_confirms_once(province, finance, applicant_county):
    review_round, apps, _ = scored_round(tie_break=["median", "mean"])  # X, Z, Y
    count = services.decision_propose(
        review_round=review_round, by=province, shortlist=[apps["X"].pk, apps["Z"].pk], reasons={}
    )
    assert count == 3
    x, y = fresh(apps["X"]), fresh(apps["Y"])
    assert (x.state, x.decision_proposal, y.decision_proposal) == (S.REVIEWED, "shortlist", "decline")
    assert (
        audit_for(x).get(action="applications.application.propose_decision").reason
        == "评审排名第1名（去掉最高分和最低分后平均78.00分）"
    )
    assert Notification.objects.filter(recipient=finance, kind="decision_proposed").count() == 3
    assert audit_for(review_round).filter(action="reviews.proposal.propose").exists()

    application_services.application_confirm_decision(application=x, by=finance)
    assert fresh(x).state == S.SHORTLISTED
    assert Notification.objects.filter(recipient=applicant_county, kind="selection_outcome").get().title == (
        "遴选结果：拟入选"
    )
    with by_state(fresh(x), match="当前状态为「拟入选」"):
        application_services.application_confirm_decision(application=fresh(x), by=finance)


def test_the_ecology_department_cannot_confirm_its_own_proposal(province):
    review_round, apps, _ = scored_round(tie_break=["median", "mean"])
    services.decision_propose(review_round=review_round, by=province, shortlist=[apps["X"].pk], reasons={})
    with not_permitted(fresh(apps["X"])):
        application_services.application_confirm_decision(application=fresh(apps["X"]), by=province)


def test_a_departure_from_the_ranking_needs_a_reason_for_each_application(province):
    review_round, apps, _ = scored_round(tie_break=["median", "mean"])  # X, Z, Y
    shortlist = [apps["Z"].pk, apps["Y"].pk]
    with pytest.raises(DomainError) as info:
        services.decision_propose(review_round=review_round, by=province, shortlist=shortlist, reasons={})
    message = info.value.message
    assert apps["X"].organisation.name in message and apps["Y"].organisation.name in message
    assert apps["Z"].organisation.name not in message  # second either way
    assert fresh(apps["X"]).decision_proposal == "" and fresh(apps["X"]).state == S.IN_EXPERT_REVIEW
    reasons = {apps["X"].pk: "公示前核查发现申报数据严重失实。", apps["Y"].pk: "递补。"}
    services.decision_propose(review_round=review_round, by=province, shortlist=shortlist, reasons=reasons)
    assert (
        audit_for(fresh(apps["X"])).get(action="applications.application.propose_decision").reason
        == "公示前核查发现申报数据严重失实。"
    )


def test_taking_one_of_a_tie_must_be_explained(province):
    review_round, apps, _ = scored_round(tie_break=[])  # X and Z tied first, Y third
    with pytest.raises(DomainError, match="拆分了并列名次"):
        services.decision_propose(
            review_round=review_round, by=province, shortlist=[apps["X"].pk], reasons={}
        )
    services.decision_propose(
        review_round=review_round,
        by=province,
        shortlist=[apps["X"].pk],
        reasons={apps["X"].pk: "审定会议决定：示范带动作用更强。", apps["Z"].pk: "审定会议决定。"},
    )
    assert fresh(apps["Z"]).decision_proposal == "decline"


def test_finance_confirms_the_proposal_once_and_a_second_confirmation_is_refused(
    province, finance, client_for
):
    review_round, apps, _ = scored_round(tie_break=["median", "mean"])
    services.decision_propose(
        review_round=review_round, by=province, shortlist=[apps["X"].pk], reasons={apps["Z"].pk: "名额所限。"}
    )
    client = client_for(finance)
    page = client.get(reverse("reviews:confirmations", args=[review_round.pk])).text
    assert "会签确认" in page and "退回修改" in page
    assert "评审排名第1名" in page and "名额所限。" in page
    url = reverse("reviews:decision_confirm", args=[review_round.pk])
    assert "已会签确认入选建议" in client.post(url, follow=True).text
    states = {key: fresh(app).state for key, app in apps.items()}
    assert states == {"X": S.SHORTLISTED, "Y": S.NOT_SELECTED, "Z": S.NOT_SELECTED}
    page = client.post(url, follow=True).text
    assert "没有可会签的内容" in page
    assert fresh(apps["Y"]).state == S.NOT_SELECTED


def test_the_decision_form_posts_the_shortlist(province, client_for):
    review_round, apps, _ = scored_round(tie_break=["median", "mean"])
    client = client_for(province)
    assert "提交入选建议" in client.get(reverse("reviews:decision", args=[review_round.pk])).text
    response = client.post(
        reverse("reviews:decision_propose", args=[review_round.pk]),
        {"shortlist": [apps["X"].pk, apps["Z"].pk], f"reason_{apps['Y'].pk}": ""},
    )
    assert response.url == reverse("reviews:confirmations", args=[review_round.pk])
    assert fresh(apps["Z"]).decision_proposal == "shortlist"


def test_finance_cannot_propose(finance):
    review_round, apps, _ = scored_round()
    with pytest.raises(ActionNotPermitted):
        services.decision_propose(review_round=review_round, by=finance, shortlist=[apps["X"].pk], reasons={})
