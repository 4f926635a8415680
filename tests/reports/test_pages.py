"""The pilot's form (sections), uploads checked by content, the report page's chart data."""

import json
import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator
from plans.models import KeyProject, LedgerTarget, LedgerVersion, Plan
from reports import accounting
from reports.forms import SECTIONS
from reports.models import AnnualReport, FuelUse, IndicatorActual, ProjectProgress, TypicalCase

from ..factories import PDF_BYTES, AnnualReportFactory, PilotFactory, county

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def report(agency_org, province):
    pilot = PilotFactory(organisation=county("610922"), state="implementing")
    pilot.delegated_agencies.add(agency_org)
    plan = Plan.objects.create(pilot=pilot)
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.FILED)
    version = LedgerVersion.objects.create(pilot=pilot, plan=plan, number=1, created_by=province)
    LedgerTarget.objects.create(
        version=version,
        indicator=Indicator.objects.get(code="non_fossil_share"),
        binding=True,
        base_year=2022,
        base_value=D("20"),
        values={"2026": "25"},
    )
    KeyProject.objects.create(
        plan=plan,
        name="屋顶分布式光伏",
        task="energy",
        milestones={"2026": "并网20兆瓦"},
        investment_by_year={"2026": {"amount": "3000", "source": "社会资本"}},
    )
    return AnnualReportFactory(pilot=pilot, year=2026)


@pytest.mark.parametrize("section", [key for key, _label in SECTIONS])
def test_every_section_renders_with_a_fixed_number_of_queries(section, report, applicant_county, client_for):
    client = client_for(applicant_county)
    url = reverse("reports:edit", args=[report.pk, section])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for fuel in ("raw_coal", "diesel", "natural_gas", "lpg"):
        FuelUse.objects.create(report=report, fuel=fuel, quantity=D("10"))
    TypicalCase.objects.create(report=report, title="案例", text="x")
    TypicalCase.objects.create(report=report, title="案例二", text="y")
    with CaptureQueriesContext(connection) as second:
        page = client.get(url).text
    assert len(second) == len(first)
    assert str(dict(SECTIONS)[section]) in page


def test_the_agency_saves_the_energy_section_and_errors_keep_what_was_typed(report, agency, client_for):
    client = client_for(agency)
    url = reverse("reports:edit", args=[report.pk, "energy"])
    response = client.post(
        url, {"grid_purchase_10k_kwh": "100", "green_power_10k_kwh": "150", "fuel_raw_coal": "1234.5"}
    )
    assert response.status_code == 200
    assert "绿电交易电量不能大于电网购入电量" in response.text and 'value="1234.5"' in response.text
    assert not FuelUse.objects.filter(report=report).exists()
    response = client.post(
        url, {"grid_purchase_10k_kwh": "100", "green_power_10k_kwh": "50", "fuel_raw_coal": "1234.5"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.green_power_10k_kwh == D("50")
    assert FuelUse.objects.get(report=report).quantity == D("1234.5")


def test_actuals_with_evidence_and_the_computed_status(report, applicant_county, client_for, finance):
    client = client_for(applicant_county)
    url = reverse("reports:edit", args=[report.pk, "indicators"])
    response = client.post(
        url,
        {
            "v_non_fossil_share": "24.2",
            "s_non_fossil_share": "县统计局",
            "q_non_fossil_share": "yearbook",
            "f_non_fossil_share": SimpleUploadedFile("证明.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    actual = IndicatorActual.objects.get(report=report)
    assert (actual.value, actual.quality, actual.evidence_type) == (D("24.2"), "yearbook", "application/pdf")
    page = client.get(reverse("reports:detail", args=[report.pk])).text
    assert "存在风险" in page  # 24.2 < 25 within 5 %: computed, never typed
    evidence = reverse("reports:evidence", args=[report.pk, actual.pk])
    assert client.get(evidence).status_code == 200
    assert client_for(finance).get(evidence).status_code == 404  # a draft: finance sees nothing


def test_project_progress(report, applicant_county, client_for):
    project = KeyProject.objects.get()
    client = client_for(applicant_county)
    url = reverse("reports:edit", args=[report.pk, "projects"])
    assert "并网20兆瓦" in client.get(url).text
    client.post(url, {f"met_{project.pk}": "on", f"note_{project.pk}": "已并网", f"inv_{project.pk}": "2800"})
    progress = ProjectProgress.objects.get(report=report)
    assert (progress.milestone_met, progress.investment_10k_yuan, progress.project_name) == (
        True,
        D("2800"),
        "屋顶分布式光伏",
    )


def test_a_case_photo_must_be_an_image_by_content(report, applicant_county, client_for):
    client = client_for(applicant_county)
    url = reverse("reports:edit", args=[report.pk, "cases"])
    response = client.post(
        url, {"title": "光伏", "text": "介绍", "photo": SimpleUploadedFile("photo.png", PDF_BYTES)}
    )
    assert "照片只接受 JPG 或 PNG 图片" in response.text and not TypicalCase.objects.exists()
    client.post(url, {"title": "光伏", "text": "介绍", "photo": SimpleUploadedFile("photo.bin", PNG)})
    case = TypicalCase.objects.get()
    assert case.photo_type == "image/png"
    response = client.get(reverse("reports:case_photo", args=[report.pk, case.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG


def test_the_chart_data_equals_the_figures(report, applicant_county, client_for):
    page = client_for(applicant_county).get(reverse("reports:detail", args=[report.pk])).text
    match = re.search(r'<script id="report-chart-data" type="application/json">(.*?)</script>', page)
    figures = accounting.carbon_figures(report)
    if figures is None:
        assert match is None
        return
    data = json.loads(match.group(1))
    assert data["years"][-1] == 2026
    assert data["totals"][-1] == float(round(figures.current.total_t, 1))
    assert 'src="/static/js/report-chart.js"' in page or "report-chart.js" in page
    assert AnnualReport.objects.count() == 1


@pytest.mark.parametrize("persona", ["expert", "city_xian", "finance", "city_ankang", "outsider"])
def test_the_form_and_files_of_a_draft_answer_404_outside_the_pilot(persona, request, report, client_for):
    actual = IndicatorActual.objects.create(
        report=report,
        indicator=Indicator.objects.get(code="non_fossil_share"),
        value=D("24"),
        quality="estimate",
    )
    case = TypicalCase.objects.create(report=report, title="案例", text="x")
    client = client_for(request.getfixturevalue(persona))
    for url in (
        reverse("reports:edit", args=[report.pk, "general"]),
        reverse("reports:evidence", args=[report.pk, actual.pk]),
        reverse("reports:case_photo", args=[report.pk, case.pk]),
        reverse("reports:detail", args=[report.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("reports:opinion", args=[report.pk]), {"text": "x"}).status_code == 404
    assert (
        client.post(
            reverse("reports:evaluate", args=[report.pk]), {"rating": "good", "opinion": "x"}
        ).status_code
        == 404
    )


def test_a_submitted_report_is_read_only_for_the_city(report, applicant_county, city_ankang, client_for):
    from reports import services

    services.report_transition(report=report, name="submit", by=applicant_county)
    client = client_for(city_ankang)
    assert client.get(reverse("reports:edit", args=[report.pk, "general"])).status_code == 404
    page = client.get(reverse("reports:detail", args=[report.pk])).text
    assert "提交市级意见" in page
    client.post(reverse("reports:opinion", args=[report.pk]), {"text": "同意报送"})
    assert report.city_opinions.get().text == "同意报送"
