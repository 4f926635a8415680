"""The whole selection path in a real browser, as the people involved walk it.

Only the starting point is written to the database: a batch in provincial review with four complete
applications forwarded by four cities (each with its submitted Annex 1 and an applicant account), three
experts in the pool and the officers. Everything else is clicks and form fills:

1. the provincial officer creates the round (the seeded criteria, 2 experts per application, deadline,
   arithmetic mean, a tie-break chain), sends the forwarded applications to review, freezes the
   criteria;
2. each expert declares — 张卫东 a conflict with 石泉县;
3. the officer closes the declarations, assigns automatically (张卫东 never on 石泉县), opens scoring;
4. each expert confirms and scores every task (an n/a, an extreme score that needs its comment), and
   王立新 then changes a submitted sheet with a reason (version 2) — which reorders the list;
5. the officer reveals the scores, reads the panel (mean, median, trimmed mean, z-score, a tie split by
   the published chain) and proposes the top three;
6. the finance officer reads the ranking, the scores and the reasons, returns the proposal with an
   opinion; the officer answers it and proposes again; the finance officer confirms, with an opinion;
7. the officer opens publicity, the public (not logged in) reads the notice, an objection is recorded
   and dismissed, the list is confirmed before the end of the period with a reason;
8. the public pilot list shows the three pilots, and every applicant was told its outcome.

Expert totals (weights 15/15/15/15/20/10/10, every scale 0–10, total = Σ weight × score / 10):

    王立新  石泉 84 (可行性 10)   蓝田 70              洋县 69 → 71 (version 2)
    陈静    石泉 80               凤县 80              洋县 70
    张卫东  (conflict: 石泉)      蓝田 70 (减排成效 不适用)  凤县 84

Means: 石泉 82, 凤县 82 (tie: 可行性 mean 9 vs 8 decides), 洋县 70.5, 蓝田 70. Per-expert z-score
normalisation (population sd per expert; grand mean 76.125, grand sd 6.0506) gives 82.53, 81.29,
69.95 and 70.73: the panel shows it side by side, the declared method (mean) ranks.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import Application, ApplicationSnapshot, Batch
from core.models import Notification
from core.uploads import new_token
from core.workdays import add_workdays
from organisations.models import Role
from pilots.models import Pilot
from reviews import services
from reviews.documents import cn_date, period_text
from reviews.models import Conflict, ReviewAssignment, ReviewRound, ScoreVersion

from ..factories import PASSWORD, PDF_BYTES, BatchFactory, complete_application, county, member
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BATCH = "2026年第二批低碳近零碳试点"
ROUND = "2026年第二批试点遴选专家评审"
CRITERIA = "低碳近零碳试点遴选评分标准（第1版）"
CONTACT = "省生态环境厅应对气候变化处 王工 029-63916000"
ADDRESS = "西安市未央区凤城九路8号"
CHANGE_REASON = "复核重点项目清单后，上调复制推广价值评分。"
EARLY_REASON = "国家年度试点名单报送时间提前，经厅务会研究提前确定名单。"
RETURN_OPINION = "洋县与蓝田县得分仅差0.5分，且洋县评分经专家修改，请核实修改情况后重新提出。"
REVISION_NOTE = "已核实：洋县评分修改有书面理由（第2版），按公布的算术平均排名，维持原建议。"

# Applicants, in the order their applications are created (the automatic assignment goes by id).
COUNTIES = {"石泉": "610922", "蓝田": "610122", "凤县": "610330", "洋县": "610723"}  # 安康 西安 宝鸡 汉中
# Experts, in the order they join the pool: (name, employer, phone).
EXPERTS = [
    ("王立新", "西北大学城市与环境学院", "13709180001"),
    ("陈静", "长安大学能源与电气工程学院", "13709180002"),
    ("张卫东", "西安建筑科技大学", "13709180003"),
]
CONFLICTED = ("张卫东", "石泉")
CODES = ["foundation", "commitment", "distinctiveness", "targets", "feasibility", "effect", "replicability"]


def _sheet(*values):
    return dict(zip(CODES, values, strict=True))


# (expert, applicant) -> scores in CODES order (None = 不适用), expected total, comments
SHEETS = {
    ("王立新", "石泉"): (
        _sheet(8, 8, 8, 8, 10, 8, 8),
        "84.00",
        {"feasibility": "重点项目均已立项，资金全部落实。"},
    ),
    ("王立新", "蓝田"): (_sheet(7, 7, 7, 7, 7, 7, 7), "70.00", {}),
    ("王立新", "洋县"): (_sheet(7, 7, 7, 7, 7, 7, 6), "69.00", {}),
    ("陈静", "石泉"): (_sheet(8, 8, 8, 8, 8, 8, 8), "80.00", {}),
    ("陈静", "凤县"): (_sheet(8, 8, 8, 8, 8, 8, 8), "80.00", {}),
    ("陈静", "洋县"): (_sheet(7, 7, 7, 7, 7, 7, 7), "70.00", {}),
    ("张卫东", "蓝田"): (_sheet(7, 7, 7, 7, 7, None, 7), "70.00", {"effect": "减排量测算依据尚不充分。"}),
    ("张卫东", "凤县"): (_sheet(8, 9, 9, 8, 8, 9, 8), "84.00", {}),
}
# The automatic assignment: least-loaded eligible experts first, ties by id; 张卫东 skips 石泉.
TASKS = {"王立新": ["石泉", "蓝田", "洋县"], "陈静": ["石泉", "凤县", "洋县"], "张卫东": ["蓝田", "凤县"]}
# Ranking by the mean: (applicant, rank, mean, z-score normalised, range)
RANKING = [
    ("石泉", "1", "82.00", "82.53", "4.00"),
    ("凤县", "2", "82.00", "81.29", "4.00"),
    ("洋县", "3", "70.50", "69.95", "1.00"),
    ("蓝田", "4", "70.00", "70.73", "0.00"),
]
SHORTLIST = ["石泉", "凤县", "洋县"]
PUBLISHED = ["凤县", "洋县", "石泉"]  # every published list goes by city (宝鸡, 汉中, 安康), not by score


# Browser helpers --------------------------------------------------------------------------------
def press(page, name, *, confirm=False, within=None):
    """Click a submit button and wait for the page it leads to; accept its confirm() first if asked."""
    if confirm:
        page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        (within or page).get_by_role("button", name=name, exact=True).click()


def follow(page, name, *, within=None):
    with page.expect_navigation():
        (within or page).get_by_role("link", name=name, exact=True).click()


def messages(page) -> str:
    return "\n".join(page.locator(".messages").all_inner_texts())


def said(page, text):
    shown = messages(page)
    assert text in shown, shown
    assert page.locator(".messages .error").count() == 0, shown


def tab(page, name):
    """One of the round's tabs (概览, 利益冲突, 任务分配, 汇总与排名, 入选建议, 会签确认, 公示与公布)."""
    follow(page, name, within=page.get_by_role("navigation", name="评审环节"))


