"""评审完成 carries its own guard (issue 11): an application is marked reviewed only when its experts'
score sheets are in, whichever path runs the transition: the model method itself, the service, the
generic action button. The rule is reviews' (reviews.guards.all_sheets_in), registered on the lower
app's transition through core.transitions.register_rule."""

import pytest
from django.urls import reverse
from django_fsm import TransitionNotAllowed, can_proceed

from applications import services as application_services
from applications.models import Application
from core.errors import TransitionRefused
from reviews.models import ReviewAssignment

from ..factories import ApplicationFactory, BatchFactory, county
from ..helpers import refused
from .expert_setup import A, R, move, pool_expert, scoring_round, task
from .expert_setup import in_review as application_in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(db):
    """A scoring round of 3 experts per item, an application in review and its 3 tasks, none submitted."""
    review_round = scoring_round(experts_per_item=3)
    application = application_in_review(review_round)
    tasks = [task(review_round, pool_expert(name), application) for name in ("王磊", "李慧", "赵敏")]
    return review_round, application, tasks


def submitted(*tasks) -> None:
    ReviewAssignment.objects.filter(pk__in=[t.pk for t in tasks]).update(state=A.SUBMITTED)


def fresh(application) -> Application:
    return Application.objects.get(pk=application.pk)


def test_the_model_method_refuses_with_one_sheet_of_three(three):
    _round, application, tasks = three
    submitted(tasks[0])
    application = fresh(application)
    assert not can_proceed(application.finish_review)
    with pytest.raises(TransitionNotAllowed):
        application.finish_review()
    assert fresh(application).state == Application.State.IN_EXPERT_REVIEW


def test_the_model_method_runs_with_every_sheet_in(three):
    _round, application, tasks = three
    submitted(*tasks)
    application = fresh(application)
    assert can_proceed(application.finish_review)
    application.finish_review()
    assert application.state == Application.State.REVIEWED


def test_the_service_names_what_is_missing(three, province):
    _round, application, tasks = three
    submitted(tasks[0])
    with refused(application, TransitionRefused, code="state") as info:
        application_services.application_finish_review(application=application, by=province)
    message = info.value.message
    assert "已提交评分1份，应有3份" in message
    assert "李慧" in message and "赵敏" in message and "王磊" not in message


def test_the_service_finishes_with_every_sheet_in(three, province):
    _round, application, tasks = three
    submitted(*tasks)
    application_services.application_finish_review(application=application, by=province)
    assert fresh(application).state == Application.State.REVIEWED


def test_the_action_button_is_refused_with_the_message(three, province, client_for):
    _round, application, tasks = three
    submitted(tasks[0])
    client = client_for(province)
    url = reverse("applications:action", args=[application.pk, "finish_review"])
    page = client.post(url, follow=True).content.decode()
    assert "专家评分尚未收齐" in page and "赵敏" in page
    assert fresh(application).state == Application.State.IN_EXPERT_REVIEW
    submitted(*tasks)
    client.post(url)
    assert fresh(application).state == Application.State.REVIEWED


def test_a_declined_task_is_excused_once_its_place_is_filled_again(three, province):
    review_round, application, tasks = three
    submitted(tasks[0], tasks[1])
    ReviewAssignment.objects.filter(pk=tasks[2].pk).update(state=A.DECLINED)
    with refused(application, TransitionRefused, match="另有1个评审名额尚未分配专家"):
        application_services.application_finish_review(application=application, by=province)
    replacement = task(review_round, pool_expert("孙强"), application)
    assert not can_proceed(fresh(application).finish_review)
    submitted(replacement)
    assert can_proceed(fresh(application).finish_review)


def test_scores_revealed_without_every_sheet_excuse_the_missing_ones(three):
    """aggregate_incomplete (an officer's explained decision) counts only the sheets submitted."""
    review_round, application, tasks = three
    submitted(tasks[0])
    move(review_round, R.AGGREGATED)
    assert can_proceed(fresh(application).finish_review)


def test_an_application_in_no_round_is_refused(province):
    application = ApplicationFactory(
        batch=BatchFactory(), organisation=county("610922"), state=Application.State.IN_EXPERT_REVIEW
    )
    with refused(application, TransitionRefused, match="尚未列入任何遴选评审轮次"):
        application_services.application_finish_review(application=application, by=province)
