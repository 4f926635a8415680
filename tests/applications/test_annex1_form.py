"""The Annex 1 form: section saving, validation that keeps what was typed, freezing, resubmission."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import AnnualBaseline, Application, ApplicationSnapshot, Contact, KeyProject
from core.errors import DomainError

from .. import export_checks
from ..factories import ApplicationFactory, BatchFactory, complete_application, county

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(applicant_county):
    return ApplicationFactory(organisation=county("610922"))


def post(client, url, data):
    return client.post(url, data, follow=True)


def test_basic_section_saves_and_is_audited(draft, applicant_county, client_for):
    client = client_for(applicant_county)
    url = reverse("applications:section", args=[draft.pk, "basic"])
    response = post(
        client,
        url,
        {
            "pilot_level": "near_zero",
            "pilot_scope": "whole",
            "credit_code": " 12100000400000624d ",
            "address": "陕西省安康市石泉县城关镇江南大道28号",
            "boundary_area_km2": "1,525.5",
            "boundary_description": "石泉县行政区划全域",
            "work_foundation": "已建立碳排放统计核算制度。",
        },
    )
    assert "已保存" in response.content.decode()
    draft.refresh_from_db()
    assert draft.pilot_level == "near_zero" and draft.boundary_area_km2 == Decimal("1525.5")
    assert draft.organisation.credit_code == "12100000400000624D"
    assert draft.organisation.address == "陕西省安康市石泉县城关镇江南大道28号"
    entry = draft_audit(draft).last()
    assert entry.action == "applications.application.edit" and "boundary_area_km2" in entry.data["changed"]
    assert entry.data["changed"]["organisation.credit_code"] == ["", "12100000400000624D"]
    # Shown back with its separators, and the credit code in the form.
    body = client.get(url).content.decode()
    assert 'value="1,525.50"' in body and 'value="12100000400000624D"' in body


@pytest.mark.parametrize(
    "code, message",
    [
        ("12100000400000624", "应为18位"),
        ("12100000400000624E", "校验位不正确"),
        ("1210000040000062IO", "不能含有字符"),
        ("12ABCDEF400000624D", "行政区划码"),
    ],
)
def test_credit_code_is_checked_against_gb_32100(draft, applicant_county, client_for, code, message):
    client = client_for(applicant_county)
    url = reverse("applications:section", args=[draft.pk, "basic"])
    data = {"pilot_level": "low_carbon", "pilot_scope": "whole", "credit_code": code, "address": "石泉县"}
    body = client.post(url, data).content.decode()
    assert message in body and code in body
    draft.organisation.refresh_from_db()
    assert draft.organisation.credit_code == ""


def draft_audit(application):
    from core.audit import history_for

    return history_for(application)


def test_invalid_input_keeps_what_was_typed_and_says_why_in_chinese(draft, applicant_county, client_for):
    client = client_for(applicant_county)
    url = reverse("applications:section", args=[draft.pk, "basic"])
    response = client.post(
        url,
        {
            "pilot_level": "low_carbon",
            "pilot_scope": "whole",
            "credit_code": "12100000400000624D",
            "address": "石泉县",
            "boundary_area_km2": "-3",
            "boundary_description": "我写了很长的一段边界说明，不能丢",
            "work_foundation": "工作基础文字",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "边界面积应在0.01至30000平方千米之间" in body
    assert "我写了很长的一段边界说明，不能丢" in body  # nothing the user typed is lost
    draft.refresh_from_db()
    assert draft.boundary_description == ""  # and nothing invalid was saved


def test_baseline_validation_messages(draft, applicant_county, client_for):
    client = client_for(applicant_county)
    year = draft.batch.base_year
    url = reverse("applications:baseline", args=[draft.pk, year])
    response = client.post(
        url,
        {
            "gdp_100m": "120",
            "primary_share": "10",
            "secondary_share": "40",
            "tertiary_share": "40",
            "electricity_10k_kwh": "100",
            "green_power_10k_kwh": "150",
            "non_fossil_share": "130",
            "fuel_raw_coal": "-5",
        },
    )
    body = response.content.decode()
    assert "三次产业占比之和应为100%" in body
    assert "绿电交易电量不能大于全社会用电量" in body
    assert "百分比应在0至100之间" in body
    assert "不能为负数" in body
    assert not AnnualBaseline.objects.filter(application=draft).exists()


def test_baseline_saves_energy_by_fuel_and_replaces_removed_fuels(draft, applicant_county, client_for):
    client = client_for(applicant_county)
    year = draft.batch.base_year
    url = reverse("applications:baseline", args=[draft.pk, year])
    client.post(
        url, {"gdp_100m": "120", "electricity_10k_kwh": "5000", "fuel_raw_coal": "1000", "fuel_diesel": "50"}
    )
    baseline = AnnualBaseline.objects.get(application=draft, year=year)
    assert {u.fuel: u.quantity for u in baseline.energy_uses.all()} == {"raw_coal": 1000, "diesel": 50}
    client.post(url, {"gdp_100m": "120", "electricity_10k_kwh": "5000", "fuel_raw_coal": "900"})
    assert {u.fuel: u.quantity for u in baseline.energy_uses.all()} == {"raw_coal": 900}


def test_baseline_year_outside_the_three_years_is_404(draft, applicant_county, client_for):
    url = reverse("applications:baseline", args=[draft.pk, draft.batch.base_year + 1])
    assert client_for(applicant_county).get(url).status_code == 404


def test_project_funding_must_add_up(draft, applicant_county, client_for):
    client = client_for(applicant_county)
    response = client.post(
        reverse("applications:project_new", args=[draft.pk]),
        {
            "name": "屋顶光伏",
            "task": "energy",
            "owner_unit": "县发改局",
            "content": "20兆瓦",
            "start_year": "2024",
            "end_year": "2023",
            "status": "planned",
            "total_investment": "1000",
            "fund_central": "0",
            "fund_provincial": "100",
            "fund_local": "100",
            "fund_bonds": "0",
            "fund_enterprise": "100",
            "fund_green_finance": "0",
            "fund_other": "0",
            "expected_co2_reduction_t": "500",
        },
    )
    body = response.content.decode()
    assert "资金来源合计（300 万元）应等于总投资（1000 万元）" in body
    assert "完工年份不能早于开工年份" in body
    assert not KeyProject.objects.filter(application=draft).exists()


def test_contacts_formset_validates_mobile_and_ignores_blank_rows(draft, applicant_county, client_for):
    client = client_for(applicant_county)
    url = reverse("applications:section", args=[draft.pk, "contacts"])
    data = {
        "contacts-TOTAL_FORMS": "3",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "10",
        "contacts-0-role": "leader",
        "contacts-0-name": "王建国",
        "contacts-0-title": "县长",
        "contacts-0-mobile": "12345",
        "contacts-1-role": "contact",
        "contacts-1-name": "李明",
        "contacts-1-title": "科长",
        "contacts-1-mobile": "13900000000",
    }
    assert "请填写11位手机号码" in client.post(url, data).content.decode()
    assert not Contact.objects.filter(application=draft).exists()
    data["contacts-0-mobile"] = "13800000000"
    client.post(url, data)
    assert sorted(Contact.objects.filter(application=draft).values_list("name", flat=True)) == [
        "李明",
        "王建国",
    ]


def test_submitted_application_is_frozen(applicant_county, client_for):
    application = complete_application(organisation=county("610922"))
    services.application_submit(application=application, by=applicant_county)
    client = client_for(applicant_county)
    response = client.post(
        reverse("applications:section", args=[application.pk, "basic"]),
        {
            "pilot_level": "low_carbon",
            "pilot_scope": "part",
            "boundary_description": "改过的",
            "work_foundation": "x",
        },
        follow=True,
    )
    assert "不能修改" in response.content.decode()
    application.refresh_from_db()
    assert application.boundary_description != "改过的"
    with pytest.raises(DomainError, match="已冻结"):
        services.application_update(
            application=application,
            by=applicant_county,
            fields={"boundary_description": "改过的"},
            section="基本情况",
        )


def test_one_application_per_organisation_and_batch(applicant_county):
    batch = BatchFactory()
    services.application_create(batch=batch, organisation=county("610922"), by=applicant_county)
    with pytest.raises(DomainError, match="不能重复申报"):
        services.application_create(batch=batch, organisation=county("610922"), by=applicant_county)


def test_submission_after_the_deadline_is_refused(applicant_county):
    application = complete_application(organisation=county("610922"))
    Application.objects.filter(pk=application.pk)  # the deadline passes
    application.batch.application_deadline = timezone.localdate() - datetime.timedelta(days=1)
    application.batch.save()
    with pytest.raises(DomainError, match="截止"):
        services.application_submit(application=application, by=applicant_county)
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT


def test_incomplete_application_lists_what_is_missing(applicant_county, client_for):
    application = ApplicationFactory(organisation=county("610922"))
    missing = application.missing_for_submission()
    assert "未上传签字盖章的承诺书" in missing
    assert any("基础数据" in m for m in missing)
    body = (
        client_for(applicant_county)
        .get(reverse("applications:detail", args=[application.pk]))
        .content.decode()
    )
    assert "未上传签字盖章的承诺书" in body
    with pytest.raises(DomainError, match="尚未填写完整"):
        services.application_submit(application=application, by=applicant_county)


def test_resubmission_keeps_the_earlier_version_and_shows_the_differences(
    applicant_county, city_ankang, client_for
):
    application = complete_application(organisation=county("610922"))
    services.application_submit(application=application, by=applicant_county)
    services.application_return(application=application, by=city_ankang, reason="基准年数据有误")
    services.application_update(
        application=application,
        by=applicant_county,
        fields={"boundary_description": "修改后的边界说明"},
        section="基本情况",
    )
    services.application_submit(application=application, by=applicant_county)
    snapshots = list(ApplicationSnapshot.objects.filter(application=application).order_by("number"))
    assert [s.number for s in snapshots] == [1, 2]
    assert snapshots[0].data != snapshots[1].data
    body = (
        client_for(city_ankang).get(reverse("applications:versions", args=[application.pk])).content.decode()
    )
    assert "第 1 版 → 第 2 版 的变化" in body
    assert "修改后的边界说明" in body and "以县域行政区划为边界。" in body


def test_snapshot_carries_the_baseline_inventory(applicant_county):
    application = complete_application(organisation=county("610922"))
    services.application_submit(application=application, by=applicant_county)
    data = ApplicationSnapshot.objects.get(application=application).data
    base = next(b for b in data["baselines"] if b["year"] == application.batch.base_year)
    # 1000 t raw coal (1900.30 t) + 50000 万kWh × 6.335 t/万kWh (316,750 t)
    assert Decimal(base["carbon"]["total_t"]) == Decimal("318650.30")


def test_province_export_has_the_key_figures(applicant_county, city_ankang, province, client_for):
    application = complete_application(organisation=county("610922"))
    services.application_submit(application=application, by=applicant_county)
    services.application_recommend(application=application, by=city_ankang, opinion="同意推荐", rank=1)
    services.application_forward(application=application, by=city_ankang)
    response = client_for(province).get(reverse("applications:list") + "?export=xlsx")
    table = export_checks.read_response(response)["申报书列表"]
    record = table.rows[0]
    assert record["序号"] == 1
    assert record["申报单位"] == "石泉县人民政府"
    assert record["基准年二氧化碳排放（吨）"] == pytest.approx(318650.30)
    assert record["重点项目数"] == 1
    assert record["状态"] == "已报送省厅"
