"""A dispatch to three pilots in two cities: 石泉县 (安康, with a delegated agency), 蓝田县 and 西安高新区
(西安). Questions: Q1 a catalogue figure (非化石能源消费占比, %, default range -100..100), Q2 a
free-standing figure (万元, 0..50000), Q3 text."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import Batch
from dispatches import services
from dispatches.models import Dispatch, DispatchResponse, Question
from indicators.models import Indicator
from pilots.models import Pilot

from ..factories import BatchFactory, PilotFactory


@pytest.fixture
def batch(db):
    return BatchFactory(name="2023年第一批", state=Batch.State.PUBLISHED)


@pytest.fixture
def pilots(batch, shiquan, lantian, xian_hitech, agency_org) -> dict[str, Pilot]:
    made = {
        "shiquan": PilotFactory(batch=batch, organisation=shiquan, state=Pilot.State.IMPLEMENTING),
        "lantian": PilotFactory(batch=batch, organisation=lantian, state=Pilot.State.IMPLEMENTING),
        "hitech": PilotFactory(batch=batch, organisation=xian_hitech, state=Pilot.State.PLAN_DRAFTING),
    }
    made["shiquan"].delegated_agencies.add(agency_org)
    return made


def make_dispatch(
    province, *, due_in: int = 10, title: str = "2026年第三季度试点建设进展调度", **scope
) -> Dispatch:
    dispatch = services.dispatch_create(
        by=province,
        title=title,
        period="2026年第三季度",
        year=2026,
        due_date=timezone.localdate() + datetime.timedelta(days=due_in),
        **scope,
    )
    services.question_add(
        dispatch=dispatch,
        by=province,
        kind=Question.Kind.FIGURE,
        indicator=Indicator.objects.get(code="non_fossil_share"),
    )
    services.question_add(
        dispatch=dispatch,
        by=province,
        kind=Question.Kind.FIGURE,
        text="本季度完成投资",
        unit="万元",
        min_value=Decimal(0),
        max_value=Decimal(50000),
    )
    services.question_add(dispatch=dispatch, by=province, kind=Question.Kind.TEXT, text="存在的主要问题")
    return services.dispatch_open(dispatch=dispatch, by=province)


@pytest.fixture
def dispatch(province, pilots) -> Dispatch:
    return make_dispatch(province)


def response_of(dispatch, pilot) -> DispatchResponse:
    return DispatchResponse.objects.get(dispatch=dispatch, pilot=pilot)


def questions_of(dispatch) -> list[Question]:
    return list(dispatch.questions.order_by("order"))


def answer(response, user, values: dict[int, object], *, submit=True) -> DispatchResponse:
    """Save answers by question order (1-based) and submit."""
    questions = questions_of(response.dispatch)
    services.response_save(
        response=response, by=user, values={questions[i - 1].pk: v for i, v in values.items()}
    )
    if submit:
        return services.response_submit(response=response, by=user)
    return response


FULL = {1: "23.5", 2: "1200", 3: "光伏项目并网延后"}
