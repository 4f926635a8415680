"""The demo (seed_demo) shows every state of a dispatch: one drafting, one open with answers missing from
西安 and 安康 (on time, late, by Excel, a draft), one closed with its circular."""

from io import StringIO

import pytest
from django.core.management import call_command

from dispatches.models import Circular, Dispatch, DispatchReminder, DispatchResponse
from dispatches.selectors import completeness_by_city


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_dispatches():
    call_command("seed_demo", stdout=StringIO())
    assert set(Dispatch.objects.values_list("state", flat=True)) == set(Dispatch.State.values)
    current = Dispatch.objects.get(state=Dispatch.State.OPEN)
    answers = current.responses.filter(state=DispatchResponse.State.SUBMITTED)
    assert answers.filter(late=False).count() >= 2
    assert answers.filter(late=True).count() == 1
    assert answers.filter(source=DispatchResponse.Source.EXCEL).count() == 1
    assert current.responses.filter(state=DispatchResponse.State.DRAFT, saved_at__isnull=False).exists()
    cities, _total = completeness_by_city(current.responses.all())
    missing = {c.name for c in cities if c.answered < c.expected}
    assert {"西安市", "安康市"} <= missing
    # the pilots not answered were escalated to their city bureau, once each
    unanswered = set(
        current.responses.exclude(state=DispatchResponse.State.SUBMITTED).values_list("pilot", flat=True)
    )
    escalated = DispatchReminder.objects.filter(dispatch=current, kind=DispatchReminder.Kind.LATE_CITY)
    assert unanswered and set(escalated.values_list("pilot", flat=True)) == unanswered
    assert escalated.count() == len(unanswered)
    closed = Dispatch.objects.get(state=Dispatch.State.CLOSED)
    circular = Circular.objects.get(dispatch=closed)
    assert circular.lists["late"] and circular.lists["missing"] and circular.lists["on_time"]
