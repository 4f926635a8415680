"""The acceptance of one pilot in a real browser, from its self-evaluation to its public page.

石泉县 (安康, a county: the shipped 附件3 system, 26 indicators) is implementing within its construction
period. What would take a person long minutes of typing (25 of the 26 figures and their evidence files,
the round's declarations and assignment, the annual report the showcase draws on, the award cap) is
written through the services; every step of each role is clicks and form fills:

1. the pilot types the missing figure (煤炭消费占比 50 against 45: 3.60 of 4), uploads its evidence and
   the third-party verification report, reads its computed self-score (84.91) and submits;
2. the city (安康) forwards it to the province with an opinion;
3. the province starts the pilot's acceptance review, creates an acceptance round, chooses the system the
   request was scored against and adds the pilot;
4. the expert opens the pilot's request and its files from the task, then scores every indicator with the self-score beside the input: the computed ones as the
   pilot did except 煤炭消费占比 (2.50, more than 20 % of 4 below 3.60: an explanation is required),
   the three qualitative ones 4 + 3 + 1: 84.91 − 3.60 + 2.50 + 8 = 91.81, 优秀 (≥ 90);
5. the province reveals and aggregates, reads 91.81 / 优秀 on the panel, proposes 优秀; the DRC confirms;
6. the province opens the publicity (starting 20 days ago, 5 working days: over) and concludes it with
   the naming document; the pilot reads 优秀 and downloads its certificate (rendered by the PDF task);
7. the finance officer records a 300 万元 award (cap 500);
8. the pilot writes its showcase page (a figure and a case of its received annual report) and submits it,
   the province publishes it, and an anonymous visitor reads it.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from acceptance import services as acceptance_services
from acceptance.models import AcceptanceRequest
from applications.models import Batch
from awards import services as award_services
from awards.models import Award
from naming.models import NamingCertificate
from pilots.models import Pilot
from reviews import services as review_services
from reviews.models import ReviewAssignment, ReviewRound
from showcase.models import ShowcaseVersion

from ..acceptance.conftest import COUNTY, COUNTY_TOTAL, fill
from ..factories import PASSWORD, BatchFactory, PilotFactory
from ..reviews.expert_setup import make_pool_expert
from ..showcase.conftest import received_report
from .conftest import log_in
from .test_construction_path import accessible, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROUND = "2026年试点验收专家评审"
CITY_OPINION = "经审核，自评价材料齐全，数据与年度报告一致，同意报省。"
COAL_EXPLANATION = "现场核查发现2025年煤炭消费统计口径未含自备电厂，按修正口径评分。"
OPINION = "目标完成情况良好，降碳管理机制健全，建议评为优秀。"
REASON = "各项指标全部完成，专家评审综合得分91.81分。"
CONTACT = "省生态环境厅应对气候变化处 029-63916000"
DOCUMENT_NO = "陕环发〔2026〕61号"
BASIS = "陕财办资环〔2026〕31号"
TITLE = "石泉县：秦巴山区近零碳示范县"
SUMMARY = "以汉江沿岸光伏和林业碳汇为重点推进低碳转型。"
QUALITATIVE = {"annual_carbon_accounting": "4", "carbon_inclusion": "3", "methane_n2o_control": "1"}
EXPERT_TOTAL = COUNTY_TOTAL - Decimal("3.60") + Decimal("2.50") + Decimal(8)


def goto_and_press(page, url, name, *, within=None):
    page.goto(url)
    press(page, name, within=page.get_by_test_id(within) if within else None)


@pytest.fixture
def pilot(shiquan):
    batch = BatchFactory(
        name="2025年第一批低碳近零碳试点",
        state=Batch.State.PUBLISHED,
        construction_end=timezone.localdate() + datetime.timedelta(days=200),
    )
    return PilotFactory(batch=batch, organisation=shiquan, state=Pilot.State.IMPLEMENTING)


def test_acceptance_from_the_self_evaluation_to_the_public_page(
    new_page, pilot, applicant_county, city_ankang, province, expert, drc, finance, tmp_path
):
    assert Decimal("91.81") == EXPERT_TOTAL
    request = acceptance_services.request_prepare(pilot=pilot, by=applicant_county)
    typed = {code: figures for code, figures in COUNTY.items() if code != "coal_share"}
    fill(request, applicant_county, typed, skip=("coal_share",), verification=False)
    coal = request.lines.get(item__indicator__code="coal_share")
    evidence = tmp_path / "煤炭消费统计.pdf"
    verification = tmp_path / "第三方碳核查报告.pdf"
    for path in (evidence, verification):
        path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    # 1. The pilot completes its self-evaluation and submits it ---------------------------------
    owner = new_page()
    log_in(owner, applicant_county.username, PASSWORD)
    edit_url = f"/acceptance/{request.pk}/edit/"
    owner.goto(edit_url)
    blockers = owner.get_by_test_id("blockers").inner_text()
    assert "煤炭" in blockers and "未上传第三方碳核查报告" in blockers
    assert owner.get_by_test_id("total").count() == 0  # no total while a figure is missing
    form = owner.get_by_test_id("edit-form")
    form.locator(f"input[name=actual-{coal.pk}]").fill("50")
    form.locator(f"input[name=target-{coal.pk}]").fill("45")
    press(owner, "保存", within=form)
    line = owner.locator("[data-testid=line][data-code=coal_share]")
    assert line.get_by_test_id("self-score").inner_text() == "3.60"
    assert "45 ÷ 50" in line.inner_text()

    upload = owner.get_by_test_id("upload-form")
    upload.locator("select[name=kind]").select_option("evidence")
    upload.locator("select[name=line]").select_option(str(coal.pk))
    upload.locator("input[name=file]").set_input_files(str(evidence))
    press(owner, "上传", within=upload)
    assert evidence.name in owner.locator("[data-testid=line][data-code=coal_share]").inner_text()
    upload = owner.get_by_test_id("upload-form")
    upload.locator("select[name=kind]").select_option("verification")
    upload.locator("input[name=file]").set_input_files(str(verification))
    press(owner, "上传", within=upload)
    assert verification.name in owner.get_by_test_id("verification").inner_text()
    assert owner.get_by_test_id("blockers").count() == 0
    total = owner.get_by_test_id("total").inner_text()
    assert str(COUNTY_TOTAL) in total, total
    accessible(owner, [edit_url])

    owner.goto(edit_url)
    press(owner, "提交市级生态环境局")
    assert owner.get_by_test_id("state").inner_text() == str(AcceptanceRequest.State.SUBMITTED.label)
    assert owner.get_by_test_id("stored-total").inner_text() == str(COUNTY_TOTAL)
    request.refresh_from_db()
    assert (request.state, request.total) == (AcceptanceRequest.State.SUBMITTED, COUNTY_TOTAL)

    # 2. The city forwards it to the province ---------------------------------------------------
    city = new_page()
    log_in(city, city_ankang.username, PASSWORD)
    detail_url = f"/acceptance/{request.pk}/"
    city.goto(detail_url)
    assert city.get_by_test_id("stored-total").inner_text() == str(COUNTY_TOTAL)
    forward = city.get_by_test_id("forward-form")
    forward.locator("textarea[name=reason]").fill(CITY_OPINION)
    press(city, "审核通过并报省", within=forward)
    assert city.get_by_test_id("state").inner_text() == str(AcceptanceRequest.State.FORWARDED.label)
    assert CITY_OPINION in city.get_by_test_id("decisions").inner_text()
    accessible(city, [detail_url, "/acceptance/"])
    pilot.refresh_from_db()
    assert pilot.state == Pilot.State.ACCEPTANCE_FORWARDED

    # 3. The province creates the round, chooses the system, adds the pilot (which puts it under review)
    office = new_page()
    log_in(office, province.username, PASSWORD)
    office.goto("/reviews/new/?purpose=acceptance")
    office.fill("input[name=name]", ROUND)
    office.select_option("select[name=batch]", str(pilot.batch_id))
    office.fill("input[name=experts_per_item]", "1")
    office.fill("input[name=max_per_expert]", "5")
    office.fill(
        "input[name=scoring_deadline]", (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    )
    office.select_option("select[name=aggregation_method]", "mean")
    office.fill("input[name=departure_threshold]", "20")
    with office.expect_navigation():
        office.locator("form:has(input[name=name]) button[type=submit]").click()
    review_round = ReviewRound.objects.get(name=ROUND)
    assert office.url.endswith(f"/reviews/{review_round.pk}/acceptance/setup/")
    office.select_option("select[name=system]", str(request.system_id))
    press(office, "选定指标体系")
    assert str(request.system) in office.get_by_test_id("system").inner_text()
    office.check(f"input[name=pilots][value='{pilot.pk}']")
    press(office, "加入本轮验收评审")
    assert pilot.organisation.name in office.get_by_test_id("pilots").inner_text()
    pilot.refresh_from_db()
    assert pilot.state == Pilot.State.IN_ACCEPTANCE_REVIEW
    accessible(office, [f"/reviews/{review_round.pk}/acceptance/setup/"])

    # Freezing, the expert's declaration, the assignment and the opening of scoring: services.
    make_pool_expert(expert)
    review_round = review_services.round_transition(
        review_round=review_round, name="freeze_criteria", by=province
    )
    review_services.declaration_submit(review_round=review_round, by=expert, conflicts=[])
    review_services.round_transition(review_round=review_round, name="close_declarations", by=province)
    review_services.assignment_auto(review_round=review_round, by=province)
    review_services.round_transition(review_round=review_round, name="open_scoring", by=province)
    assignment = ReviewAssignment.objects.get(round=review_round, expert=expert)
    review_services.assignment_respond(assignment=assignment, by=expert, accept=True)

    # 4. The expert scores with the self-score beside each input --------------------------------
    scorer = new_page()
    log_in(scorer, expert.username, PASSWORD)
    scorer.goto("/reviews/mine/")
    with scorer.expect_navigation():
        scorer.get_by_role("link", name=pilot.organisation.name).click()
    task_url = f"/reviews/mine/{assignment.pk}/"
    assert scorer.url.endswith(task_url)
    # The pilot's request and its files, from the task (the evidence behind each self-score).
    with scorer.expect_navigation():
        scorer.get_by_test_id("acceptance-request").click()
    assert scorer.get_by_test_id("stored-total").inner_text() == str(COUNTY_TOTAL)
    assert evidence.name in scorer.locator("[data-testid=line][data-code=coal_share]").inner_text()
    with scorer.expect_download() as info:
        scorer.get_by_test_id("verification").get_by_role("link", name=verification.name).click()
    assert info.value.suggested_filename == verification.name
    scorer.goto(task_url)
    sheet = scorer.get_by_test_id("acceptance-sheet")
    own = {line.item.indicator.code: line for line in request.lines.select_related("item__indicator")}
    assert len(own) == 26
    for code, line in own.items():
        row = sheet.locator(f"tr[data-criterion={code}]")
        beside = row.get_by_test_id("self-score").inner_text()
        if code in QUALITATIVE:
            assert beside.startswith("—"), (code, beside)
            value = QUALITATIVE[code]
        else:
            assert beside.startswith(f"{line.self_score:.2f}"), (code, beside)
            value = "2.50" if code == "coal_share" else str(line.self_score)
        row.locator(f"input[name=score-{code}]").fill(value)
    assert "45 ÷ 50" in sheet.locator("tr[data-criterion=coal_share]").inner_text()
    assert scorer.get_by_test_id("total").inner_text() == str(EXPERT_TOTAL)  # the running total
    accessible(scorer, [task_url])

    scorer.once("dialog", lambda dialog: dialog.accept())
    with scorer.expect_navigation():
        scorer.get_by_role("button", name="提交评分").click()
    refused = scorer.locator(".messages").inner_text()
    assert "须说明理由" in refused and "2.5" in refused  # the departure from 3.60 needs its explanation
    assert scorer.locator("input[name=score-coal_share]").input_value() in ("2.50", "2.5")  # input kept
    scorer.fill("textarea[name=comment-coal_share]", COAL_EXPLANATION)
    scorer.fill("textarea[name=opinion]", OPINION)
    scorer.once("dialog", lambda dialog: dialog.accept())
    with scorer.expect_navigation():
        scorer.get_by_role("button", name="提交评分").click()
    assert "评分已提交" in scorer.content()
    assert scorer.get_by_test_id("state").inner_text() == str(ReviewAssignment.State.SUBMITTED.label)
    assert scorer.get_by_test_id("total").inner_text() == str(EXPERT_TOTAL)  # now the server's

    # 5. The province aggregates, reads the panel and proposes; the DRC confirms ---------------
    goto_and_press(office, f"/reviews/{review_round.pk}/", "揭示并汇总评分", within="action-aggregate")
    review_round.refresh_from_db()
    assert review_round.state == ReviewRound.State.AGGREGATED
    panel_url = f"/reviews/{review_round.pk}/acceptance/"
    office.goto(panel_url)
    outcome = office.get_by_test_id(f"outcome-{pilot.pk}")
    assert outcome.get_by_test_id("total").inner_text() == str(EXPERT_TOTAL)
    assert outcome.get_by_test_id("grade").inner_text() == "优秀"
    accessible(office, [panel_url])

    decision_url = f"/naming/rounds/{review_round.pk}/decision/"
    office.goto(decision_url)
    row = office.get_by_test_id(f"pilot-{pilot.pk}")
    row.locator(f"select[name=grade_{pilot.pk}]").select_option("excellent")
    row.locator(f"textarea[name=reason_{pilot.pk}]").fill(REASON)
    press(office, "提出验收等级建议")
    assert office.get_by_test_id("waiting").count() == 1

    reviewer = new_page()
    log_in(reviewer, drc.username, PASSWORD)
    confirmations_url = f"/naming/rounds/{review_round.pk}/confirmations/"
    reviewer.goto(confirmations_url)
    pending = reviewer.get_by_test_id(f"pending-{pilot.pk}").inner_text()
    assert "优秀" in pending and REASON in pending and pilot.organisation.name in pending
    accessible(reviewer, [confirmations_url, panel_url])
    reviewer.fill("#confirm-opinion", "同意。")
    press(reviewer, "会签确认")
    assert reviewer.get_by_test_id("nothing").count() == 1

    # 6. The publicity, opened in the past and concluded; the certificate -----------------------
    publicity_url = f"/naming/rounds/{review_round.pk}/publicity/"
    office.goto(decision_url)
    with office.expect_navigation():
        office.get_by_test_id("confirmed").get_by_role("link").click()
    assert office.url.endswith(publicity_url)
    opening = office.get_by_test_id("open-form")
    opening.locator("input[name=start]").fill(
        (timezone.localdate() - datetime.timedelta(days=20)).isoformat()
    )
    opening.locator("input[name=working_days]").fill("5")
    opening.locator("input[name=contact]").fill(CONTACT)
    press(office, "发布公示", within=opening)
    assert "优秀" in office.get_by_test_id("listed").inner_text()
    accessible(office, [publicity_url])
    office.get_by_test_id("conclude-form").locator("input[name=document_no]").fill(DOCUMENT_NO)
    press(office, "确定验收结果并命名")
    assert DOCUMENT_NO in office.get_by_test_id("period").inner_text()
    pilot.refresh_from_db()
    assert (pilot.state, pilot.acceptance_grade) == (Pilot.State.ACCEPTED, Pilot.Grade.EXCELLENT)
    certificate = NamingCertificate.objects.get(pilot=pilot)
    assert certificate.file  # the PDF task ran after the commit

    result_url = f"/naming/pilots/{pilot.pk}/"
    owner.goto(result_url)
    assert owner.get_by_test_id("grade").inner_text().endswith("优秀")
    assert owner.get_by_test_id("reason").inner_text().endswith(REASON)
    link = owner.get_by_test_id("certificate")
    assert link.get_attribute("href") == f"/naming/pilots/{pilot.pk}/certificate/"
    with owner.expect_download() as info:
        link.click()
    saved = tmp_path / "certificate.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    accessible(owner, [result_url])

    # 7. The finance officer records an award ---------------------------------------------------
    award_services.cap_set(
        pilot_type="county", amount=Decimal(500), effective_from=datetime.date(2024, 1, 1), by=finance
    )
    treasurer = new_page()
    log_in(treasurer, finance.username, PASSWORD)
    treasurer.goto("/awards/new/")
    treasurer.select_option("select[name=pilot]", str(pilot.pk))
    treasurer.fill("input[name=amount]", "300")
    treasurer.fill("input[name=basis_number]", BASIS)
    treasurer.fill("input[name=basis_date]", timezone.localdate().isoformat())
    treasurer.select_option("select[name=fund_source]", "provincial_ecology")
    press(treasurer, "登记")
    award = Award.objects.get(pilot=pilot)
    assert award.amount == Decimal("300.00")
    assert treasurer.get_by_test_id("amount").inner_text() == "300.00"
    assert BASIS in treasurer.get_by_test_id("basis").inner_text()
    accessible(treasurer, [f"/awards/{award.pk}/", "/awards/"])
    owner.goto("/awards/")
    assert owner.get_by_test_id("award-row").locator("[data-testid=amount]").inner_text() == "300.00"

    # 8. The showcase page: written and submitted by the pilot, published by the province ------
    _report, actual, typical = received_report(pilot)
    owner.goto("/showcase/manage/")
    press(owner, "编制展示页", within=owner.get_by_test_id(f"pilot-{pilot.pk}"))
    version = ShowcaseVersion.objects.get(page__pilot=pilot)
    assert owner.url.endswith(f"/showcase/manage/versions/{version.pk}/edit/")
    showcase_form = owner.get_by_test_id("showcase-form")
    showcase_form.locator("input[name=title]").fill(TITLE)
    showcase_form.locator("textarea[name=summary]").fill(SUMMARY)
    showcase_form.locator(f"input[name=actuals][value='{actual.pk}']").check()
    showcase_form.locator(f"input[name=cases][value='{typical.pk}']").check()
    press(owner, "保存", within=showcase_form)
    assert owner.get_by_test_id("title").inner_text() == TITLE
    with owner.expect_navigation():
        owner.get_by_test_id("action-submit").locator("button").click()
    assert owner.get_by_test_id("state").inner_text() == str(ShowcaseVersion.State.SUBMITTED.label)

    office.goto(f"/showcase/manage/versions/{version.pk}/")
    assert office.get_by_test_id("title").inner_text() == TITLE
    with office.expect_navigation():
        office.get_by_test_id("action-publish").locator("button").click()
    assert office.get_by_test_id("state").inner_text() == str(ShowcaseVersion.State.PUBLISHED.label)

    visitor = new_page()  # no login
    public_url = f"/showcase/{pilot.pk}/"
    response = visitor.goto(public_url)
    assert response.status == 200
    assert visitor.get_by_test_id("title").inner_text() == TITLE
    assert "优秀" in visitor.get_by_test_id("outcome").inner_text()
    body = visitor.locator("main").inner_text()
    assert SUMMARY in body and typical.title in body and "46.5" in body
    accessible(visitor, [public_url, "/showcase/"])
