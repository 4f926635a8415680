"""An expert's tasks: the list, confirming (after the round's declaration, without conflict) or
declining with a reason, and what the task page shows before and after confirmation."""

import pytest
from django.urls import reverse

from core.errors import ActionNotPermitted
from core.models import Notification
from reviews import services
from reviews.models import Conflict, ReviewAssignment

from ..helpers import audit_for, refused
from .expert_setup import R, declare, in_review, make_pool_expert, move, pool_expert, scoring_round, task

pytestmark = pytest.mark.django_db

A = ReviewAssignment.State


@pytest.fixture
def given(expert, province):
    """A task given to the pool expert in a round that is scoring; not yet confirmed nor declared."""
    make_pool_expert(expert)
    review_round = scoring_round()
    application = in_review(review_round)
    return task(review_round, expert, application, state=A.ASSIGNED, declared=False)


def respond(assignment, **kwargs):
    return services.assignment_respond(assignment=assignment, by=assignment.expert, **kwargs)


def test_confirming_needs_the_round_declaration_first(given):
    with refused(given, match="请先完成本轮利益冲突申报"):
        respond(given, accept=True)
    declare(given.round, given.expert)
    respond(given, accept=True)
    given.refresh_from_db()
    assert given.state == A.ACCEPTED and given.declared_at is not None
    entry = audit_for(given.round).last()
    assert (entry.action, entry.actor_id, entry.data["accept"]) == (
        "reviews.reviewround.respond",
        given.expert_id,
        True,
    )


def test_confirming_is_refused_with_an_active_conflict(given):
    declare(given.round, given.expert)
    Conflict.objects.create(
        round=given.round,
        expert=given.expert,
        item=given.item,
        kind=Conflict.Kind.SAME_CITY,
        source=Conflict.Source.RULE,
    )
    with refused(given, match="存在利益冲突，不能确认"):
        respond(given, accept=True)


def test_declining_needs_a_reason(given, province):
    with refused(given, match="谢绝评审任务须填写理由"):
        respond(given, accept=False, reason="  ")
    respond(given, accept=False, reason="同期出差，无法按期完成")
    given.refresh_from_db()
    assert (given.state, given.decline_reason) == (A.DECLINED, "同期出差，无法按期完成")
    notice = Notification.objects.get(recipient=province, kind="assignment_declined")
    assert "石泉县人民政府" in notice.title and "同期出差" in notice.body
    assert not Conflict.objects.exists()


def test_declining_for_a_conflict_records_the_declared_conflict(given):
    respond(given, accept=False, reason="曾为该县编制碳达峰方案", conflict_kind=Conflict.Kind.AGENCY)
    conflict = Conflict.objects.get(expert=given.expert, item=given.item)
    assert (conflict.kind, conflict.source, conflict.is_active) == (
        Conflict.Kind.AGENCY,
        Conflict.Source.DECLARED,
        True,
    )


def test_an_unknown_conflict_kind_is_refused(given):
    with refused(given, match="无效的利益冲突类型"):
        respond(given, accept=False, reason="其他原因", conflict_kind="friend")


def test_after_confirmation_declining_is_a_recusal_for_a_conflict_only(given):
    declare(given.round, given.expert)
    respond(given, accept=True)
    given.refresh_from_db()
    with refused(given, match="只能因利益冲突申请回避"):
        respond(given, accept=False, reason="太忙")
    respond(
        given, accept=False, reason="阅卷后发现申报单位为本人前雇主", conflict_kind=Conflict.Kind.EMPLOYER
    )
    given.refresh_from_db()
    assert given.state == A.DECLINED
    assert audit_for(given.round).last().action_label == "因利益冲突申请回避"


def test_a_submitted_task_cannot_be_declined(given):
    ReviewAssignment.objects.filter(pk=given.pk).update(state=A.SUBMITTED)
    given.refresh_from_db()
    with refused(given, match="评分已提交，不能谢绝"):
        respond(given, accept=False, reason="不想评了", conflict_kind=Conflict.Kind.OTHER)


