"""Concurrency on PostgreSQL (skipped on SQLite unless PORTAL_REQUIRE_SERVICES=1, then failed):
two experts submitting the last sheets of an application at once both succeed and the application is
marked reviewed exactly once; an expert changing scores while the officer aggregates loses nothing —
the change is either in before the aggregation or refused after it.

Each test makes the race happen rather than hoping for it: a barrier or an event holds the threads
inside their transactions at the dangerous moment."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection, transaction

from applications.models import Application
from core.models import AuditEntry
from reviews import services
from reviews.models import ReviewAssignment, ReviewRound, ScoreVersion

from .expert_setup import in_review, pool_expert, scoring_round, sheet, task

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

A = ReviewAssignment.State


def in_thread(func):
    """Start func in a thread with its own database connection; returns (thread, outcome dict)."""
    outcome: dict = {}

    def target():
        close_old_connections()
        try:
            outcome["value"] = func()
        except Exception as error:  # reported to the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def submit(assignment, reason="", **overrides):
    return lambda: services.scores_save(
        assignment=assignment,
        by=assignment.expert,
        values=sheet(**overrides),
        opinion="同意推荐。",
        submit=True,
        change_reason=reason,
    )


@pytest.fixture
def pair(require_postgres, province):
    review_round = scoring_round(experts_per_item=2)
    application = in_review(review_round)
    tasks = [task(review_round, pool_expert(name), application) for name in ("王志刚", "李慧")]
    return {"round": review_round, "application": application, "tasks": tasks, "province": province}


def test_two_experts_submitting_at_once_both_succeed_and_the_item_finishes_once(pair, monkeypatch):
    # Both submissions wait for each other after writing their sheet and before counting the item:
    # without the lock on the application each would see the other's sheet as pending.
    barrier = threading.Barrier(2, timeout=20)
    original = services._finish_item_if_complete

    def at_the_same_time(assignment, by):
        barrier.wait()
        return original(assignment, by)

    monkeypatch.setattr(services, "_finish_item_if_complete", at_the_same_time)
    runs = [in_thread(submit(t)) for t in pair["tasks"]]
    for thread, _ in runs:
        thread.join(30)
    assert [outcome.get("error") for _, outcome in runs] == [None, None]
    assert set(ReviewAssignment.objects.values_list("state", flat=True)) == {A.SUBMITTED}
    assert ScoreVersion.objects.count() == 2
    application = Application.objects.get(pk=pair["application"].pk)
    assert application.state == Application.State.REVIEWED
    finished = AuditEntry.objects.filter(
        action="applications.application.finish_review", object_id=str(application.pk)
    )
    assert finished.count() == 1


def test_a_change_in_progress_is_in_before_the_officer_aggregates(pair, monkeypatch):
    for t in pair["tasks"]:
        submit(t)()
    inside, release = threading.Event(), threading.Event()
    original = services._finish_item_if_complete

    def hold(assignment, by):
        inside.set()
        release.wait(20)
        return original(assignment, by)

    monkeypatch.setattr(services, "_finish_item_if_complete", hold)
    first = pair["tasks"][0]
    expert_run = in_thread(submit(first, reason="复核后上调可行性", feasibility=Decimal(9)))
    assert inside.wait(20)
    officer_run = in_thread(
        lambda: services.round_transition(review_round=pair["round"], name="aggregate", by=pair["province"])
    )
    officer_run[0].join(1)
    assert officer_run[0].is_alive(), "the aggregation must wait for the expert's change in progress"
    release.set()
    for thread, _ in (expert_run, officer_run):
        thread.join(30)
    assert expert_run[1].get("error") is None and officer_run[1].get("error") is None
    assert ReviewRound.objects.get(pk=pair["round"].pk).state == ReviewRound.State.AGGREGATED
    latest = ScoreVersion.objects.filter(assignment=first).order_by("-number").first()
    assert (latest.number, latest.data["scores"]["feasibility"]) == (2, "9.00")
    order = list(
        AuditEntry.objects.filter(
            action__in=["reviews.reviewround.score_submit", "reviews.reviewround.aggregate"]
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert order[-2:] == ["reviews.reviewround.score_submit", "reviews.reviewround.aggregate"]


def test_a_change_during_the_aggregation_is_refused_after_it(pair):
    for t in pair["tasks"]:
        submit(t)()
    first = pair["tasks"][0]
    with transaction.atomic():  # the officer's aggregation, not yet committed
        services.round_transition(review_round=pair["round"], name="aggregate", by=pair["province"])
        expert_run = in_thread(submit(first, reason="复核后上调可行性", feasibility=Decimal(9)))
        expert_run[0].join(1)
        assert expert_run[0].is_alive(), "the expert's change must wait for the aggregation"
    expert_run[0].join(30)
    error = expert_run[1].get("error")
    assert error is not None and "不在打分阶段" in error.message
    assert ScoreVersion.objects.filter(assignment=first).count() == 1
    assert ReviewAssignment.objects.get(pk=first.pk).version == 1
