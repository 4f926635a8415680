"""The editor and the review queue: permissions per role (404 outside the scope), the form keeps the input
on an error (422), the queue filters and exports, the dashboard's to-dos."""

import io

import openpyxl
import pytest
from django.urls import reverse

from dashboard.selectors import dashboard_for
from pilots.models import Pilot
from showcase import services
from showcase.models import ShowcaseVersion

from ..factories import PilotFactory, county
from .conftest import publish, received_report, write_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_version(applicant_xian):
    """A submitted page of 蓝田县 (西安), another pilot."""
    other = PilotFactory(organisation=county("610122"), state=Pilot.State.ACCEPTED)
    version = write_page(other, applicant_xian, received_report(other), title="蓝田县示范")
    return services.showcase_transition(version=version, name="submit", by=applicant_xian)


def test_the_pilot_starts_edits_and_submits_through_the_pages(
    accepted, sources, applicant_county, client_for
):
    _report, actual, typical = sources
    client = client_for(applicant_county)
    response = client.post(reverse("showcase:start", args=[accepted.pk]))
    version = ShowcaseVersion.objects.get(page__pilot=accepted)
    assert response.url == reverse("showcase:edit", args=[version.pk])
    html = client.get(response.url).text
    assert typical.title in html and "森林覆盖率" in html  # the report's rows to choose from
    response = client.post(
        reverse("showcase:edit", args=[version.pk]),
        {"title": "石泉县示范", "summary": "正文", "actuals": [actual.pk], "cases": [typical.pk]},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.title, version.figures.get().value, version.cases.get().title) == (
        "石泉县示范",
        actual.value,
        typical.title,
    )
    client.post(reverse("showcase:version_action", args=[version.pk, "submit"]))
    version.refresh_from_db()
    assert version.state == ShowcaseVersion.State.SUBMITTED


def test_a_form_error_keeps_the_input_and_answers_422(accepted, applicant_county, client_for):
    version = services.showcase_draft(pilot=accepted, by=applicant_county)
    response = client_for(applicant_county).post(
        reverse("showcase:edit", args=[version.pk]), {"title": "", "summary": "保留这段已输入的文字"}
    )
    assert response.status_code == 422
    assert "保留这段已输入的文字" in response.text
    version.refresh_from_db()
    assert version.summary == ""


def test_another_pilot_and_another_city_get_404(
    other_version, applicant_county, city_ankang, client_for, accepted
):
    for user in (applicant_county, city_ankang):
        client = client_for(user)
        assert client.get(reverse("showcase:version_detail", args=[other_version.pk])).status_code == 404
        assert client.get(reverse("showcase:edit", args=[other_version.pk])).status_code == 404
        response = client.post(reverse("showcase:version_action", args=[other_version.pk, "publish"]))
        assert response.status_code == 404
    other_version.refresh_from_db()
    assert other_version.state == ShowcaseVersion.State.SUBMITTED
    assert (
        client_for(applicant_county)
        .post(reverse("showcase:start", args=[other_version.page.pilot_id]))
        .status_code
        == 404
    )


def test_the_city_reads_its_pilots_page_but_cannot_edit_or_decide(other_version, city_xian, client_for):
    client = client_for(city_xian)
    html = client.get(reverse("showcase:version_detail", args=[other_version.pk])).text
    assert "蓝田县示范" in html and 'data-testid="action-publish"' not in html
    assert client.get(reverse("showcase:edit", args=[other_version.pk])).status_code == 404
    client.post(reverse("showcase:version_action", args=[other_version.pk, "publish"]))
    other_version.refresh_from_db()
    assert other_version.state == ShowcaseVersion.State.SUBMITTED


def test_the_province_publishes_from_the_page(other_version, province, client_for):
    client = client_for(province)
    html = client.get(reverse("showcase:version_detail", args=[other_version.pk])).text
    assert 'data-testid="action-publish"' in html and 'data-testid="action-supersede"' not in html
    client.post(reverse("showcase:version_action", args=[other_version.pk, "publish"]))
    other_version.refresh_from_db()
    assert other_version.state == ShowcaseVersion.State.PUBLISHED