@pytest.mark.parametrize("state", [R.DECLARING, R.AGGREGATED, R.DECIDED])
def test_responding_only_while_assigning_or_scoring(given, state):
    move(given.round, state)
    declare(given.round, given.expert)
    with refused(given, match="不能确认或谢绝评审任务"):
        respond(given, accept=True)


def test_only_the_assigned_expert_responds(given, client_for):
    other = pool_expert("李慧")
    with refused(given, ActionNotPermitted):
        services.assignment_respond(assignment=given, by=other, accept=True)
    client = client_for(other)
    assert client.get(reverse("reviews:my_assignment", args=[given.pk])).status_code == 404
    response = client.post(reverse("reviews:my_assignment_respond", args=[given.pk]), {"decision": "accept"})
    assert response.status_code == 404
    given.refresh_from_db()
    assert given.state == A.ASSIGNED


def test_before_confirmation_the_page_shows_the_name_and_the_choice_only(given, client_for):
    declare(given.round, given.expert)
    client = client_for(given.expert)
    page = client.get(reverse("reviews:my_assignment", args=[given.pk])).text
    assert "石泉县人民政府" in page and "确认任务（无利益冲突）" in page and "谢绝理由（必填）" in page
    assert f"/applications/{given.item.application_id}/" not in page
    assert 'data-testid="score-form"' not in page and "工作基础" not in page

    response = client.post(reverse("reviews:my_assignment_respond", args=[given.pk]), {"decision": "accept"})
    assert response.status_code == 302
    page = client.get(reverse("reviews:my_assignment", args=[given.pk])).text
    assert reverse("applications:detail", args=[given.item.application_id]) in page
    assert reverse("applications:snapshot_pdf", args=[given.item.application_id, 1]) in page
    assert 'data-testid="score-form"' in page and "工作基础" in page and "保存草稿" in page


def test_the_page_asks_for_the_declaration_first(given, client_for):
    page = client_for(given.expert).get(reverse("reviews:my_assignment", args=[given.pk])).text
    assert "请先完成本轮利益冲突申报" in page
    assert reverse("reviews:declare", args=[given.round_id]) in page


def test_decline_by_http_without_reason_shows_the_message(given, client_for):
    client = client_for(given.expert)
    response = client.post(
        reverse("reviews:my_assignment_respond", args=[given.pk]),
        {"decision": "decline", "reason": ""},
        follow=True,
    )
    assert "谢绝评审任务须填写理由" in response.text
    given.refresh_from_db()
    assert given.state == A.ASSIGNED


def test_my_tasks_list(given, client_for, django_assert_max_num_queries):
    review_round = given.round
    for division in ("610122", "610102"):
        task(review_round, given.expert, in_review(review_round, division), state=A.ACCEPTED)
    pending = scoring_round(state=R.DECLARING, name="第三批遴选评审")
    client = client_for(given.expert)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reviews:my_assignments"))
    assert page.status_code == 200
    text = page.text
    assert text.count('data-testid="assignment"') == 3
    assert "石泉县人民政府" in text and "蓝田县人民政府" in text
    assert review_round.name in text and "已分配" in text and "已确认" in text
    assert pending.name in text and reverse("reviews:declare", args=[pending.pk]) in text
    # names only: the list never links to the material
    assert f"/applications/{given.item.application_id}/" not in text


def test_the_list_is_for_experts_only(client_for, province, applicant_county):
    for user in (province, applicant_county):
        assert client_for(user).get(reverse("reviews:my_assignments")).status_code == 404


def test_dashboard_links_the_expert_to_the_task_and_the_declaration(given, client_for):
    page = client_for(given.expert).get(reverse("dashboard:dashboard")).text
    assert reverse("reviews:my_assignment", args=[given.pk]) in page
    assert reverse("reviews:declare", args=[given.round_id]) in page
    assert reverse("reviews:my_assignments") in page
