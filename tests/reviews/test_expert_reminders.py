"""Scoring reminders: 3 days and 1 day before the deadline to experts with unsubmitted tasks; after
it, to each late expert again and an escalation to the provincial officers naming who is late on what.
Each is sent once whatever the retries and repeated beat runs."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core.models import Notification
from core.tasks import send_deadline_reminders
from reviews.models import ReviewAssignment
from reviews.reminders import scoring_deadline_reminders, scoring_overdue_reminders

from .expert_setup import R, in_review, pool_expert, scoring_round, task

pytestmark = pytest.mark.django_db

A = ReviewAssignment.State
DEADLINE = datetime.date(2026, 12, 5)


def day(offset: int) -> datetime.date:
    return DEADLINE + datetime.timedelta(days=offset)


@pytest.fixture
def late(province):
    """王志刚 has two tasks open (one confirmed, one not), 李慧 has submitted, 张明 declined."""
    review_round = scoring_round(scoring_deadline=DEADLINE, name="第二批试点遴选专家评审")
    shiquan, lantian = in_review(review_round, "610922"), in_review(review_round, "610122")
    wang, li, zhang = pool_expert("王志刚"), pool_expert("李慧"), pool_expert("张明")
    task(review_round, wang, shiquan, state=A.ACCEPTED)
    task(review_round, wang, lantian, state=A.ASSIGNED)
    task(review_round, li, shiquan, state=A.SUBMITTED)
    task(review_round, zhang, lantian, state=A.DECLINED)
    return {"round": review_round, "wang": wang, "li": li, "zhang": zhang, "province": province}


@pytest.mark.parametrize("offset", [-3, -1])
def test_experts_with_open_tasks_are_reminded_before_the_deadline_once(late, offset):
    assert scoring_deadline_reminders(today=day(offset)) == 1
    assert scoring_deadline_reminders(today=day(offset)) == 0  # a retried run sends nothing
    notice = Notification.objects.get()
    assert notice.recipient == late["wang"] and notice.kind == "deadline_scoring"
    assert f"还剩{-offset}天" in notice.title and "2项评审任务未提交" in notice.title
    assert "石泉县人民政府" in notice.body and "蓝田县人民政府" in notice.body


def test_no_reminder_before_the_first_stage(late):
    assert scoring_deadline_reminders(today=day(-5)) == 0
    assert scoring_overdue_reminders(today=day(-5)) == 0


def test_a_missed_daily_run_still_sends_each_stage_once(late):
    # The 3-days-before run was missed: the next day's run sends that stage's reminder.
    assert scoring_deadline_reminders(today=day(-2)) == 1
    assert "还剩2天" in Notification.objects.get().title
    assert scoring_deadline_reminders(today=day(-1)) == 1  # the 1-day stage
    assert scoring_deadline_reminders(today=day(0)) == 0  # still the 1-day stage: already sent
    assert scoring_overdue_reminders(today=day(0)) == 0  # not late before the day is over


def test_both_reminders_before_the_deadline_are_sent(late):
    assert scoring_deadline_reminders(today=day(-3)) == 1
    assert scoring_deadline_reminders(today=day(-1)) == 1
    assert Notification.objects.filter(recipient=late["wang"]).count() == 2


def test_after_the_deadline_the_late_expert_is_reminded_and_the_officer_told_once(late, settings):
    assert scoring_overdue_reminders(today=day(1)) == 2
    for offset in (1, 2, 9):  # repeated runs, and the following days: nothing more
        assert scoring_overdue_reminders(today=day(offset)) == 0
    expert_notice = Notification.objects.get(kind="overdue_scoring")
    assert expert_notice.recipient == late["wang"]
    assert "已于2026年12月5日截止" in expert_notice.title and "已告知省生态环境厅" in expert_notice.body
    escalation = Notification.objects.get(kind="overdue_scoring_escalation")
    assert escalation.recipient == late["province"]
    assert "1位专家尚有2项评审任务未提交" in escalation.title
    assert "王志刚（2项）：石泉县人民政府、蓝田县人民政府" in escalation.body
    assert "李慧" not in escalation.body and "张明" not in escalation.body  # submitted / declined


def test_a_missed_beat_still_escalates_later(late):
    assert scoring_overdue_reminders(today=day(4)) == 2


def test_nothing_after_the_deadline_when_everyone_has_submitted(late):
    ReviewAssignment.objects.filter(expert=late["wang"]).update(state=A.SUBMITTED)
    assert scoring_overdue_reminders(today=day(1)) == 0


def test_rounds_no_longer_scoring_are_left_alone(late):
    from .expert_setup import move

    move(late["round"], R.AGGREGATED)
    assert scoring_deadline_reminders(today=day(-1)) == 0
    assert scoring_overdue_reminders(today=day(1)) == 0


def test_a_moved_deadline_reminds_again(late):
    assert scoring_deadline_reminders(today=day(-1)) == 1
    late["round"].__class__.objects.filter(pk=late["round"].pk).update(scoring_deadline=day(7))
    assert scoring_deadline_reminders(today=day(6)) == 1


def test_the_beat_task_runs_the_review_reminders_once(late, django_capture_on_commit_callbacks):
    from reviews.models import ReviewRound

    today = timezone.localdate()
    ReviewRound.objects.filter(pk=late["round"].pk).update(
        scoring_deadline=today - datetime.timedelta(days=1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_deadline_reminders()
        send_deadline_reminders()
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds == ["overdue_scoring", "overdue_scoring_escalation"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([late["wang"].email, late["province"].email])
