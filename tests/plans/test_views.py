"""The plan pages: who sees what (404 outside one's scope), forms re-rendering with what was typed,
the lists with a fixed number of queries and their Excel export."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from pilots.models import Pilot
from plans import services
from plans.models import Chapter, Plan

from ..factories import PilotFactory, county
from .data import fill_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(pilot, applicant_county, agency):
    plan = services.plan_start(pilot=pilot, by=applicant_county)
    return fill_plan(plan, agency)


def _url(name, plan, *args):
    return reverse(f"plans:{name}", args=[plan.pilot_id, *args])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("applicant_county", 200),
        ("agency", 200),
        ("city_ankang", 200),
        ("province", 200),
        ("city_xian", 404),
        ("expert", 404),
        ("outsider", 404),
        ("applicant_xian", 404),
        ("finance", 404),  # a draft: finance sees filed plans only
        ("drc", 404),
    ],
)
def test_who_sees_a_draft_plan(persona, status, plan, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(_url("plan", plan)).status_code == status
    assert client.get(_url("ledger", plan)).status_code == (200 if status == 200 else 404)


def test_finance_sees_the_filed_plan(
    plan, applicant_county, province, finance, expert, city_xian, client_for
):
    services.plan_submit(plan=plan, by=applicant_county)
    services.plan_file(plan=plan, by=province, filing_number="陕环试点备〔2024〕1号")
    response = client_for(finance).get(_url("plan", plan))
    assert response.status_code == 200
    assert "陕环试点备〔2024〕1号" in response.content.decode()
    for user in (expert, city_xian):
        assert client_for(user).get(_url("plan", plan)).status_code == 404
        assert client_for(user).get(_url("version_pdf", plan, 1)).status_code == 404


def test_the_city_reads_but_cannot_edit(plan, city_ankang, client_for):
    client = client_for(city_ankang)
    page = client.get(_url("plan", plan)).content.decode()
    assert _url("chapter", plan, "general") not in page
    response = client.post(_url("chapter", plan, "general"), {"body": "<p>市里改的</p>"})
    assert response.status_code == 302
    assert plan.chapters.get(key="general").body == "<p>一、总论的内容。</p>"


def test_the_agency_edits_but_cannot_submit(plan, agency, client_for):
    client = client_for(agency)
    response = client.post(
        _url("chapter", plan, "general"), {"body": "<p onclick='x()'>机构起草</p><script>x</script>"}
    )
    assert response.status_code == 302
    assert plan.chapters.get(key="general").body == "<p>机构起草</p>"
    client.post(_url("submit", plan))
    assert Plan.objects.get(pk=plan.pk).state == Plan.State.DRAFTING
    assert not plan.versions.exists()


def test_a_target_form_with_an_error_re_renders_with_what_was_typed(plan, applicant_county, client_for):
    client = client_for(applicant_county)
    page = client.get(_url("targets", plan))
    formset = page.context["formset"]
    data = {}
    for key, value in formset.management_form.initial.items():
        data[f"targets-{key}"] = value
    form = formset.forms[0]
    data["targets-TOTAL_FORMS"] = 1
    data["targets-0-indicator"] = form.initial["indicator"].pk
    data["targets-0-binding"] = "1"
    data["targets-0-base_value"] = "abc"
    data["targets-0-data_source"] = "统计公报（输入）"
    for year in form.years:
        data[f"targets-0-y{year}"] = "6.5"
    response = client.post(_url("targets", plan), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "统计公报（输入）" in html
    assert 'value="abc"' in html
    assert "请输入一个数字" in html or "输入一个数字" in html


def test_the_province_returns_with_chapter_comments_through_the_page(
    plan, applicant_county, province, client_for
):
    services.plan_submit(plan=plan, by=applicant_county)
    client = client_for(province)
    response = client.post(_url("decide", plan, "return"), {"comment": "", "chapter_goals": ""})
    assert response.status_code == 400
    assert "至少一个章节" in response.content.decode()
    response = client.post(
        _url("decide", plan, "return"), {"chapter_goals": "目标偏低，请对标全省平均水平。"}
    )
    assert response.status_code == 302
    page = client_for(applicant_county).get(_url("plan", plan)).content.decode()
    assert "目标偏低，请对标全省平均水平。" in page
    assert Plan.objects.get(pk=plan.pk).decisions.get().chapter_comments == {
        Chapter.GOALS: "目标偏低，请对标全省平均水平。"
    }


def _make_plans(n, applicant, agency, province, codes):
    for code in codes[:n]:
        pilot = PilotFactory(organisation=county(code))
        pilot.delegated_agencies.add(agency.memberships.first().organisation)
        Pilot.objects.filter(pk=pilot.pk).update(state=Pilot.State.PLAN_DRAFTING)
        Plan.objects.create(pilot=pilot, title=f"{code}方案")


def test_the_plan_list_has_a_fixed_number_of_queries(province, client_for, applicant_county, agency):
    codes = ["610122", "610124", "610104", "610921", "610923", "610924"]
    client = client_for(province)
    _make_plans(2, applicant_county, agency, province, codes)
    client.get(reverse("plans:list"))  # warm the caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("plans:list"))
    assert len(response.context["page"].object_list) == 2
    _make_plans(6, applicant_county, agency, province, codes[2:])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("plans:list"))
    assert len(response.context["page"].object_list) == 6
    assert len(many) == len(few)


def test_the_plan_list_filters_and_exports(plan, applicant_county, province, client_for, city_xian, expert):
    services.plan_submit(plan=plan, by=applicant_county)
    other = PilotFactory(organisation=county("610122"))
    Plan.objects.create(pilot=other, title="蓝田县方案")
    client = client_for(province)
    names = [p.pilot.organisation.name for p in client.get(reverse("plans:list")).context["page"]]
    assert sorted(names) == sorted([plan.pilot.organisation.name, other.organisation.name])
    filtered = client.get(reverse("plans:list"), {"state": "submitted"}).context["page"]
    assert [p.pk for p in filtered] == [plan.pk]
    response = client.get(reverse("plans:list"), {"state": "submitted", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert plan.pilot.organisation.name in values
    assert other.organisation.name not in values
    # the city officer of Xi'an sees only its own pilots' plans; an expert has no list
    city_names = [
        p.pilot.organisation.name for p in client_for(city_xian).get(reverse("plans:list")).context["page"]
    ]
    assert city_names == [other.organisation.name]
    assert client_for(expert).get(reverse("plans:list")).status_code == 404


def test_the_change_list_has_a_fixed_number_of_queries(province, city_ankang, applicant_county, client_for):
    import datetime

    from plans.models import ChangeDecision, ChangeOpinion, ChangeRequest

    def add(code):
        pilot = PilotFactory(organisation=county(code))
        change = ChangeRequest.objects.create(
            pilot=pilot,
            kind="extension",
            due_kind="annual_report",
            due_year=2025,
            new_due_date=datetime.date(2025, 12, 31),
            reasons="统计数据推迟",
            created_by=applicant_county,
        )
        ChangeOpinion.objects.create(request=change, opinion="同意", given_by=city_ankang)
        ChangeDecision.objects.create(request=change, approved=True, decided_by=province)

    client = client_for(province)
    add("610922")
    client.get(reverse("plans:changes"))
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("plans:changes"))
    assert len(response.context["page"].object_list) == 1
    for code in ("610921", "610923", "610924", "610925"):
        add(code)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("plans:changes"))
    assert len(response.context["page"].object_list) == 5
    assert len(many) == len(few)
    # the city officer of 安康 sees the requests of its pilots
    assert len(client_for(city_ankang).get(reverse("plans:changes")).context["page"].object_list) == 5


@pytest.mark.parametrize("persona", ["expert", "outsider", "agency"])
def test_the_change_list_is_not_there_for_others(persona, request, client_for):
    assert client_for(request.getfixturevalue(persona)).get(reverse("plans:changes")).status_code == 404


def test_a_change_request_through_the_pages(
    plan, applicant_county, province, city_ankang, city_xian, expert, client_for
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plans import selectors
    from plans.models import ChangeRequest, LedgerVersion

    services.plan_submit(plan=plan, by=applicant_county)
    services.plan_file(plan=plan, by=province, filing_number="陕环试点备〔2024〕2号")
    pilot = plan.pilot
    forest = selectors.target_path(pilot)["forest_coverage"]
    year = max(forest.values)
    client = client_for(applicant_county)
    url = reverse("plans:change_new", args=[pilot.pk, "target"])
    typed = {
        "indicator": forest.indicator.pk,
        "binding": "0",
        f"y{year}": "46.0",
        "reasons": "林地调整（输入的理由）",
        "evidence": SimpleUploadedFile("证明.pdf", b"not really a pdf", content_type="application/pdf"),
    }
    response = client.post(url, typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "林地调整（输入的理由）" in html and "文件类型不符合要求" in html
    assert not ChangeRequest.objects.exists()
    typed["evidence"] = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(url, typed)
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("plans:change", args=[change.pk])

    detail = reverse("plans:change", args=[change.pk])
    for outsider in (city_xian, expert):
        assert client_for(outsider).get(detail).status_code == 404
        assert client_for(outsider).get(reverse("plans:change_evidence", args=[change.pk])).status_code == 404
    assert client_for(city_ankang).get(reverse("plans:change_evidence", args=[change.pk])).status_code == 200
    # the province cannot decide before the city's opinion: no form
    assert client_for(province).get(detail).context["decision_form"] is None
    client_for(city_ankang).post(detail, {"step": "opinion", "supports": "1", "opinion": "同意。"})
    response = client_for(province).post(detail, {"step": "decision", "decision": "refuse", "reason": ""})
    assert "不予批准须填写理由" in response.content.decode()
    client_for(province).post(detail, {"step": "decision", "decision": "approve", "reason": "同意"})
    change.refresh_from_db()
    assert change.state == "approved"
    assert LedgerVersion.objects.filter(pilot=pilot).count() == 2
    ledger = client_for(city_ankang).get(reverse("plans:ledger", args=[pilot.pk]))
    assert [v["version"].number for v in ledger.context["versions"]] == [2, 1]
    assert selectors.target_path(pilot)["forest_coverage"].values[year] == Decimal("46.0")


def test_blank_rows_of_a_table_are_skipped_as_the_browser_posts_them(plan, applicant_county, client_for):
    """A browser posts a blank row's selects with their first option: the row is still blank (空行不会保存)."""
    client = client_for(applicant_county)
    formset = client.get(_url("targets", plan)).context["formset"]
    data = {f"targets-{k}": v for k, v in formset.management_form.initial.items()}
    for i, form in enumerate(formset.forms):
        if i < len(formset.initial):
            row = form.initial
            data[f"targets-{i}-indicator"] = row["indicator"].pk
            data[f"targets-{i}-binding"] = row["binding"]
            data[f"targets-{i}-base_value"] = row["base_value"]
            data[f"targets-{i}-data_source"] = row["data_source"]
            for year in form.years:
                data[f"targets-{i}-y{year}"] = row[f"y{year}"]
        else:
            data[f"targets-{i}-binding"] = "1"  # what the select shows on a blank row
    assert len(formset.forms) > len(formset.initial)
    response = client.post(_url("targets", plan), data)
    assert response.status_code == 302
    assert plan.targets.count() == len(formset.initial)
