"""The whole Annex 1 path in a real browser: an applicant fills in and submits, the city returns it,
the applicant corrects and resubmits, the city recommends and forwards, the province sees it."""

import pytest

from applications.models import Application, ApplicationSnapshot, CityForwarding

from ..factories import PASSWORD, PDF_BYTES, BatchFactory
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def save(page, button="保存"):
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    assert page.locator(".messages .error").count() == 0, page.locator(".messages").inner_text()


def fill_application(page, application_id, base_year, tmp_path):
    page.goto(f"/applications/{application_id}/edit/basic/")
    page.fill("#id_credit_code", "12100000400000624D")
    page.fill("#id_address", "陕西省安康市石泉县城关镇江南大道28号")
    page.fill("#id_boundary_area_km2", "1,525.5")  # thousands separators accepted
    page.fill("#id_boundary_description", "石泉县行政区划全域")
    page.fill("#id_work_foundation", "已建立碳排放统计核算制度，建成光伏40兆瓦。")
    save(page)
    assert page.input_value("#id_boundary_area_km2") == "1,525.50"  # and shown back

    page.goto(f"/applications/{application_id}/edit/eligibility/")
    page.check("#id_declares_no_major_accident")
    page.check("#id_priority_eco_civilisation")
    save(page)

    page.goto(f"/applications/{application_id}/edit/contacts/")
    assert page.get_by_test_id("row").count() == 1  # one blank row to start, no raw formset look
    page.evaluate("window.samePage = true")
    page.get_by_role("button", name="增加一行").click()  # added in place (htmx), the page stays
    page.wait_for_selector("#id_contacts-1-name")
    assert page.evaluate("window.samePage === true")
    assert page.locator("#add-row-contacts").get_attribute("hx-get").endswith("index=2")
    assert page.input_value("#id_contacts-TOTAL_FORMS") == "2"
    for index, (role, name, title, mobile) in enumerate(
        [("leader", "王建国", "县长", "13800000001"), ("contact", "李明", "科长", "13900000002")]
    ):
        page.select_option(f"#id_contacts-{index}-role", role)
        page.fill(f"#id_contacts-{index}-name", name)
        page.fill(f"#id_contacts-{index}-title", title)
        page.fill(f"#id_contacts-{index}-mobile", mobile)
    save(page)

    for year in (base_year - 2, base_year - 1, base_year):
        page.goto(f"/applications/{application_id}/baseline/{year}/")
        page.fill("#id_gdp_100m", "150")
        page.fill("#id_resident_population_10k", "17")
        page.fill("#id_electricity_10k_kwh", "60000")
        page.fill("#id_fuel_raw_coal", "80000")
        page.fill("#id_fuel_natural_gas", "500")
        save(page)

    page.goto(f"/applications/{application_id}/edit/targets/")
    page.select_option("#id_targets-0-indicator", "co2_intensity_drop")
    page.fill("#id_targets-0-target_value", "18")
    page.check("#id_targets-0-is_binding")
    save(page)

    page.goto(f"/applications/{application_id}/projects/new/")
    values = {
        "name": "县城屋顶分布式光伏",
        "owner_unit": "石泉县发改局",
        "content": "建设屋顶光伏20兆瓦",
        "start_year": "2026",
        "end_year": "2027",
        "total_investment": "8000",
        "fund_provincial": "800",
        "fund_local": "1200",
        "fund_enterprise": "6000",
        "expected_co2_reduction_t": "15000",
    }
    for name, value in values.items():
        page.fill(f"#id_{name}", value)
    page.select_option("#id_task", "energy")
    save(page)

    letter = tmp_path / "承诺书.pdf"
    letter.write_bytes(PDF_BYTES)
    page.goto(f"/applications/{application_id}/")
    page.select_option("#id_kind", "commitment_letter")
    page.set_input_files("#id_file", str(letter))
    save(page, "上传")


