"""Annual reports: drafts stay with the pilot; once submitted the city, province, finance and DRC see them."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from reports import permissions
from reports.models import AnnualReport
from reports.selectors import reports_visible_to

from ..factories import AnnualReportFactory, BatchFactory, PilotFactory, county

pytestmark = pytest.mark.django_db

R = AnnualReport.State
OWN = {"ankang": {"applicant_county", "agency"}, "xian": {"applicant_xian"}}
CITY = {"ankang": "city_ankang", "xian": "city_xian"}


def expected_visible(persona: str, key: str, state: str) -> bool:
    if persona in OWN[key]:
        return True
    if state == R.DRAFT:
        return False
    return persona in {"province", "finance", "drc", CITY[key]}


@pytest.fixture
def reports_in(agency_org):
    batch = BatchFactory(state="published")
    ankang = PilotFactory(batch=batch, organisation=county("610922"), state="implementing")
    ankang.delegated_agencies.add(agency_org)
    xian = PilotFactory(batch=batch, organisation=county("610122"), state="implementing")

    def make(state):
        return {
            "ankang": AnnualReportFactory(pilot=ankang, state=state),
            "xian": AnnualReportFactory(pilot=xian, state=state),
        }

    return make


@pytest.mark.parametrize("state", list(R))
def test_permission_selector_and_detail_page_agree_for_every_role(state, personas, reports_in, client_for):
    reports = reports_in(state)
    wrong = []
    for name, user in personas.items():
        listed = set(reports_visible_to(user).values_list("pk", flat=True))
        client = client_for(user)
        for key, report in reports.items():
            expected = expected_visible(name, key, state)
            if permissions.can_view_report(user, report) != expected:
                wrong.append(("permission", name, key))
            if (report.pk in listed) != expected:
                wrong.append(("selector", name, key))
            response = client.get(reverse("reports:detail", args=[report.pk]))
            if response.status_code != (200 if expected else 404):
                wrong.append(("http", name, key, response.status_code))
            elif expected and report.pilot.organisation.name not in response.text:
                wrong.append(("content", name, key))
    assert wrong == []


def test_report_list_shows_only_the_scope(reports_in, city_ankang, client_for):
    reports_in(R.SUBMITTED)
    page = client_for(city_ankang).get(reverse("reports:list")).text
    assert "石泉县人民政府" in page and "蓝田县人民政府" not in page


@pytest.mark.parametrize(
    ("persona", "state", "action"),
    [
        ("applicant_xian", R.DRAFT, "submit"),
        ("city_xian", R.SUBMITTED, "receive"),
        ("expert", R.SUBMITTED, "receive"),
        ("province", R.DRAFT, "receive"),  # drafts are invisible to the province
        ("outsider", R.SUBMITTED, "return_for_revision"),
    ],
)
def test_report_actions_out_of_scope_answer_404(persona, state, action, request, reports_in, client_for):
    report = reports_in(state)["ankang"]
    before = AuditEntry.objects.count()
    user = request.getfixturevalue(persona)
    response = client_for(user).post(reverse("reports:action", args=[report.pk, action]), {"reason": "x"})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.state == state
    assert AuditEntry.objects.count() == before


def test_report_action_in_scope_goes_through(reports_in, province, client_for):
    report = reports_in(R.SUBMITTED)["ankang"]
    assert (
        client_for(province).post(reverse("reports:action", args=[report.pk, "receive"])).status_code == 302
    )
    report.refresh_from_db()
    assert report.state == R.RECEIVED
