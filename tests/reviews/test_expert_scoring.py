"""Scoring: validation with Chinese messages and nothing saved, n/a left out of the weighted total,
versioned resubmission, the others' scores after one's own, and no scoring once aggregated.

The criteria are the selection criteria of the migration: weights 15/15/15/15/20/10/10 (effect may be
n/a), every scale 0..10; a score ≤ 3 or ≥ 9.5 is extreme."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry, Notification
from reviews import services
from reviews.models import ReviewAssignment, Score, ScoreVersion

from ..helpers import audit_for, refused
from .expert_setup import R, form, in_review, make_pool_expert, move, pool_expert, scoring_round, sheet, task

pytestmark = pytest.mark.django_db

A = ReviewAssignment.State


@pytest.fixture
def accepted(expert, province):
    make_pool_expert(expert)
    review_round = scoring_round(experts_per_item=3)
    return task(review_round, expert, in_review(review_round))


def save(assignment, values, *, submit=True, opinion="材料翔实，路径清晰。", reason=""):
    return services.scores_save(
        assignment=assignment,
        by=assignment.expert,
        values=values,
        opinion=opinion,
        submit=submit,
        change_reason=reason,
    )


def nothing_saved(assignment):
    assert not Score.objects.filter(assignment=assignment).exists()
    assert not ScoreVersion.objects.filter(assignment=assignment).exists()


# Validation -------------------------------------------------------------------------------------
@pytest.mark.parametrize("submit", [False, True])
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"foundation": Decimal(11)}, "「工作基础」的分值应在0至10分之间，您填写的是11分"),
        ({"feasibility": Decimal("-1")}, "「可行性高」的分值应在0至10分之间"),
        ({"targets": "八分"}, "「目标科学」的分值不是有效数字"),
        ({"targets": "NaN"}, "「目标科学」的分值不是有效数字"),
        ({"commitment": Decimal("7.255")}, "「积极性高」的分值最多保留两位小数"),
        ({"foundation": None}, "「工作基础」不允许选择“不适用”"),
    ],
)
def test_bad_scores_are_refused_on_every_save(accepted, overrides, message, submit):
    with refused(accepted, match=message):
        save(accepted, sheet(**overrides), submit=submit)
    nothing_saved(accepted)


def test_an_extreme_score_needs_a_comment_to_be_submitted(accepted):
    values = sheet(foundation=Decimal("9.5"), replicability=Decimal(3))
    with refused(accepted, match="「工作基础」评分为9.5分，属极端分值（不高于3分或不低于9.5分），须填写评语"):
        save(accepted, values)
    nothing_saved(accepted)
    values["foundation"]["comment"] = "统计核算体系完整，已连续三年开展碳排放核算。"
    values["replicability"]["comment"] = "山区县模式推广面较窄。"
    save(accepted, values)
    accepted.refresh_from_db()
    assert accepted.state == A.SUBMITTED


def test_a_draft_may_hold_an_extreme_score_without_comment_yet(accepted):
    save(accepted, {"foundation": {"value": Decimal(10)}}, submit=False, opinion="")
    assert Score.objects.get(assignment=accepted).value == Decimal(10)


def test_submission_needs_every_criterion_and_an_opinion(accepted):
    values = sheet()
    del values["targets"]
    with refused(accepted, match="「目标科学」尚未打分"):
        save(accepted, values)
    with refused(accepted, match="提交评分须填写综合意见"):
        save(accepted, sheet(), opinion="   ")
    nothing_saved(accepted)


def test_several_problems_are_reported_together(accepted):
    with refused(accepted) as info:
        save(accepted, sheet(foundation=Decimal(12), effect=Decimal("10.5")))
    assert "「工作基础」" in info.value.message and "「减排成效」" in info.value.message


def test_refused_by_http_shows_the_message_keeps_the_input_and_saves_nothing(accepted, client_for):
    response = client_for(accepted.expert).post(
        reverse("reviews:my_assignment_scores", args=[accepted.pk]), form({"foundation": "15"})
    )
    assert response.status_code == 422
    assert "「工作基础」的分值应在0至10分之间，您填写的是15分" in response.text
    assert 'name="score-foundation" value="15"' in response.text  # what was typed is shown again
    assert "材料翔实，路径清晰。" in response.text
    nothing_saved(accepted)
    accepted.refresh_from_db()
    assert accepted.state == A.ACCEPTED and accepted.overall_opinion == ""


# Weighted total ---------------------------------------------------------------------------------
def test_na_is_left_out_of_the_weighted_total_never_counted_as_zero(accepted, client_for):
    values = sheet(
        foundation=Decimal(8),
        commitment=Decimal(7),
        distinctiveness=Decimal(6),
        targets=Decimal(8),
        feasibility=Decimal(7),
        effect=None,
        replicability=Decimal(5),
    )
    save(accepted, values)
    # By hand: 15×0.8 + 15×0.7 + 15×0.6 + 15×0.8 + 20×0.7 + 10×0.5 = 62.5 over the 90 weight points
    # not marked n/a → 62.5 / 90 × 100 = 69.44 (as zero it would be 62.5).
    version = ScoreVersion.objects.get(assignment=accepted)
    assert version.total == Decimal("69.44")
    assert version.data["scores"]["effect"] is None
    assert Score.objects.get(assignment=accepted, criterion__code="effect").is_na
    page = client_for(accepted.expert).get(reverse("reviews:my_assignment", args=[accepted.pk])).text
    assert 'data-testid="total">69.44<' in page


def test_the_page_shows_the_total_of_a_draft_without_javascript(accepted, client_for):
    client = client_for(accepted.expert)
    data = {
        "action": "draft",
        "opinion": "",
        "score-foundation": "8",
        "score-feasibility": "6",
        "na-effect": "1",
    }
    response = client.post(reverse("reviews:my_assignment_scores", args=[accepted.pk]), data, follow=True)
    assert "草稿已保存" in response.text
    # (15×0.8 + 20×0.6) / 35 × 100 = 68.57 over the two criteria scored so far; effect n/a left out
    # "x / 已评 n 项", marked partial (plain text), not a final total in large red.
    text = re.sub(r"<[^>]+>", "", response.text)
    assert "已评项加权得分（百分制）：68.57 / 已评 3 项（共 7 项，全部评完后即为加权总分）" in text
    assert '<p class="total partial" data-testid="total-line"' in response.text
    assert "加权总分（百分制）：" not in text
    accepted.refresh_from_db()
    assert accepted.state == A.ACCEPTED and accepted.version == 0


def test_blanking_a_draft_score_removes_it(accepted):
    save(accepted, {"foundation": {"value": Decimal(8)}}, submit=False, opinion="")
    save(accepted, {"foundation": {"value": ""}}, submit=False, opinion="")
    assert not Score.objects.filter(assignment=accepted).exists()
    assert services._sheet_from(accepted) == {}


# Submission and resubmission ------------------------------------------------------------------------
def test_submission_creates_version_one_and_is_audited(accepted):
    save(accepted, sheet())
    accepted.refresh_from_db()
    assert (accepted.state, accepted.version) == (A.SUBMITTED, 1)
    assert accepted.submitted_at is not None
    version = ScoreVersion.objects.get(assignment=accepted)
    assert (version.number, version.total, version.reason) == (1, Decimal("70.0000"), "")
    entry = audit_for(accepted.round).last()
    assert (entry.action, entry.action_label, entry.data["version"]) == (
        "reviews.reviewround.score_submit",
        "提交评分",
        1,
    )


def test_changing_a_submitted_sheet_needs_a_reason_and_creates_version_two(accepted, province):
    save(accepted, sheet())
    accepted.refresh_from_db()
    with refused(accepted, match="修改已提交的评分须填写修改理由"):
        save(accepted, sheet(feasibility=Decimal(9)))
    with refused(accepted, match="不能再保存为草稿"):
        save(accepted, sheet(feasibility=Decimal(9)), submit=False, reason="复核")
    with refused(accepted, match="评分与已提交的第1版相同"):
        save(accepted, sheet(), reason="没改")
    assert ScoreVersion.objects.filter(assignment=accepted).count() == 1

    save(accepted, sheet(feasibility=Decimal(9)), reason="复核重点项目清单后上调可行性得分")
    accepted.refresh_from_db()
    assert (accepted.state, accepted.version) == (A.SUBMITTED, 2)
    first, second = ScoreVersion.objects.filter(assignment=accepted).order_by("number")
    assert (first.data["scores"]["feasibility"], second.data["scores"]["feasibility"]) == ("7.00", "9.00")
    assert second.reason == "复核重点项目清单后上调可行性得分"
    assert second.total == Decimal("74.0000")  # 70 + 20 × 0.2
    # The officer sees the change: a notice, and the round's history (internal entries are the
    # province's) with the reason.
    notice = Notification.objects.get(recipient=province, kind="score_changed")
    assert "第2版" in notice.title and "上调可行性" in notice.body
    entry = audit_for(accepted.round).last()
    assert (entry.action_label, entry.reason, entry.data["version"]) == (
        "修改已提交的评分",
        "复核重点项目清单后上调可行性得分",
        2,
    )
    from core.templatetags.portal import history

    assert "修改已提交的评分" in [e.action_label for e in history(accepted.round, province)]


def test_resubmission_by_http(accepted, client_for):
    client = client_for(accepted.expert)
    url = reverse("reviews:my_assignment_scores", args=[accepted.pk])
    assert client.post(url, form()).status_code == 302
    page = client.get(reverse("reviews:my_assignment", args=[accepted.pk])).text
    assert "修改理由" in page and "提交修改" in page and "保存草稿" not in page
    response = client.post(url, form({"targets": "8"}))
    assert "修改已提交的评分须填写修改理由" in response.text
    response = client.post(url, form({"targets": "8"}, reason="目标值核实后上调"), follow=True)
    assert "已生成新的评分版本" in response.text and "目标值核实后上调" in response.text
    assert ScoreVersion.objects.filter(assignment=accepted).count() == 2


@pytest.mark.parametrize("state", [R.AGGREGATED, R.DECIDED, R.ASSIGNING])
def test_scoring_is_refused_outside_the_scoring_stage(accepted, state, client_for):
    save(accepted, {"foundation": {"value": Decimal(8)}}, submit=False, opinion="")
    move(accepted.round, state)
    accepted.refresh_from_db()
    before = list(Score.objects.filter(assignment=accepted).values())
    with refused(accepted, match="不在打分阶段，评分不能修改"):
        save(accepted, sheet())
    response = client_for(accepted.expert).post(
        reverse("reviews:my_assignment_scores", args=[accepted.pk]), form()
    )
    assert "不在打分阶段" in response.text
    assert list(Score.objects.filter(assignment=accepted).values()) == before
    assert not ScoreVersion.objects.exists()
    page = client_for(accepted.expert).get(reverse("reviews:my_assignment", args=[accepted.pk])).text
    assert "评分不能修改" in page and "提交评分</button>" not in page


def test_an_unconfirmed_task_cannot_be_scored(accepted):
    ReviewAssignment.objects.filter(pk=accepted.pk).update(state=A.ASSIGNED)
    accepted.refresh_from_db()
    with refused(accepted, match="请先确认评审任务"):
        save(accepted, sheet())
    nothing_saved(accepted)


def test_another_expert_cannot_score_the_task(accepted):
    from core.errors import ActionNotPermitted

    other = pool_expert("张明")
    with refused(accepted, ActionNotPermitted):
        services.scores_save(
            assignment=accepted, by=other, values=sheet(), opinion="x", submit=True, change_reason=""
        )


def test_the_last_submission_marks_the_application_reviewed(accepted, province):
    review_round = accepted.round
    application = accepted.item.application
    others = [task(review_round, pool_expert(n), application) for n in ("李慧", "张明")]
    save(accepted, sheet())
    save(others[0], sheet())
    application.refresh_from_db()
    assert application.state == "in_expert_review"
    save(others[1], sheet())
    application.refresh_from_db()
    assert application.state == "reviewed"
    assert (
        AuditEntry.objects.filter(
            action="applications.application.finish_review", object_id=str(application.pk)
        ).count()
        == 1
    )


# Others' scores -----------------------------------------------------------------------------------
def test_others_scores_are_hidden_until_ones_own_is_submitted(accepted, client_for):
    review_round, application = accepted.round, accepted.item.application
    li, zhang = pool_expert("李慧"), pool_expert("张明")
    li_task = task(review_round, li, application)
    task(review_round, zhang, application)
    save(li_task, sheet(foundation=Decimal(6), effect=None))  # 李慧 submits first
    client = client_for(accepted.expert)
    others_url = reverse("reviews:my_assignment_others", args=[accepted.pk])
    page_url = reverse("reviews:my_assignment", args=[accepted.pk])

    assert client.get(others_url).status_code == 404
    page = client.get(page_url).text
    assert "专家A" not in page and 'data-testid="others"' not in page
    assert "其他专家的评分在您提交本人评分后可见" in page
    save(accepted, {"foundation": {"value": Decimal(8)}}, submit=False, opinion="")  # a draft is not enough
    assert client.get(others_url).status_code == 404

    save(accepted, sheet())
    page = client.get(page_url).text
    assert 'data-testid="others"' in page and "专家A" in page and "本人" in page
    assert "专家B" not in page  # 张明 has not submitted
    assert "李慧" not in page and "张明" not in page  # anonymised
    # 李慧: (15×0.6 + 75×0.7) / 90 × 100 = 68.33 (effect n/a)
    assert "68.33" in page and "不适用" in page
    others = client.get(others_url)
    assert others.status_code == 200 and "专家A" in others.text and "68.33" in others.text
    assert "排名" not in others.text.replace("不显示本轮排名", "")


def test_a_complete_sheet_shows_the_total_and_submitting_asks_for_confirmation(accepted, client_for):
    client = client_for(accepted.expert)
    data = {"action": "draft", "opinion": ""}
    for code in ("foundation", "commitment", "distinctiveness", "targets", "feasibility", "replicability"):
        data[f"score-{code}"] = "7"
    data["na-effect"] = "1"
    page = client.post(reverse("reviews:my_assignment_scores", args=[accepted.pk]), data, follow=True).text
    text = re.sub(r"<[^>]+>", "", page)
    assert "加权总分（百分制）：70.00 / 已评 7 项" in text and "全部评完后" not in text
    assert '<p class="total final"' in page
    button = re.search(r'<button[^>]*value="submit"[^>]*>提交评分</button>', page).group(0)
    assert 'data-confirm="确认提交评分？' in button and "其他专家的评分" in button