def state(page) -> str:
    return page.get_by_test_id("state").inner_text()


def stats(page) -> list[str]:
    return page.get_by_test_id("overview").locator(".stat b").all_inner_texts()


def inbox(page) -> str:
    with page.expect_navigation():
        page.get_by_role("link", name="消息").click()
    return page.locator("main table").inner_text()


# The expert's side ------------------------------------------------------------------------------
def declare(page, names, conflict=None):
    """From 我的评审任务: the round's declaration, naming one applicant with a conflict or none."""
    page.goto("/reviews/mine/")
    assert ROUND in page.get_by_test_id("to-declare").inner_text()
    follow(page, "申报利益冲突")
    form = page.get_by_test_id("declare-form")
    assert "本轮共 4 家申报单位" in form.inner_text()
    assert [form.locator("tbody tr", has_text=n).count() for n in names.values()] == [1, 1, 1, 1]
    if conflict is None:
        page.check("input[name=choice][value=none]")
    else:
        name, detail = conflict
        page.check("input[name=choice][value=conflict]")
        row = form.locator("tbody tr", has_text=name)
        row.locator("input[type=checkbox]").check()
        row.locator("select").select_option(label="其他")
        row.locator("input[type=text]").fill(detail)
    page.check("input[name=pledge]")
    press(page, "提交申报")
    said(page, "利益冲突申报已提交。")
    assert page.get_by_test_id("to-declare").count() == 0