def test_applicant_city_and_province_walk_the_annex1_path(
    new_page, applicant_county, city_ankang, province, tmp_path
):
    batch = BatchFactory(name="2026年第二批低碳近零碳试点")

    applicant = new_page()
    log_in(applicant, applicant_county.username, PASSWORD)
    applicant.get_by_role("link", name=batch.name).click()
    with applicant.expect_navigation():
        applicant.get_by_role("button", name="创建申报书").click()
    application = Application.objects.get(batch=batch)
    assert applicant.get_by_test_id("state").inner_text() == "待提交"
    assert applicant.get_by_role("button", name="提交申报书").is_disabled()  # incomplete

    fill_application(applicant, application.pk, batch.base_year, tmp_path)
    applicant.goto(f"/applications/{application.pk}/edit/carbon/")
    # 80000 t coal × 1.900299 + 500 万m³ gas × 21.621888 + 60000 万kWh × 6.335 = 152,023.91 + 10,810.94 + 380,100
    assert applicant.get_by_test_id(f"total-{batch.base_year}").inner_text() == "542,934.85"

    applicant.goto(f"/applications/{application.pk}/")
    asked = []
    applicant.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with applicant.expect_navigation():
        applicant.get_by_role("button", name="提交申报书").click()
    assert "第1版" in asked[0] and "安康市生态环境局" in asked[0] and "PDF" in asked[0]
    assert applicant.get_by_test_id("state").inner_text() == "已提交（市级审核中）"
    # A section opened after submission is shown read-only, calmly.
    applicant.goto(f"/applications/{application.pk}/edit/basic/")
    assert applicant.locator(".messages .error").count() == 0
    assert "内容已冻结" in applicant.get_by_test_id("readonly-note").inner_text()

    city = new_page()
    log_in(city, city_ankang.username, PASSWORD)
    city.goto("/applications/")
    city.get_by_test_id("application-list").get_by_role("link", name="石泉县人民政府").click()
    city.fill("#reason-return_for_revision", "基准年能源消费数据与统计公报不一致，请核实。")
    city.once("dialog", lambda dialog: dialog.accept())
    with city.expect_navigation():
        city.get_by_role("button", name="退回修改").click()
    assert city.get_by_test_id("state").inner_text() == "已退回（需修改）"

    applicant.goto(f"/applications/{application.pk}/")
    assert "基准年能源消费数据与统计公报不一致" in applicant.get_by_test_id("history").inner_text()
    applicant.goto(f"/applications/{application.pk}/baseline/{batch.base_year}/")
    applicant.fill("#id_fuel_raw_coal", "78000")
    save(applicant)
    applicant.goto(f"/applications/{application.pk}/")
    applicant.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with applicant.expect_navigation():
        applicant.get_by_role("button", name="提交申报书").click()
    assert "第2版" in asked[-1]
    assert applicant.get_by_test_id("state").inner_text() == "已提交（市级审核中）"
    assert ApplicationSnapshot.objects.filter(application=application).count() == 2
    applicant.goto(f"/applications/{application.pk}/versions/")
    changes = applicant.get_by_test_id("changes").first.inner_text()
    assert "原煤" in changes and "80000" in changes and "78000" in changes

    city.goto(f"/applications/{application.pk}/")
    city.fill("#id_opinion", "石泉县低碳工作基础扎实，同意推荐。")
    city.fill("#id_rank", "1")
    with city.expect_navigation():
        city.get_by_role("button", name="推荐", exact=True).click()
    assert city.get_by_test_id("state").inner_text() == "市级已推荐"
    city.get_by_role("link", name="本市申报书审核与报送").click()
    city.fill("#document_no", "安环函〔2026〕12号")
    city.once("dialog", lambda dialog: dialog.accept())
    with city.expect_navigation():
        city.get_by_role("button", name="报送省生态环境厅").click()
    assert "已向省生态环境厅报送1份申报书" in city.locator(".messages").inner_text()
    assert CityForwarding.objects.get().document_no == "安环函〔2026〕12号"

    office = new_page()
    log_in(office, province.username, PASSWORD)
    office.goto("/applications/?state=forwarded")
    office.get_by_test_id("application-list").get_by_role("link", name="石泉县人民政府").click()
    assert office.get_by_test_id("state").inner_text() == "已报送省厅"
    history = office.get_by_test_id("history").inner_text()
    assert "退回修改" in history and "推荐" in history and "报送省生态环境厅" in history


SECTIONS_AT_PHONE_WIDTH = ["basic", "contacts", "targets", "projects", "funding", "carbon"]


def test_section_pages_fit_a_390px_phone(new_page, applicant_county):
    """No sideways scrolling; the section navigation sits (collapsed) above the content; the projects
    table becomes labelled cards."""
    from ..factories import complete_application, county

    application = complete_application(organisation=county("610922"))
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, applicant_county.username, PASSWORD)
    urls = [f"/applications/{application.pk}/edit/{code}/" for code in SECTIONS_AT_PHONE_WIDTH]
    urls.append(f"/applications/{application.pk}/baseline/{application.batch.base_year}/")
    urls.append(f"/applications/{application.pk}/")
    for url in urls:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, width)
        if "/edit/" in url or "/baseline/" in url:
            nav = page.locator("details.section-nav")
            assert nav.get_attribute("open") is None, url  # collapsed on a phone
            main = page.locator(".edit-main").bounding_box()
            assert nav.bounding_box()["y"] + nav.bounding_box()["height"] <= main["y"] + 1, url
            assert main["width"] >= 300, (url, main["width"])
    page.goto(f"/applications/{application.pk}/edit/projects/")
    cell = page.locator("table.cards td[data-label]").first
    assert cell.bounding_box()["width"] >= 300
    label = page.evaluate("el => getComputedStyle(el, '::before').content", cell.element_handle())
    assert "项目名称" in label
