"""Scoring deadline reminders, run every morning by Celery beat (core.tasks.send_deadline_reminders).

- 3 days and 1 day before a round's scoring deadline: each expert with tasks not yet submitted.
- From the day after the deadline, while the round is still scoring: each expert still late, once, and
  the provincial officers, once, with the list of who is late on what.

Every notice has a dedupe key naming the round, the deadline and the occasion (notify adds the
recipient), so a repeated or retried run sends nothing twice, and moving the deadline starts afresh.
"""

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext

from core.formats import chinese_date
from core.notifications import notify
from core.reminders import reminder_stage
from organisations.models import Role
from organisations.roles import users_with_role

from .models import ReviewAssignment, ReviewRound

REMIND_DAYS_BEFORE = (3, 1)
NOT_SUBMITTED = (ReviewAssignment.State.ASSIGNED, ReviewAssignment.State.ACCEPTED)


def _late_by_expert(review_round: ReviewRound) -> dict:
    """{expert: [applicant names]} of the round's tasks not yet submitted (declined ones are not late)."""
    late = defaultdict(list)
    for a in (
        review_round.assignments.filter(state__in=NOT_SUBMITTED)
        .select_related("expert", "item__application__organisation", "item__pilot__organisation")
        .order_by("expert_id", "pk")
    ):
        late[a.expert].append(a.item.display_name)
    return late


def _scoring_rounds():
    return ReviewRound.objects.filter(state=ReviewRound.State.SCORING, scoring_deadline__isnull=False)


def scoring_deadline_reminders(*, today: datetime.date) -> int:
    """Experts with unsubmitted tasks, 3 days and 1 day before the scoring deadline."""
    sent = 0
    for review_round in _scoring_rounds():
        deadline = review_round.scoring_deadline
        stage = reminder_stage(deadline, today, REMIND_DAYS_BEFORE)
        if stage is None:
            continue
        days = (deadline - today).days
        for expert, names in _late_by_expert(review_round).items():
            sent += len(
                notify(
                    [expert],
                    kind="deadline_scoring",
                    title=f"提醒：{review_round.name}将于{chinese_date(deadline)}截止打分（还剩{days}天），"
                    f"您尚有{len(names)}项评审任务未提交评分",
                    body="未提交：" + "、".join(names) + "。请在截止前完成打分并提交。",
                    url=reverse("reviews:my_assignments"),
                    dedupe_key=f"review-deadline:{review_round.pk}:{deadline}:{stage}",
                )
            )
    return sent


def scoring_overdue_reminders(*, today: datetime.date) -> int:
    """After the deadline: each late expert once, and an escalation to the provincial officers once."""
    sent = 0
    for review_round in _scoring_rounds().filter(scoring_deadline__lt=today):
        deadline = review_round.scoring_deadline
        late = _late_by_expert(review_round)
        if not late:
            continue
        for expert, names in late.items():
            sent += len(
                notify(
                    [expert],
                    kind="overdue_scoring",
                    title=f"{review_round.name}打分已于{chinese_date(deadline)}截止，"
                    f"您尚有{len(names)}项评审任务未提交评分",
                    body="未提交："
                    + "、".join(names)
                    + "。请尽快完成打分并提交；逾期情况已告知省生态环境厅。",
                    url=reverse("reviews:my_assignments"),
                    dedupe_key=f"review-overdue:{review_round.pk}:{deadline}",
                )
            )
        officers = users_with_role(Role.PROVINCE_OFFICER)
        lines = [
            gettext("%(display_name)s（%(len)s项）：%(join)s")
            % {"display_name": expert.display_name, "len": len(names), "join": "、".join(names)}
            for expert, names in sorted(late.items(), key=lambda item: item[0].display_name)
        ]
        sent += len(
            notify(
                officers,
                kind="overdue_scoring_escalation",
                title=f"{review_round.name}打分已截止，{len(late)}位专家"
                f"尚有{sum(len(n) for n in late.values())}项评审任务未提交",
                body=f"截止日期：{chinese_date(deadline)}。逾期未提交的专家：\n"
                + "\n".join(lines)
                + "\n请督促专家尽快提交，或重新分配任务、经说明后汇总。",
                url=reverse("reviews:detail", args=[review_round.pk]),
                dedupe_key=f"review-escalation:{review_round.pk}:{deadline}",
            )
        )
    return sent