def fill_sheet(page, scores, comments, opinion):
    for code, value in scores.items():
        if value is None:
            page.check(f"input[name=na-{code}]")
            assert page.locator(f"input[name=score-{code}]").is_disabled()
        else:
            page.fill(f"input[name=score-{code}]", str(value))
    for code, text in comments.items():
        page.fill(f"textarea[name=comment-{code}]", text)
    page.fill("#opinion", opinion)


def open_task(page, name):
    page.goto("/reviews/mine/")
    follow(page, name, within=page.get_by_test_id("assignments"))
    assert page.locator("h1").inner_text().startswith(name)


def confirm_and_score(page, expert, key, name):
    """Confirm the task (no conflict), then score every criterion and submit."""
    open_task(page, name)
    assert state(page) == "已分配"
    assert page.get_by_test_id("material").count() == 0  # the name only, before confirming
    press(page, "确认任务（无利益冲突）")
    said(page, "已确认评审任务")
    assert state(page) == "已确认"
    assert page.get_by_test_id("pdf").count() == 1  # the submitted Annex 1 opens now

    scores, total, comments = SHEETS[(expert, key)]
    if (expert, key) == ("王立新", "石泉"):  # 10 of 10 is extreme: refused until it is explained
        fill_sheet(page, scores, {}, "工作基础扎实，项目成熟，建议入选。")
        assert "extreme" in (page.locator("tr[data-criterion=feasibility]").get_attribute("class") or "")
        press(page, "提交评分", confirm=True)
        refusal = messages(page)
        assert "「可行性高」评分为10分，属极端分值" in refusal and "须填写评语" in refusal
        assert page.locator("input[name=score-feasibility]").input_value() == "10"  # kept as typed
        page.fill("textarea[name=comment-feasibility]", comments["feasibility"])
    else:
        fill_sheet(page, scores, comments, f"{name}申报材料完整，路径基本清晰。")
    assert page.get_by_test_id("total").inner_text() == total  # scoring.js, while typing
    assert f"加权总分（百分制）：{total} / 已评 7 项" in page.get_by_test_id("total-line").inner_text()
    press(page, "提交评分", confirm=True)  # it reveals the others' scores: confirmed first
    said(page, "评分已提交。")
    assert state(page) == "已提交评分"
    assert page.get_by_test_id("total").inner_text() == total  # the server's
    return page.get_by_test_id("others").inner_text()


