"""The page frame every role sees (base.html): flash messages stay a list for assistive technology,
no inline script handlers, and the menu marks the section the page belongs to."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_messages_render_as_a_list_under_role_status(applicant_county, client_for, rf):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    request = rf.get("/dashboard/")
    request.user = applicant_county
    request.session = client_for(applicant_county).session
    storage = FallbackStorage(request)
    storage.add(constants.INFO, "须先揭示并汇总评分，再提出入选建议。")
    request._messages = storage
    html = render_to_string(
        "dashboard/home.html", {"pilots": [], "open_batches": [], "in_publicity": []}, request
    )
    assert '<div role="status"><ul class="messages"><li class="info">须先揭示并汇总评分' in html


def test_the_frame_has_no_inline_event_handlers(applicant_county, client_for):
    html = client_for(applicant_county).get(reverse("dashboard:dashboard")).text
    assert not re.search(r"\son[a-z]+=", html)
    assert 'style="' not in html.split("<main")[0]


def test_the_menu_marks_the_current_section(applicant_county, client_for):
    html = client_for(applicant_county).get(reverse("pilots:list")).text
    assert re.findall(r'data-menu="(\w+)" aria-current="page"', html) == ["pilots"]


def test_the_report_list_filters_by_state_as_the_dashboard_links_it(province, client_for):
    from organisations.models import Organisation
    from reports.models import AnnualReport

    from ..factories import AnnualReportFactory, PilotFactory

    counties = Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("division_id")[:3]
    states = [AnnualReport.State.SUBMITTED, AnnualReport.State.SUBMITTED, AnnualReport.State.RECEIVED]
    for organisation, state in zip(counties, states, strict=True):
        AnnualReportFactory(pilot=PilotFactory(organisation=organisation), state=state)
    client = client_for(province)
    html = client.get(reverse("reports:list") + "?state=submitted").text
    assert 'data-total="2"' in html
    assert 'data-total="3"' in client.get(reverse("reports:list")).text
