"""Drafting → open → closed; the pilots resolved at opening and told; submission, late marking and
re-opening with a reason."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from applications.models import Batch
from core.models import Notification
from dispatches import services
from dispatches.models import Dispatch, DispatchResponse, Question
from organisations.models import Organisation
from pilots.models import Pilot

from ..conftest import XIAN
from ..factories import BatchFactory, PilotFactory
from ..helpers import assert_audited, by_state, not_permitted, refused
from .conftest import FULL, answer, make_dispatch, response_of

pytestmark = pytest.mark.django_db


def test_opening_resolves_the_pilots_and_tells_them(province, pilots, applicant_county, applicant_xian):
    free = Organisation.objects.filter(kind=Organisation.Kind.COUNTY, pilots__isnull=True)
    accepted = PilotFactory(
        batch=pilots["shiquan"].batch, organisation=free.first(), state=Pilot.State.ACCEPTED
    )
    dispatch = make_dispatch(province)
    assert dispatch.state == Dispatch.State.OPEN
    assert set(dispatch.responses.values_list("pilot", flat=True)) == {p.pk for p in pilots.values()}
    assert accepted.pk not in dispatch.selection["pilots"]
    assert dispatch.selection["scope"] == "all"
    assert_audited(dispatch, action="open", actor=province, from_state="drafting", to_state="open")
    notice = Notification.objects.get(recipient=applicant_county, kind="dispatch_opened")
    assert dispatch.title in notice.title and notice.url.endswith(
        f"/dispatches/responses/{response_of(dispatch, pilots['shiquan']).pk}/"
    )
    assert Notification.objects.filter(recipient=applicant_xian, kind="dispatch_opened").count() == 1
    # A pilot added later is not asked: the list is fixed at opening.
    late_comer = PilotFactory(
        batch=pilots["shiquan"].batch,
        organisation=free.first(),
        state=Pilot.State.IMPLEMENTING,
    )
    assert not dispatch.responses.filter(pilot=late_comer).exists()


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({"scope": "city", "scope_review_unit_id": XIAN}, {"lantian", "hitech"}),
        ({"scope": "kind", "scope_kind": Organisation.Kind.PARK}, {"hitech"}),
    ],
)
def test_selection_by_city_or_kind(province, pilots, scope, expected):
    from organisations.models import ReviewUnit

    if "scope_review_unit_id" in scope:
        scope = {
            "scope": "city",
            "scope_review_unit": ReviewUnit.objects.get(pk=scope["scope_review_unit_id"]),
        }
    dispatch = make_dispatch(province, **scope)
    assert set(dispatch.responses.values_list("pilot", flat=True)) == {pilots[k].pk for k in expected}


def test_selection_by_batch(province, pilots):
    other = BatchFactory(name="2024年第二批", state=Batch.State.PUBLISHED)
    PilotFactory(batch=other, organisation=pilots["lantian"].organisation, state=Pilot.State.SELECTED)
    dispatch = make_dispatch(province, scope="batch", scope_batch=other)
    assert list(dispatch.responses.values_list("pilot__batch", flat=True)) == [other.pk]
    assert dispatch.selection["batch_name"] == "2024年第二批"


def test_dispatch_without_questions_cannot_open(province, pilots):
    dispatch = services.dispatch_create(
        by=province, title="空调度", period="2026年", year=2026, due_date=timezone.localdate()
    )
    with refused(dispatch, match="须至少设置一个调度问题"):
        services.dispatch_open(dispatch=dispatch, by=province)
    assert not DispatchResponse.objects.exists()


def test_catalogue_question_takes_unit_and_range(province, pilots):
    dispatch = make_dispatch(province)
    q1 = dispatch.questions.get(order=1)
    assert (q1.text, q1.unit, q1.range_text) == ("非化石能源消费占比", "%", "-100–100")
    with pytest.raises(Exception, match="调度已发起"):
        services.question_add(dispatch=dispatch, by=province, kind=Question.Kind.TEXT, text="新问题")


def test_submission_after_the_due_date_is_accepted_and_marked_late(province, pilots, applicant_county):
    dispatch = make_dispatch(province, due_in=1)
    response = response_of(dispatch, pilots["shiquan"])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3), tick=False):
        response = answer(response, applicant_county, FULL)
    assert response.state == DispatchResponse.State.SUBMITTED and response.late
    assert_audited(
        response, action="submit", actor=applicant_county, from_state="draft", to_state="submitted"
    )


def test_submission_on_the_due_day_is_on_time(province, pilots, applicant_county):
    dispatch = make_dispatch(province, due_in=0)
    response = answer(response_of(dispatch, pilots["shiquan"]), applicant_county, FULL)
    assert not response.late


def test_incomplete_answers_cannot_be_submitted(province, pilots, applicant_county):
    dispatch = make_dispatch(province)
    response = answer(response_of(dispatch, pilots["shiquan"]), applicant_county, {1: "10"}, submit=False)
    with refused(response, match="必填问题未填写"):
        services.response_submit(response=response, by=applicant_county)


def test_submitted_answers_are_locked_until_reopened_with_a_reason(province, pilots, applicant_county):
    dispatch = make_dispatch(province)
    response = answer(response_of(dispatch, pilots["shiquan"]), applicant_county, FULL)
    with pytest.raises(Exception, match="已提交的填报不能修改"):
        answer(response, applicant_county, {2: "5"}, submit=False)
    with refused(response, match="须填写理由"):
        services.response_reopen(response=response, by=province, reason="")
    with not_permitted(response):
        services.response_reopen(response=response, by=applicant_county, reason="自己退回")
    response = services.response_reopen(response=response, by=province, reason="投资额与上季度口径不一致")
    assert response.state == DispatchResponse.State.REOPENED
    assert Notification.objects.filter(recipient=applicant_county, kind="dispatch_reopened").exists()
    response = answer(response, applicant_county, {2: "1300"})
    assert response.state == DispatchResponse.State.SUBMITTED and not response.late


def test_closed_dispatch_takes_no_more_answers(province, pilots, applicant_county):
    dispatch = make_dispatch(province)
    response = response_of(dispatch, pilots["shiquan"])
    services.dispatch_close(dispatch=dispatch, by=province)
    with pytest.raises(Exception, match="调度已结束"):
        answer(response, applicant_county, FULL, submit=False)
    with by_state(dispatch):
        services.dispatch_close(dispatch=dispatch, by=province)