# The test ---------------------------------------------------------------------------------------
def test_selection_round_from_set_up_to_the_published_pilot_list(new_page, province, finance):
    # The starting point: a batch in provincial review, four forwarded applications, three pool experts.
    batch = BatchFactory(name=BATCH, state=Batch.State.PROVINCIAL_REVIEW)
    applications, applicants, names = {}, {}, {}
    for key, code in COUNTIES.items():
        organisation = county(code)
        application = complete_application(
            batch=batch, organisation=organisation, state=Application.State.FORWARDED, submission_count=1
        )
        snapshot = ApplicationSnapshot.objects.create(
            application=application, number=1, data={}, token=new_token()
        )
        snapshot.pdf.save("annex1.pdf", ContentFile(PDF_BYTES))
        applications[key], names[key] = application, organisation.name
        applicants[key] = member(Role.APPLICANT, organisation, username=f"applicant{code}")
    experts = {}
    for name, employer, phone in EXPERTS:
        profile = services.expert_create(by=province, name=name, employer=employer, phone=phone, title="教授")
        profile.user.set_password(PASSWORD)
        profile.user.save()
        experts[name] = profile.user
    deadline = timezone.localdate() + datetime.timedelta(days=14)

    # 1. The provincial officer sets the round up -------------------------------------------------
    office = new_page()
    log_in(office, province.username, PASSWORD)
    follow(office, "评审")
    follow(office, "新建遴选评审轮次")
    office.fill("#id_name", ROUND)
    office.select_option("#id_batch", label=BATCH)
    office.select_option("#id_criteria_set", label=CRITERIA)
    office.fill("#id_experts_per_item", "2")
    office.fill("#id_max_per_expert", "5")
    office.fill("#id_scoring_deadline", deadline.isoformat())
    office.select_option("#id_aggregation_method", label="算术平均")
    office.fill("#id_tie_break", "median, criterion:feasibility, min")
    press(office, "保存")
    said(office, "评审轮次已创建。")
    assert state(office) == "设置中"
    settings = office.locator("dl.kv").first.inner_text()
    assert CRITERIA in settings and cn_date(deadline) in settings and "算术平均" in settings
    assert "中位数 → 指标「可行性高」均分 → 最低专家评分" in settings
    review_round = ReviewRound.objects.get(name=ROUND)
    assert review_round.tie_break == ["median", "criterion:feasibility", "min"]

    waiting = office.get_by_test_id("overview").inner_text()
    assert "本批次有 4 份已报送省厅、尚未提交专家评审的申报书。" in waiting
    press(office, "提交专家评审", confirm=True)
    said(office, "已将本批次省厅受理的申报书提交专家评审。")
    assert stats(office)[:2] == ["4", "0 / 8"]
    assert office.get_by_role("button", name="提交专家评审").count() == 0

    press(office, "冻结评分标准，开始利益冲突申报")
    said(office, "已办理。")
    assert state(office) == "利益冲突申报"
    assert "已冻结" in office.locator("dl.kv").first.inner_text()

    # 2. Each expert declares before seeing any material ------------------------------------------
    expert_pages = {}
    for name, _employer, phone in EXPERTS:
        page = expert_pages[name] = new_page()
        log_in(page, f"zj{phone}", PASSWORD)
        assert f"请在{ROUND}开始前申报利益冲突" in inbox(page)
        if name == CONFLICTED[0]:
            declare(page, names, (names[CONFLICTED[1]], "2024年受聘担任石泉县碳达峰实施方案编制顾问。"))
        else:
            declare(page, names)
        assert page.get_by_test_id("assignment").count() == 0  # no task yet
    conflict = Conflict.objects.get(round=review_round)
    assert (conflict.expert, conflict.item.application, conflict.source) == (
        experts["张卫东"],
        applications["石泉"],
        Conflict.Source.DECLARED,
    )

    # 3. Conflicts, automatic assignment, scoring opens -------------------------------------------
    office.reload()
    tab(office, "利益冲突")
    rows = office.get_by_test_id("conflicts").locator("tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    for text in (names["石泉"], "张卫东", "其他", "专家声明", "回避", "编制顾问"):
        assert text in row, row
    declarations = office.locator("section", has_text="专家申报情况").locator("tbody tr")
    assert declarations.count() == 3
    assert declarations.filter(has_text="申报了利益冲突").all_inner_texts()[0].startswith("张卫东")

    tab(office, "概览")
    assert "3 位专家已申报" in office.get_by_test_id("overview").inner_text()
    press(office, "结束冲突申报，分配任务")
    assert state(office) == "分配评审任务"

    tab(office, "任务分配")
    assert "尚缺 8 个专家席位。" in office.locator("main").inner_text()
    press(office, "自动分配（补齐缺额）", confirm=True)
    said(office, "已自动分配8项评审任务（回避利益冲突，按负载均衡）。")
    matrix = office.get_by_test_id("coverage")
    assert "各申报书专家已配齐。" in office.locator("main").inner_text()
    for name in names.values():
        assert matrix.locator("tbody tr", has_text=name).locator("td.num").inner_text() == "2/2"
    assert office.locator(f'td[title="张卫东 · {names["石泉"]}"]').inner_text().strip() == "冲突"
    for expert, keys in TASKS.items():
        for key in keys:
            assert office.locator(f'td[title="{expert} · {names[key]}"]').inner_text().startswith("已分配")
    for expert, load in (("王立新", "3/5"), ("陈静", "3/5"), ("张卫东", "2/5")):
        assert load in matrix.locator("th.expert", has_text=expert).inner_text()
    assigned = set(
        ReviewAssignment.objects.filter(round=review_round).values_list(
            "expert__full_name", "item__application_id"
        )
    )
    assert assigned == {(e, applications[k].pk) for e, keys in TASKS.items() for k in keys}

    tab(office, "概览")
    press(office, "开始打分")
    assert state(office) == "专家打分中"
    assert stats(office) == ["4", "8 / 8", "0", "1"]

    # 4. The experts confirm and score; 王立新 then changes a submitted sheet ----------------------
    for expert, keys in TASKS.items():
        page = expert_pages[expert]
        told = inbox(page)
        assert f"您有新的评审任务：{ROUND}" in told and f"{ROUND}已开始打分，截止{cn_date(deadline)}" in told
        page.goto("/reviews/mine/")
        assert page.get_by_test_id("assignment").count() == len(keys)
        for key in keys:
            others = confirm_and_score(page, expert, key, names[key])
            if (expert, key) == ("陈静", "石泉"):  # 王立新 submitted first: now shown, anonymised
                assert "专家A" in others and "84.00" in others and "王立新" not in others

    # The confirmed task opens the application; the declared conflict keeps 石泉县 closed to 张卫东.
    page = expert_pages["张卫东"]
    page.goto("/reviews/mine/")
    assert names["石泉"] not in page.get_by_test_id("assignments").inner_text()
    open_task(page, names["凤县"])
    follow(page, "申报书详情（附件1内容与附件）")
    assert names["凤县"] in page.locator("h1").inner_text()
    assert page.goto(f"/applications/{applications['石泉'].pk}/").status == 404

    page = expert_pages["王立新"]
    open_task(page, names["洋县"])
    assert state(page) == "已提交评分"
    page.fill("input[name=score-replicability]", "8")
    assert page.get_by_test_id("total").inner_text() == "71.00"
    press(page, "提交修改")
    refusal = messages(page)
    assert "修改已提交的评分须填写修改理由" in refusal
    page.fill("#change_reason", CHANGE_REASON)
    press(page, "提交修改")
    said(page, "修改已提交，已生成新的评分版本。")
    versions = page.get_by_test_id("versions").locator("tbody tr").all_inner_texts()
    assert len(versions) == 2
    assert "第 2 版" in versions[0] and "71.00" in versions[0] and CHANGE_REASON in versions[0]
    assert "第 1 版" in versions[1] and "69.00" in versions[1]
    page.goto("/reviews/mine/")
    assert "第 2 版" in page.get_by_test_id("assignments").locator("tr", has_text=names["洋县"]).inner_text()
    changed = ScoreVersion.objects.get(
        assignment__expert=experts["王立新"], assignment__item__application=applications["洋县"], number=2
    )
    assert (str(changed.total), changed.reason) == ("71.00", CHANGE_REASON)

    # 5. Reveal, read the panel, propose the shortlist --------------------------------------------
    office.reload()
    assert stats(office) == ["4", "8 / 8", "8", "1"]
    history = office.get_by_test_id("history").inner_text()
    assert "修改已提交的评分" in history and CHANGE_REASON in history
    assert f"王立新修改了对「{names['洋县']}」已提交的评分（第2版）" in inbox(office)
    office.goto(f"/reviews/{review_round.pk}/")
    press(office, "揭示并汇总评分")
    said(office, "已办理。")
    assert state(office) == "已汇总"

    tab(office, "汇总与排名")
    panel = office.get_by_test_id("panel")
    assert "算术平均" in panel.locator("dl").inner_text()
    assert "中位数 → 指标「可行性高」均分 → 最低专家评分" in panel.locator("dl").inner_text()
    headers = office.get_by_test_id("ranking").locator("thead th").all_inner_texts()
    assert headers[3:7] == ["算术平均", "中位数", "去掉最高最低后平均", "z分数校正"]
    assert office.get_by_test_id("ranking").locator("thead th.primary").inner_text() == "算术平均"
    for position, (key, rank, mean, zscore, spread) in enumerate(RANKING):
        row = office.get_by_test_id(f"row-{applications[key].pk}")
        cells = row.locator("> td").all_inner_texts()
        assert cells[0].strip() == rank and names[key] in cells[1], cells
        assert cells[2:8] == ["2/2", mean, mean, mean, zscore, spread], cells
        ordered = office.get_by_test_id("ranking").locator("tbody > tr[data-testid]").nth(position)
        assert ordered.get_attribute("data-testid") == f"row-{applications[key].pk}"
    tie = office.get_by_test_id(f"row-{applications['石泉'].pk}").locator("> td").last.inner_text()
    assert "未能区分" in tie and "已区分" in tie and "名次由决胜规则确定" in tie
    second = office.get_by_test_id(f"row-{applications['凤县'].pk}").locator("> td").first.inner_text()
    assert "并列" not in second  # the chain split the tie: 1 and 2, not 1 and 1

    follow(office, "据此提出入选建议")
    for key in SHORTLIST:
        office.check(f"#s-{applications[key].pk}")
    press(office, "提交入选建议", confirm=True)
    said(office, "入选建议已提出，待省财政厅会签确认。")
    assert office.url.endswith(f"/reviews/{review_round.pk}/confirmations/")
    table = office.get_by_test_id("confirmations")
    assert "待会签 4 项，已会签 0 项（拟入选 0 项），尚未提出建议 0 项" in table.inner_text()
    assert "待省财政厅会签。" in table.inner_text()
    assert table.get_by_role("button").count() == 0  # the ecology department proposes, never confirms
    assert "评审排名第1名（算术平均82.00分）" in table.locator("tr", has_text=names["石泉"]).inner_text()

    # 6. The finance department reads the proposal, returns it, then confirms the revision ---------
    treasury = new_page()
    log_in(treasury, finance.username, PASSWORD)
    follow(treasury, "评审")
    follow(treasury, ROUND)
    tab(treasury, "会签确认")
    table = treasury.get_by_test_id("confirmations")
    for key, rank, mean, _zscore, _spread in RANKING:
        cells = table.locator("tbody tr", has_text=names[key]).locator("td").all_inner_texts()
        assert cells[0].strip() == rank and cells[2] == mean, cells  # the ranking and the scores
        assert cells[3].strip() == ("拟入选" if key in SHORTLIST else "不予入选"), cells
        assert f"评审排名第{rank}名（算术平均{mean}分）" in cells[4], cells
    treasury.fill("#return-opinion", RETURN_OPINION)
    press(treasury, "退回修改", confirm=True)
    said(treasury, "入选建议已退回省生态环境厅修改。")
    assert treasury.get_by_test_id("confirmations").get_by_role("button").count() == 0
    assert "省财政厅退回了" in inbox(office)
    office.goto(f"/reviews/{review_round.pk}/")
    tab(office, "入选建议")
    assert RETURN_OPINION in office.get_by_test_id("returned").inner_text()
    for key in COUNTIES:  # the returned proposal, pre-filled to revise
        assert office.is_checked(f"#s-{applications[key].pk}") == (key in SHORTLIST)
    office.fill("#note", REVISION_NOTE)
    press(office, "提交入选建议", confirm=True)
    said(office, "入选建议已提出，待省财政厅会签确认。")

    treasury.reload()
    history = treasury.get_by_test_id("decision-history").inner_text()
    assert RETURN_OPINION in history and REVISION_NOTE in history  # the history stays visible
    kinds = treasury.get_by_test_id("decision-history").locator("li > div > strong").all_inner_texts()
    assert kinds == ["提出入选建议", "退回修改", "提出入选建议"]
    treasury.fill("#confirm-opinion", "同意。")
    press(treasury, "会签确认", confirm=True)
    said(treasury, "已会签确认入选建议，申报单位已收到通知。")
    table = treasury.get_by_test_id("confirmations")
    assert table.get_by_role("button").count() == 0
    assert "待会签 0 项，已会签 4 项（拟入选 3 项）" in table.inner_text()
    outcome = {
        k: table.locator("tbody tr", has_text=names[k]).locator("td").nth(5).inner_text() for k in COUNTIES
    }
    assert outcome == {"石泉": "拟入选", "蓝田": "未入选", "凤县": "拟入选", "洋县": "拟入选"}

    tab(office, "概览")
    assert "待会签 0 项，已会签 4 项（拟入选 3 项）" in office.get_by_test_id("overview").inner_text()
    press(office, "形成评审结论")
    assert state(office) == "已决定"

    # 7. Publicity, an objection, the confirmation ------------------------------------------------
    tab(office, "公示与公布")
    opening = office.get_by_test_id("publicity-open").inner_text()
    assert f"经会签确认的拟入选申报单位 3 个：{'、'.join(names[k] for k in PUBLISHED)}" in opening
    start = timezone.localdate()
    end = add_workdays(start, 5).end
    office.fill("#id_start", start.isoformat())
    assert office.input_value("#id_working_days") == "5"
    office.fill("#id_contact", CONTACT)
    office.fill("#id_address", ADDRESS)
    press(office, "发布公示", confirm=True)
    said(office, "拟入选名单已公示。")
    status = office.get_by_test_id("publicity-state").inner_text()
    assert "公示中" in status and f"{cn_date(start)} — {cn_date(end)}（5个工作日）" in status
    assert CONTACT in status and ADDRESS in status

    public = new_page()
    public.goto("/publicity/")
    notices = public.get_by_test_id("notices")
    assert BATCH in notices.inner_text() and "公示中" in notices.inner_text()
    with public.expect_navigation():
        notices.get_by_role("link").first.click()
    listed = public.get_by_test_id("notice-list").locator("tbody tr").all_inner_texts()
    assert [row.split("\t")[:2] for row in listed] == [[str(i), names[k]] for i, k in enumerate(PUBLISHED, 1)]
    assert public.get_by_test_id("period").inner_text() == f"公示期：{period_text(start, end)}（5个工作日）。"
    assert CONTACT in public.get_by_test_id("contact").inner_text()
    assert public.get_by_role("link", name="登录").count() == 1  # nobody is logged in here

    office.select_option("#id_application", label=names["洋县"])
    office.fill("#id_received_on", start.isoformat())
    office.fill("#id_objector", "洋县某村民委员会")
    office.fill("#id_contact", "13991600000")
    office.fill("#id_content", "反映该县重点项目中的光伏项目尚未取得用地手续。")
    press(office, "登记")
    said(office, "异议已登记。")
    objections = office.get_by_test_id("objections")
    assert names["洋县"] in objections.inner_text() and "处理中" in objections.inner_text()
    press(office, "确定并公布名单", confirm=True)  # an objection is open: refused
    assert "尚有1件异议未处理完毕，不能确定名单。" in messages(office)
    office.get_by_label("异议不成立").check()
    office.fill("#id_handling", "经核查，该光伏项目已于2026年取得用地预审意见，异议不成立。")
    press(office, "记录核查结论", confirm=True)
    said(office, "异议处理结果已记录。")
    assert "异议不成立" in office.get_by_test_id("objections").inner_text()

    press(office, "确定并公布名单", confirm=True)  # the period has not ended: refused without a reason
    assert f"公示期至{end.year}年{end.month}月{end.day}日，期满后方可确定名单。" in messages(office)
    office.fill("#confirm-reason", EARLY_REASON)
    press(office, "确定并公布名单", confirm=True)
    said(office, "试点名单已确定并公布，试点单位已创建，申报单位已收到通知。")
    assert "已公布" in office.get_by_test_id("publicity-state").inner_text()
    published = office.locator("section", has_text="已公布的试点名单").locator("li").all_inner_texts()
    assert [item.split("（")[0] for item in published] == [
        names[k] for k in PUBLISHED
    ]  # as numbered publicly
    assert EARLY_REASON in office.get_by_test_id("history").inner_text()

    # 8. The published list, the pilots, the applicants' notices ----------------------------------
    public.reload()
    assert "公示期已结束，试点名单已正式公布。" in messages(public)
    follow(public, "查看试点名单")
    pilots_shown = public.get_by_test_id("public-pilots").locator("tbody tr").all_inner_texts()
    assert len(pilots_shown) == 3
    for row, key in zip(pilots_shown, PUBLISHED, strict=True):
        assert names[key] in row and BATCH in row and "建设中" in row, row
    assert names["蓝田"] not in public.get_by_test_id("public-pilots").inner_text()
    assert set(Pilot.objects.filter(batch=batch).values_list("organisation__name", flat=True)) == {
        names[k] for k in SHORTLIST
    }
    assert Application.objects.get(pk=applications["蓝田"].pk).state == Application.State.NOT_SELECTED

    selected = new_page()
    log_in(selected, applicants["洋县"].username, PASSWORD)
    told = inbox(selected)
    assert "遴选结果：拟入选" in told
    assert f"贵单位已列入{BATCH}拟入选名单，公示期至{cn_date(end)}" in told
    assert "恭喜！贵单位已入选陕西省低碳近零碳试点" in told
    declined = new_page()
    log_in(declined, applicants["蓝田"].username, PASSWORD)
    told = inbox(declined)
    assert "遴选结果：未入选" in told and "拟入选名单" not in told and "恭喜" not in told
    for key in SHORTLIST:
        titles = set(Notification.objects.filter(recipient=applicants[key]).values_list("title", flat=True))
        assert {"遴选结果：拟入选", "恭喜！贵单位已入选陕西省低碳近零碳试点"} <= titles, (key, titles)
