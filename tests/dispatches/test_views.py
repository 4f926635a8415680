"""The province drafts a dispatch on its pages (form errors next to the field, with what was typed),
adds questions, opens it; the pilot saves a draft and submits in the portal."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatches import services
from dispatches.models import Answer, Dispatch, DispatchResponse

from ..conftest import XIAN
from .conftest import questions_of, response_of

pytestmark = pytest.mark.django_db


def test_province_drafts_adds_questions_and_opens(client_for, province, pilots):
    client = client_for(province)
    due = (timezone.localdate() + timezone.timedelta(days=5)).isoformat()
    data = {
        "title": "西安市试点专项调度",
        "period": "2026年11月",
        "year": "2026",
        "due_date": due,
        "scope": "city",
    }
    refused = client.post(reverse("dispatches:create"), data)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "按市（区）调度须选择市（区）" in page and 'value="西安市试点专项调度"' in page
    assert not Dispatch.objects.exists()
    created = client.post(reverse("dispatches:create"), {**data, "scope_review_unit": XIAN})
    dispatch = Dispatch.objects.get()
    assert created["Location"] == reverse("dispatches:detail", args=[dispatch.pk])
    drafting = client.get(created["Location"]).content.decode()
    assert "发起时将向2个试点单位调度" in drafting and "按市（区）：西安市" in drafting
    add = reverse("dispatches:question_add", args=[dispatch.pk])
    client.post(add, {"kind": "figure", "indicator": "", "text": "", "unit": "万元"})
    assert not dispatch.questions.exists()  # no text and no indicator
    client.post(
        add, {"kind": "figure", "text": "光伏新增装机", "unit": "兆瓦", "min_value": "0", "max_value": "500"}
    )
    client.post(add, {"kind": "text", "text": "工作进展", "required": "on"})
    assert [q.code for q in questions_of(dispatch)] == ["Q1", "Q2"]
    client.post(reverse("dispatches:action", args=[dispatch.pk, "open"]))
    dispatch.refresh_from_db()
    assert dispatch.state == Dispatch.State.OPEN
    assert set(dispatch.responses.values_list("pilot", flat=True)) == {
        pilots["lantian"].pk,
        pilots["hitech"].pk,
    }


def test_pilot_saves_a_draft_then_submits_in_the_portal(client_for, applicant_county, dispatch, pilots):
    response = response_of(dispatch, pilots["shiquan"])
    q1, q2, q3 = questions_of(dispatch)
    client = client_for(applicant_county)
    url = reverse("dispatches:response", args=[response.pk])
    client.post(url, {f"q{q1.pk}": "21.5", f"q{q2.pk}": "", f"q{q3.pk}": ""})
    assert Answer.objects.get(question=q1).number_value == 21.5
    refused = client.post(
        url, {f"q{q1.pk}": "21.5", f"q{q2.pk}": "", f"q{q3.pk}": "", "submit": "1"}, follow=True
    )
    assert "尚有必填问题未填写" in refused.content.decode()
    response.refresh_from_db()
    assert response.state == DispatchResponse.State.DRAFT
    done = client.post(
        url, {f"q{q1.pk}": "21.5", f"q{q2.pk}": "1,250", f"q{q3.pk}": "无", "submit": "1"}, follow=True
    )
    response.refresh_from_db()
    assert response.state == DispatchResponse.State.SUBMITTED
    assert Answer.objects.get(question=q2).number_value == 1250
    page = done.content.decode()
    assert re.search(r'data-testid="state">已提交<', page)
    assert 'data-testid="template"' not in page  # locked once submitted


def test_pilot_dashboard_lists_the_dispatch_to_answer_until_submitted(
    client_for, applicant_county, agency, dispatch, pilots
):
    response = response_of(dispatch, pilots["shiquan"])
    url = reverse("dispatches:response", args=[response.pk])
    for user in (applicant_county, agency):
        page = client_for(user).get(reverse("dashboard:dashboard")).content.decode()
        assert f'href="{url}"' in page and dispatch.title in page
    services.response_save(
        response=response, by=applicant_county, values={q.pk: "1" for q in questions_of(dispatch)}
    )
    services.response_submit(response=response, by=applicant_county)
    page = client_for(applicant_county).get(reverse("dashboard:dashboard")).content.decode()
    assert f'href="{url}"' not in page
