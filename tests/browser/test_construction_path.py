"""The construction stage of one pilot in a real browser, as the people involved walk it.

石泉县 is in the plan-drafting stage and has entrusted a technical agency. What would take a person
minutes of typing (the other chapters, the project, funding and baseline tables; the dispatch; the annual
report's figures) is written through the services; every decision is a click:

1. the agency drafts a chapter and a target and has no submit button; the pilot submits (version 1);
2. the province returns it with a comment on chapter 四; the pilot revises that chapter and resubmits
   (version 2); the province files it with a filing number;
3. the pilot records the local approval (meeting, date, minutes, document number) and enters
   implementation;
4. the pilot asks to change a target; the city gives its opinion; the province approves; the ledger
   shows version 2 with the new value and keeps version 1;
5. the pilot answers a dispatch by Excel upload (a short step: test_dispatch_excel.py covers it);
6. the pilot submits last year's annual report after its due day (marked late), the province receives
   it, and the province's overview for that year shows the pilot as late with the report received.

Each role's main pages pass axe-core and fit 390 px (the helper of test_accessibility.py).
"""

import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from applications.models import Batch
from core import formats
from indicators.models import Indicator
from pilots.models import Pilot
from plans import selectors as plan_selectors
from plans import services as plan_services
from plans.models import ChangeRequest, Chapter, LedgerVersion, Plan
from reports import services as report_services
from reports.models import AnnualReport

from ..dispatches.conftest import make_dispatch
from ..factories import PASSWORD, BatchFactory, PilotFactory
from ..plans.data import PDF_BYTES, fill_plan
from .conftest import log_in
from .test_accessibility import check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AGENCY_CHAPTER = "<h2>总体要求</h2><p>以县域能源结构调整为主线，建设秦巴山区近零碳示范县。</p>"
RETURN_COMMENT = "目标偏低，请对标全省平均水平并说明测算依据。"
REVISED_GOALS = "<p>到2027年单位GDP二氧化碳排放较2024年下降18%，森林覆盖率达到46.5%。</p>"
FILING_NUMBER = "陕环试点备〔2026〕7号"
MEETING = "石泉县人民政府第23次常务会议"
DOCUMENT_NO = "石政发〔2026〕12号"
CHANGE_REASONS = "部分林地划入交通建设用地，2027年森林覆盖率目标相应调整。"
CITY_OPINION = "经核实情况属实，同意调整。"


def press(page, name, *, within=None):
    with page.expect_navigation():
        (within or page).get_by_role("button", name=name, exact=True).click()


def follow(page, name):
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).click()


def said(page, text):
    shown = "\n".join(page.locator(".messages").all_inner_texts())
    assert text in shown, shown


def accessible(page, urls):
    """axe-core and the 390 px check (test_accessibility.check) on `urls`, as the user of `page`: in a
    context of its own with the same session, where the page's CSP does not block the injected axe."""
    context = page.context.browser.new_context(
        base_url="/".join(page.url.split("/", 3)[:3]),
        locale="en-US",
        bypass_csp=True,
        storage_state=page.context.storage_state(),
    )
    try:
        problems = check(context.new_page(), urls)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.fixture
def pilot(shiquan, agency_org):
    batch = BatchFactory(
        name="2025年第一批低碳近零碳试点",
        state=Batch.State.PUBLISHED,
        year=timezone.localdate().year - 1,
        base_year=2024,
        construction_end=datetime.date(2027, 12, 31),
    )
    pilot = PilotFactory(batch=batch, organisation=shiquan, state=Pilot.State.PLAN_DRAFTING)
    pilot.delegated_agencies.add(agency_org)
    return pilot