def test_the_review_queue_is_the_provinces_only(
    other_version, applicant_xian, city_xian, finance, client_for
):
    for user in (applicant_xian, city_xian, finance):
        assert client_for(user).get(reverse("showcase:review_queue")).status_code == 404


def test_the_review_queue_filters_and_exports(
    other_version, accepted, sources, applicant_county, province, client_for
):
    publish(accepted, applicant_county, province, sources, title="石泉县已发布")
    client = client_for(province)
    html = client.get(reverse("showcase:review_queue"), {"state": "submitted"}).text
    assert html.count('data-testid="queue-row"') == 1 and "蓝田县" in html
    html = client.get(reverse("showcase:review_queue")).text
    assert html.count('data-testid="queue-row"') == 2
    assert html.index("蓝田县") < html.index("石泉县")  # awaiting approval first
    response = client.get(reverse("showcase:review_queue"), {"state": "published", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = next(i for i, r in enumerate(sheet.iter_rows(values_only=True), 1) if r[0] == "序号")
    rows = list(sheet.iter_rows(min_row=header + 1, values_only=True))
    assert [(r[1], r[4], r[5], r[6]) for r in rows] == [("石泉县人民政府", 1, "石泉县已发布", "已发布")]


def test_my_pages_lists_only_the_users_accepted_pilots(
    accepted, applicant_county, applicant_xian, client_for
):
    html = client_for(applicant_county).get(reverse("showcase:my_pages")).text
    assert accepted.organisation.name in html
    html = client_for(applicant_xian).get(reverse("showcase:my_pages")).text
    assert accepted.organisation.name not in html and 'data-testid="no-pages"' in html


def test_dashboard_to_dos(accepted, sources, applicant_county, province):
    keys = lambda user: {t.key: t.count for t in dashboard_for(user).tasks}  # noqa: E731
    assert keys(applicant_county).get("showcase_to_submit") == 1
    assert "showcase_to_approve" not in keys(province)
    version = write_page(accepted, applicant_county, sources)
    services.showcase_transition(version=version, name="submit", by=applicant_county)
    assert "showcase_to_submit" not in keys(applicant_county)
    assert keys(province).get("showcase_to_approve") == 1
    services.showcase_transition(version=version, name="publish", by=province)
    assert "showcase_to_approve" not in keys(province)


def test_the_auditor_reaches_the_public_showcase_only(
    accepted, sources, applicant_county, province, client_for
):
    from organisations.models import Organisation, Role

    from ..factories import department, member

    version = publish(accepted, applicant_county, province, sources)
    auditor = member(Role.AUDITOR, department(Organisation.Kind.PROVINCE_ECOLOGY), username="auditor")
    client = client_for(auditor)
    assert client.get(reverse("showcase:index")).status_code == 200
    assert client.get(reverse("showcase:pilot", args=[accepted.pk])).status_code == 200
    assert client.get(reverse("showcase:version_detail", args=[version.pk])).status_code == 404
    assert client.get(reverse("showcase:review_queue")).status_code == 404


def test_the_editor_shows_why_the_page_was_returned(
    accepted, sources, applicant_county, province, client_for
):
    version = write_page(accepted, applicant_county, sources)
    services.showcase_transition(version=version, name="submit", by=applicant_county)
    services.showcase_transition(
        version=version, name="return_version", by=province, reason="请补充光伏装机规模。"
    )
    html = client_for(applicant_county).get(reverse("showcase:edit", args=[version.pk])).text
    assert "请补充光伏装机规模。" in html


def test_the_review_queue_runs_a_fixed_number_of_queries(province, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .test_public import _codes

    codes = _codes()

    def pages(start, n):
        for code in codes[start : start + n]:
            pilot = PilotFactory(organisation=county(code), state=Pilot.State.ACCEPTED)
            staff = member_of(pilot)
            version = write_page(pilot, staff, received_report(pilot), title=f"{code}示范")
            services.showcase_transition(version=version, name="submit", by=staff)

    pages(0, 2)
    client = client_for(province)
    client.get(reverse("showcase:review_queue"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("showcase:review_queue"))
    pages(2, 6)
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(reverse("showcase:review_queue")).text
    assert html.count('data-testid="queue-row"') == 8


def member_of(pilot):
    from organisations.models import Role

    from ..factories import member

    return member(Role.APPLICANT, pilot.organisation)
