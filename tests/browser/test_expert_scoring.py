"""In a real browser: the expert declares, confirms the task, scores with a running weighted total
(不适用 left out, never zero) that matches the server's, and sees the other expert's scores only after
submitting."""

from decimal import Decimal

import pytest

from reviews import services
from reviews.models import ReviewAssignment

from ..factories import PASSWORD
from ..reviews.expert_setup import in_review, make_pool_expert, pool_expert, scoring_round, sheet, task
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCORES = {"foundation": "8", "commitment": "7", "distinctiveness": "6", "targets": "8", "feasibility": "10"}


def test_declare_confirm_score_and_compare(page, expert, province):
    make_pool_expert(expert)
    review_round = scoring_round(experts_per_item=2)
    application = in_review(review_round)
    task(review_round, expert, application, state=ReviewAssignment.State.ASSIGNED, declared=False)
    colleague = task(review_round, pool_expert("李慧"), application)
    services.scores_save(
        assignment=colleague,
        by=colleague.expert,
        values=sheet(foundation=Decimal(6)),
        opinion="基本可行。",
        submit=True,
    )

    log_in(page, expert.username, PASSWORD)
    page.goto("/reviews/mine/")
    page.get_by_role("link", name="申报利益冲突", exact=True).click()
    page.check("input[name=choice][value=none]")
    page.check("input[name=pledge]")
    with page.expect_navigation():
        page.get_by_role("button", name="提交申报").click()
    assert "利益冲突申报已提交" in page.content()

    page.get_by_role("link", name="石泉县人民政府").click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认任务（无利益冲突）").click()
    assert page.get_by_test_id("state").inner_text() == "已确认"
    assert page.get_by_test_id("others-hidden").count() == 1

    page.fill("input[name=score-foundation]", "8")
    # One criterion of seven: its weighted score, plainly "x / 已评 n 项", not a total in large red.
    line = page.get_by_test_id("total-line")
    assert "已评项加权得分（百分制）：80.00 / 已评 1 项（共 7 项" in line.inner_text()
    assert "partial" in (line.get_attribute("class") or "")
    assert line.locator("output").evaluate("e => getComputedStyle(e).fontSize") != "22px"
    for code, value in SCORES.items():
        page.fill(f"input[name=score-{code}]", value)
    page.check("input[name=na-effect]")
    assert page.locator("input[name=score-effect]").is_disabled()
    page.fill("input[name=score-replicability]", "5")
    # (15×0.8 + 15×0.7 + 15×0.6 + 15×0.8 + 20×1.0 + 10×0.5) / 90 × 100 = 76.11; as zero it would be 68.50
    assert page.get_by_test_id("total").inner_text() == "76.11"
    line = page.get_by_test_id("total-line")
    assert "加权总分（百分制）：76.11 / 已评 7 项" in line.inner_text()
    assert "final" in (line.get_attribute("class") or "")
    assert "extreme" in (page.locator("tr[data-criterion=feasibility]").get_attribute("class") or "")

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="提交评分").click()
    assert "须填写评语" in page.locator(".messages").inner_text()  # 10 is extreme
    assert "须填写综合意见" in page.locator(".messages").inner_text()
    page.fill("textarea[name=comment-feasibility]", "重点项目均已立项并落实资金。")
    page.fill("textarea[name=opinion]", "工作基础扎实，建议入选。")
    # Submitting reveals the others' scores: it is confirmed first, and a dismissed dialog submits nothing.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="提交评分").click()
    page.wait_for_timeout(300)
    assert asked and "其他专家的评分" in asked[0]
    assert page.get_by_test_id("others-hidden").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="提交评分").click()
    assert "评分已提交" in page.content()
    assert page.get_by_test_id("total").inner_text() == "76.11"  # now the server's
    others = page.get_by_test_id("others")
    assert "专家A" in others.inner_text() and "李慧" not in page.content()
