"""The public showcase (no login): only published text is public, the figures are the reports', the list
counts each outcome as the data does, the list runs a fixed number of queries, the Excel file reads back."""

import io
import re
from decimal import Decimal as D

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Batch
from organisations.models import Organisation
from pilots.models import Pilot
from reports import charts
from showcase import selectors, services

from ..factories import BatchFactory, PilotFactory, county
from ..reports.test_pilot_emissions import make_report
from .conftest import publish, write_page

pytestmark = pytest.mark.django_db
ROW = re.compile(
    r'<tr data-testid="emissions-row" data-year="(\d+)" data-total="([\d.]*)" data-intensity="([\d.]*)"'
)


def anonymous() -> Client:
    return Client()


def page_url(pilot) -> str:
    return reverse("showcase:pilot", args=[pilot.pk])


# Only approved text is public --------------------------------------------------------------------
def test_draft_submitted_and_returned_pages_are_404_for_the_public(
    accepted, sources, applicant_county, province
):
    version = write_page(accepted, applicant_county, sources, title="尚未批准的标题")
    assert anonymous().get(page_url(accepted)).status_code == 404
    services.showcase_transition(version=version, name="submit", by=applicant_county)
    assert anonymous().get(page_url(accepted)).status_code == 404
    services.showcase_transition(version=version, name="return_version", by=province, reason="请补充案例。")
    response = anonymous().get(page_url(accepted))
    assert response.status_code == 404 and "尚未批准的标题" not in response.text


def test_a_published_page_shows_the_approved_text_only(accepted, sources, applicant_county, province):
    publish(accepted, applicant_county, province, sources, title="已批准的标题")
    draft = services.showcase_draft(pilot=accepted, by=applicant_county)
    services.showcase_save(
        version=draft,
        by=applicant_county,
        title="修改中的标题",
        summary="修改中的正文",
        actual_ids=[],
        case_ids=[],
    )
    html = anonymous().get(page_url(accepted)).text
    assert "已批准的标题" in html and "修改中的标题" not in html and "修改中的正文" not in html
    assert "已通过验收并命名" in html


def test_an_unpublished_page_is_404(accepted, sources, applicant_county, province):
    version = publish(accepted, applicant_county, province, sources)
    services.showcase_transition(version=version, name="unpublish", by=province, reason="撤下核实。")
    assert anonymous().get(page_url(accepted)).status_code == 404


def test_a_pilot_without_a_page_and_an_unknown_pilot_are_404(accepted):
    assert anonymous().get(page_url(accepted)).status_code == 404
    assert anonymous().get(reverse("showcase:pilot", args=[999999])).status_code == 404


# Figures ------------------------------------------------------------------------------------------
def test_the_key_figures_and_cases_are_the_reports(accepted, sources, applicant_county, province):
    report, actual, typical = sources
    publish(accepted, applicant_county, province, sources)
    html = anonymous().get(page_url(accepted)).text
    values = re.findall(r'data-testid="figure-value">([^<]*)<', html)
    assert values == [f"{actual.value:,.2f}"]
    assert typical.title in html and typical.text in html
    assert "森林覆盖率" in html


def test_the_emissions_table_is_the_carbon_accounting_of_the_reports(
    accepted, sources, applicant_county, province
):
    from carbon.models import EmissionFactorSet

    from ..reports.test_accounting import _set

    EmissionFactorSet.objects.all().delete()
    _set("2022年因子", 2022, D("0.6558"))
    received = make_report(accepted, 2024, "received", "9000")
    make_report(accepted, 2023, "draft", "9500")  # a draft is never counted
    publish(accepted, applicant_county, province, sources)
    html = anonymous().get(page_url(accepted)).text
    expected = charts.pilot_emissions(accepted, selectors.public_reports(accepted))
    rows = ROW.findall(html)
    assert [int(r[0]) for r in rows] == [row.year for row in expected.rows]
    assert 2023 not in [int(r[0]) for r in rows] and received.year in [int(r[0]) for r in rows]
    for (_year, total, intensity), row in zip(rows, expected.rows, strict=True):
        assert D(total) == round(row.total_t, 1)
        assert (D(intensity) if intensity else None) == (
            round(row.co2_per_gdp, 4) if row.co2_per_gdp else None
        )
    assert 'id="pilot-emissions-chart"' in html and "vendor/echarts/echarts.min.js" in html
    assert "<script>" not in html  # the chart script is a static file (CSP)


# The list ----------------------------------------------------------------------------------------
def _codes() -> list[str]:
    """石泉县 (安康), 蓝田县 (the only one of 西安), then counties of other cities."""
    others = (
        Organisation.objects.filter(kind=Organisation.Kind.COUNTY)
        .exclude(division__code__startswith="6101")
        .exclude(division_id="610922")
        .order_by("division_id")
        .values_list("division_id", flat=True)
    )
    return ["610922", "610122", *others[:12]]


def _pilots(batch, states, start=0):
    codes = _codes()
    return [
        PilotFactory(organisation=county(codes[start + i]), batch=batch, state=state)
        for i, state in enumerate(states)
    ]


