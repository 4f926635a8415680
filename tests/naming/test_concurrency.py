"""Two officers deciding the same round at once: the round's row lock lets exactly one win, and the other
is refused with the state the first one left (PostgreSQL only: SQLite has no SELECT ... FOR UPDATE)."""

import time
from unittest import mock

import pytest

from core.errors import ActionNotPermitted, DomainError
from naming import services
from naming.models import AcceptanceDecision
from organisations.models import Organisation, Role

from ..applications.test_concurrency import race
from ..factories import department, member
from .conftest import propose

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
real_record = services.record


def slow_record(*args, **kwargs):
    # Hold the round's lock a little longer, so the other thread surely arrives while it is held.
    time.sleep(0.3)
    return real_record(*args, **kwargs)


def test_confirm_and_return_at_once_exactly_one_wins(require_postgres, proposed, review_round, drc, province):
    with mock.patch.object(services, "record", side_effect=slow_record):
        outcomes = race(
            lambda: services.decision_confirm(review_round=review_round, by=drc, opinion="同意。"),
            lambda: services.decision_return(
                review_round=review_round, by=province, opinion="石泉县理由需补充。"
            ),
        )
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, DomainError) and not isinstance(loser, ActionNotPermitted), loser
    assert "没有待会签" in loser.message
    answers = AcceptanceDecision.objects.exclude(kind=AcceptanceDecision.Kind.PROPOSE)
    assert answers.count() == 1 and answers.get().proposal == proposed


def test_two_province_officers_proposing_at_once_exactly_one_wins(
    require_postgres, review_round, province, pilot, other_pilot
):
    second = member(
        Role.PROVINCE_OFFICER, department(Organisation.Kind.PROVINCE_ECOLOGY), username="province_2"
    )
    with mock.patch.object(services, "record", side_effect=slow_record):
        outcomes = race(
            lambda: propose(review_round, province, {pilot: "excellent", other_pilot: "passed"}),
            lambda: propose(review_round, second, {pilot: "passed", other_pilot: "fail"}),
        )
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, DomainError) and "正待省发展改革委会签" in loser.message
    assert AcceptanceDecision.objects.count() == 1