def test_construction_stage_from_the_plan_to_the_late_annual_report(
    new_page, pilot, applicant_county, agency, province, city_ankang, tmp_path
):
    plan = fill_plan(plan_services.plan_start(pilot=pilot, by=applicant_county), applicant_county)
    assert plan.state == Plan.State.DRAFTING
    plan_url = f"/plans/pilot/{pilot.pk}/"

    # 1. The agency drafts a chapter and a target; it cannot submit ------------------------------
    drafter = new_page()
    log_in(drafter, agency.username, PASSWORD)
    drafter.goto(plan_url)
    assert drafter.get_by_test_id("plan-state").inner_text() == str(Plan.State.DRAFTING.label)
    with drafter.expect_navigation():
        drafter.locator(f"a[href='/plans/pilot/{pilot.pk}/chapters/general/']").click()
    drafter.fill("textarea[name=body]", AGENCY_CHAPTER + "<script>alert(1)</script>")
    press(drafter, "保存章节")
    said(drafter, "章节已保存")
    assert "秦巴山区近零碳示范县" in drafter.locator("#chapter-general").inner_text()
    assert plan.chapters.get(key=Chapter.GENERAL).body == AGENCY_CHAPTER  # the script is gone

    with drafter.expect_navigation():
        drafter.locator(f"a[href='/plans/pilot/{pilot.pk}/targets/']").click()
    forest = Indicator.objects.get(code="forest_coverage")
    row = next(
        i
        for i in range(3)
        if drafter.locator(f"select[name='targets-{i}-indicator']").input_value() == str(forest.pk)
    )
    drafter.fill(f"input[name='targets-{row}-y2025']", "45.8")
    drafter.fill(f"input[name='targets-{row}-data_source']", "县林业局森林资源年报")
    press(drafter, "保存")
    said(drafter, "已保存。")
    targets = drafter.get_by_test_id("plan-targets").inner_text()
    assert "45.8" in targets and "县林业局森林资源年报" in targets
    assert plan.targets.get(indicator=forest).values["2025"] == "45.8"
    assert drafter.get_by_test_id("submit-box").count() == 0  # the agency drafts, only the pilot submits
    accessible(drafter, [plan_url])

    # The pilot submits (version 1) --------------------------------------------------------------
    owner = new_page()
    log_in(owner, applicant_county.username, PASSWORD)
    owner.goto(plan_url)
    assert owner.get_by_test_id("missing").count() == 0
    press(owner, "报送建设方案", within=owner.get_by_test_id("submit-box"))
    said(owner, "建设方案已报送")
    assert owner.get_by_test_id("plan-state").inner_text() == str(Plan.State.SUBMITTED.label)
    assert "第1版" in owner.get_by_test_id("versions").inner_text()

    # 2. The province returns it with a chapter comment ------------------------------------------
    office = new_page()
    log_in(office, province.username, PASSWORD)
    office.goto(plan_url)
    decide = office.get_by_test_id("decide-box")
    returning = decide.locator("form[action$='/decide/return/']")
    returning.locator(f"textarea[name=chapter_{Chapter.GOALS}]").fill(RETURN_COMMENT)
    press(office, "退回修改", within=returning)
    said(office, "已退回修改。")
    assert office.get_by_test_id("plan-state").inner_text() == str(Plan.State.RETURNED.label)

    owner.goto(plan_url)
    comments = owner.get_by_test_id("return-comments").inner_text()
    assert f"{Chapter.GOALS.label}：{RETURN_COMMENT}" in comments
    assert RETURN_COMMENT in owner.locator(f"#chapter-{Chapter.GOALS}").inner_text()
    with owner.expect_navigation():
        owner.locator(f"a[href='/plans/pilot/{pilot.pk}/chapters/{Chapter.GOALS}/']").click()
    owner.fill("textarea[name=body]", REVISED_GOALS)
    press(owner, "保存章节")
    press(owner, "报送建设方案", within=owner.get_by_test_id("submit-box"))
    said(owner, "建设方案已报送")
    versions = owner.get_by_test_id("versions").inner_text()
    assert "第2版" in versions and "第2版与第1版的差异" in versions
    assert plan.versions.count() == 2

    # The province files version 2 --------------------------------------------------------------
    office.goto(plan_url)
    filing = office.get_by_test_id("decide-box").locator("form[action$='/decide/file/']")
    filing.locator("input[name=filing_number]").fill(FILING_NUMBER)
    press(office, "审核备案", within=filing)
    said(office, "已审核备案")
    plan.refresh_from_db()
    assert plan.state == Plan.State.FILED
    filed = office.get_by_test_id("filing-number").inner_text()
    assert filed == f"{FILING_NUMBER}（{formats.format_date(timezone.localtime(plan.filed_at).date())}）"
    accessible(office, [plan_url, "/plans/", "/plans/changes/", "/reports/overview/"])

    # 3. The pilot records the local approval and enters implementation --------------------------
    owner.goto(plan_url)
    follow(owner, "登记审议印发")
    minutes = tmp_path / "常务会议纪要.pdf"
    minutes.write_bytes(PDF_BYTES)
    meeting_date = issued_on = timezone.localdate()  # not before the filing
    owner.select_option("select[name=meeting_kind]", Plan.MeetingKind.values[0])
    owner.fill("input[name=meeting_name]", MEETING)
    owner.fill("input[name=meeting_date]", meeting_date.isoformat())
    owner.set_input_files("input[name=minutes]", str(minutes))
    owner.fill("input[name=issuing_document_no]", DOCUMENT_NO)
    owner.fill("input[name=issued_on]", issued_on.isoformat())
    press(owner, "登记并进入建设实施")
    said(owner, "试点进入建设实施阶段")
    approval = owner.get_by_test_id("local-approval").inner_text()
    assert approval.startswith(
        f"{MEETING}（{formats.format_date(meeting_date)}），{DOCUMENT_NO}，{formats.format_date(issued_on)}"
    )
    assert "会议纪要" in approval
    pilot.refresh_from_db()
    assert pilot.state == Pilot.State.IMPLEMENTING
    assert str(Pilot.State.IMPLEMENTING.label) in owner.locator("main dl.kv").first.inner_text()
    accessible(owner, [plan_url, f"/plans/pilot/{pilot.pk}/ledger/"])

    # 4. A target change: the pilot asks, the city gives its opinion, the province approves ------
    old = plan_selectors.target_path(pilot)["forest_coverage"].values[2027]
    assert old == Decimal("46.5")
    owner.goto(f"/plans/pilot/{pilot.pk}/ledger/")
    assert owner.get_by_test_id("ledger-version-2").count() == 0
    follow(owner, "申请调整目标指标")
    owner.select_option("select[name=indicator]", str(forest.pk))
    owner.select_option("select[name=binding]", "0")
    owner.fill("input[name=y2027]", "46.2")
    owner.fill("textarea[name=reasons]", CHANGE_REASONS)
    press(owner, "提交申请")
    change = ChangeRequest.objects.get(pilot=pilot)
    assert owner.get_by_test_id("change-state").inner_text() == str(ChangeRequest.State.SUBMITTED.label)
    assert "46.2" in owner.get_by_test_id("change-proposed").inner_text()

    city = new_page()
    log_in(city, city_ankang.username, PASSWORD)
    city.goto(f"/plans/changes/{change.pk}/")
    city.check("input[name=supports][value='1']")
    city.fill("textarea[name=opinion]", CITY_OPINION)
    press(city, "提交")
    assert city.get_by_test_id("change-state").inner_text() == str(ChangeRequest.State.CITY_REVIEWED.label)
    accessible(city, [plan_url, f"/plans/changes/{change.pk}/", "/reports/"])

    office.goto(f"/plans/changes/{change.pk}/")
    assert CITY_OPINION in office.locator("main").inner_text()
    office.check("input[name=decision][value=approve]")
    press(office, "提交")
    assert office.get_by_test_id("change-state").inner_text() == str(ChangeRequest.State.APPROVED.label)
    assert office.get_by_test_id("change-decision").inner_text().startswith("批准")

    owner.goto(f"/plans/pilot/{pilot.pk}/ledger/")
    assert LedgerVersion.objects.filter(pilot=pilot).count() == 2
    current, previous = owner.get_by_test_id("ledger-version-2"), owner.get_by_test_id("ledger-version-1")
    assert "现行" in current.locator("h2").inner_text()
    forest_name = str(forest)
    assert "46.2" in current.locator("tr", has_text=forest_name).inner_text()
    assert "46.5" in previous.locator("tr", has_text=forest_name).inner_text()  # the old one stays
    assert plan_selectors.target_path(pilot)["forest_coverage"].values[2027] == Decimal("46.2")

    # 5. A dispatch answered by Excel upload (short: test_dispatch_excel.py goes deeper) ---------
    dispatch = make_dispatch(province)
    owner.goto("/dispatches/")
    follow(owner, dispatch.title)
    with owner.expect_download() as info:
        owner.get_by_test_id("template").click()
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    sheet["H4"], sheet["H5"], sheet["H6"] = 31.5, 1800, "光伏二期并网延后"
    book.save(tmp_path / "filled.xlsx")
    owner.set_input_files("input[type=file][name=file]", str(tmp_path / "filled.xlsx"))
    press(owner, "上传并导入")
    assert "模板已导入" in owner.content()
    with owner.expect_navigation():
        owner.get_by_test_id("save-submit").click()
    assert owner.get_by_test_id("state").inner_text() == "已提交"

    # 6. Last year's annual report, submitted after its due day ---------------------------------
    year = timezone.localdate().year - 1
    report = report_services.report_create(pilot=pilot, year=year, by=applicant_county)
    report_services.report_update(
        report=report,
        by=applicant_county,
        section="general",
        fields={"summary": "全年完成屋顶光伏8兆瓦，森林覆盖率稳步提升。"},
    )
    due = datetime.date(year, 12, 10)
    assert timezone.localdate() > due
    report_url = f"/reports/{report.pk}/"
    owner.goto(report_url)
    assert owner.get_by_test_id("state").inner_text() == str(AnnualReport.State.DRAFT.label)
    press(owner, "提交年度自评报告", within=owner.get_by_test_id("action-submit"))
    assert owner.get_by_test_id("state").inner_text() == str(AnnualReport.State.SUBMITTED.label)
    assert owner.get_by_test_id("late").inner_text() == "逾期报送"  # accepted, and marked late
    report.refresh_from_db()
    assert (report.is_late, report.due_on) == (True, due)
    accessible(owner, [report_url, "/reports/", "/dispatches/"])

    office.goto(report_url)
    press(office, "接收", within=office.get_by_test_id("action-receive"))
    assert office.get_by_test_id("state").inner_text() == str(AnnualReport.State.RECEIVED.label)
    report.refresh_from_db()
    assert report.state == AnnualReport.State.RECEIVED

    office.goto(f"/reports/overview/?year={year}")
    assert office.locator("[data-count=pilots]").inner_text() == "1"
    assert office.locator("[data-count=late]").inner_text() == "1"
    assert office.locator("[data-count=on_time]").inner_text() == "0"
    row = office.get_by_test_id("pilots").locator(f"tr[data-pilot='{pilot.pk}']")
    cells = row.locator("td").all_inner_texts()
    assert cells[1] == pilot.organisation.name and cells[2] == formats.format_date(due)
    assert cells[3] == "逾期提交"
    with office.expect_navigation():
        row.get_by_role("link", name=pilot.organisation.name).click()
    assert office.get_by_test_id("state").inner_text() == str(AnnualReport.State.RECEIVED.label)
    assert office.get_by_test_id("late").count() == 1
    accessible(office, [f"/reports/overview/?year={year}", report_url, f"/dispatches/{dispatch.pk}/"])