@pytest.fixture
def world(db):
    first = BatchFactory(name="2023年第一批", year=2023, state=Batch.State.PUBLISHED)
    second = BatchFactory(name="2025年第二批", year=2025, state=Batch.State.PUBLISHED)
    hidden = BatchFactory(name="2026年第三批", year=2026, state=Batch.State.PUBLICITY)
    _pilots(
        first,
        [Pilot.State.ACCEPTED, Pilot.State.ACCEPTED, Pilot.State.DISQUALIFIED, Pilot.State.IMPLEMENTING],
    )
    _pilots(second, [Pilot.State.PLAN_DRAFTING, Pilot.State.ACCEPTANCE_FAILED], start=4)
    _pilots(hidden, [Pilot.State.SELECTED], start=6)
    return first, second


def counts_on(html) -> dict:
    return {k: int(v) for k, v in re.findall(r'data-testid="count-(\w+)">(\d+)<', html)}


def test_the_counts_per_outcome_are_the_datas(world):
    html = anonymous().get(reverse("showcase:index")).text
    public = Pilot.objects.filter(batch__state__in=[Batch.State.PUBLISHED, Batch.State.CLOSED])
    assert counts_on(html) == {
        "total": public.count(),
        "named": public.filter(state=Pilot.State.ACCEPTED).count(),
        "disqualified": public.filter(state=Pilot.State.DISQUALIFIED).count(),
        "building": public.exclude(state__in=[Pilot.State.ACCEPTED, Pilot.State.DISQUALIFIED]).count(),
    }
    assert counts_on(html) == {"total": 6, "named": 2, "disqualified": 1, "building": 3}
    assert html.count('data-testid="pilot-row"') == 6  # the batch in publicity is not listed
    assert "2023年第一批" in html and "2025年第二批" in html and "2026年第三批" not in html


def test_the_filters_narrow_the_list_and_the_counts(world):
    first, _second = world
    html = anonymous().get(reverse("showcase:index"), {"outcome": "named"}).text
    assert html.count('data-outcome="accepted"') == 2 and html.count('data-testid="pilot-row"') == 2
    html = anonymous().get(reverse("showcase:index"), {"batch": first.pk, "outcome": "building"}).text
    assert counts_on(html)["total"] == 1 and html.count('data-outcome="implementing"') == 1
    html = (
        anonymous().get(reverse("showcase:index"), {"review_unit": "610900"}).text
    )  # 安康: 石泉县 and others
    ankang = Pilot.objects.filter(
        batch__state=Batch.State.PUBLISHED, organisation__review_unit="610900"
    ).count()
    assert counts_on(html)["total"] == ankang


def test_the_city_page_lists_its_pilots_only(world):
    html = anonymous().get(reverse("showcase:city", args=["610100"])).text  # 西安: 蓝田县 only
    assert html.count('data-testid="pilot-row"') == 1 and "蓝田县" in html and "石泉县" not in html
    assert anonymous().get(reverse("showcase:city", args=["999999"])).status_code == 404


def test_a_published_page_is_linked_from_the_list(accepted, sources, applicant_county, province):
    assert page_url(accepted) not in anonymous().get(reverse("showcase:index")).text
    publish(accepted, applicant_county, province, sources)
    assert page_url(accepted) in anonymous().get(reverse("showcase:index")).text


def test_the_list_runs_a_fixed_number_of_queries(
    django_assert_num_queries, world, province, applicant_county
):
    first, second = world
    client = anonymous()
    client.get(reverse("showcase:index"))  # warm content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("showcase:index"))
    _pilots(second, [Pilot.State.ACCEPTED] * 4, start=6)
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(reverse("showcase:index")).text
    assert html.count('data-testid="pilot-row"') == 10


def test_the_excel_export_reads_back(world):
    response = anonymous().get(reverse("showcase:index"), {"outcome": "named", "export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.title == "试点名单及建设结果"
    header = next(i for i, r in enumerate(sheet.iter_rows(values_only=True), 1) if r[0] == "序号")
    rows = list(sheet.iter_rows(min_row=header + 1, values_only=True))
    assert len(rows) == 2
    assert {r[6] for r in rows} == {"已通过验收并命名"}
    assert all(isinstance(r[5], int) for r in rows)  # the batch year is a number


def test_anonymous_pages_are_cacheable_and_signed_in_ones_private(world, province, client_for):
    response = anonymous().get(reverse("showcase:index"))
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    response = client_for(province).get(reverse("showcase:index"))
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_the_home_page_links_to_the_showcase(db):
    html = anonymous().get(reverse("dashboard:home")).text
    assert reverse("showcase:index") in html


# Photos ------------------------------------------------------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_case_photo_is_copied_and_public_only_once_published(accepted, sources, applicant_county, province):
    from django.core.files.base import ContentFile

    _report, _actual, typical = sources
    typical.token, typical.extension, typical.photo_type = "a" * 32, ".png", "image/png"
    typical.photo.save("case.png", ContentFile(PNG), save=True)
    version = write_page(accepted, applicant_county, sources)
    case = version.cases.get()
    assert case.photo and case.photo.name != typical.photo.name and case.photo_type == "image/png"
    url = reverse("showcase:case_photo", args=[accepted.pk, case.pk])
    assert anonymous().get(url).status_code == 404  # a draft's photo is not public
    services.showcase_transition(version=version, name="submit", by=applicant_county)
    services.showcase_transition(version=version, name="publish", by=province)
    html = anonymous().get(page_url(accepted)).text
    assert url in html
    response = anonymous().get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
