"""The acceptance review's pages: the expert's scoring page (self-score beside the input, a score outside
the indicator's points or an unexplained departure refused with the input kept, vetoes with a note), the
set-up page (one system kind per round), the panel with the proposed grades and its Excel export (a fixed
number of queries at two sizes), site visits and photos, and who may reach each of them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.security import SecurityEvent
from reviews import services
from reviews.acceptance import site_visit_add
from reviews.models import Conflict, ReviewItem, Score, SitePhoto, SiteVisit, VetoFinding

from .. import export_checks
from ..factories import PDF_BYTES, PilotFactory, county
from .acceptance_setup import (
    D,
    P,
    acceptance_round,
    open_scoring,
    self_evaluation,
    sheet,
    small_system,
    task,
    three_experts,
)
from .officer_setup import HANYIN, pool_expert

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(province, self_evaluations):
    review_round, pilots, system = acceptance_round(province)
    self_evaluations[pilots["石泉"].pk] = self_evaluation(system, claims={"b_nat": D(2)})
    experts = dict(zip(("李", "陈", "赵"), three_experts(), strict=True))
    review_round = open_scoring(review_round, province, experts.values())
    return {"round": review_round, "pilots": pilots, "experts": experts, "system": system}


def form(co2="40", policy="18", lead="40", action="draft", **extra) -> dict:
    data = {"action": action, "opinion": "资料齐全。", "score-t_co2": co2, "score-t_policy": policy}
    data["score-t_lead"] = lead
    return {**data, **extra}


def url_of(w, name="李") -> str:
    return reverse(
        "reviews:my_assignment", args=[task(w["round"], w["pilots"]["石泉"], w["experts"][name]).pk]
    )


# The expert's scoring page -----------------------------------------------------------------------------
def test_the_page_shows_each_indicator_with_the_self_score_beside_the_input(world, client_for):
    page = client_for(world["experts"]["李"]).get(url_of(world))
    assert page.status_code == 200
    text = page.text
    assert 'data-testid="acceptance-sheet"' in text
    assert "碳排放强度下降率" in text and "≥ 方案目标" in text and "比值法（越大越好）" in text
    assert "完成率 = 实际值 ÷ 目标值 = 4 ÷ 4 = 100.0%" in text  # the self-score's calculation
    assert "已提供佐证材料" in text and 'data-testid="binding"' in text
    assert 'max="40"' in text and 'max="20"' in text
    assert "数据弄虚作假" in text  # the veto items to tick
    assert "相差超过该指标分值的 20% 时" in text


def test_a_score_outside_the_points_is_refused_with_the_input_kept(world, client_for):
    w = world
    assignment = task(w["round"], w["pilots"]["石泉"], w["experts"]["李"])
    url = reverse("reviews:my_assignment_scores", args=[assignment.pk])
    response = client_for(w["experts"]["李"]).post(url, form(policy="25"))
    assert response.status_code == 422
    assert "「低碳政策制度」的分值应在0至20分之间，您填写的是25分" in response.text
    assert 'name="score-t_policy" value="25"' in response.text
    assert not Score.objects.filter(assignment=assignment).exists()


def test_a_departure_beyond_the_threshold_needs_an_explanation_on_submit(world, client_for):
    w = world
    expert = w["experts"]["李"]
    assignment = task(w["round"], w["pilots"]["石泉"], expert)
    url = reverse("reviews:my_assignment_scores", args=[assignment.pk])
    client = client_for(expert)
    # Self-score 40 of 40 points; the round's threshold is 20 % → 8 points: 31 departs by 9.
    response = client.post(url, form(co2="31", action="submit"))
    assert response.status_code == 422
    assert (
        "「碳排放强度下降率」评分31分与自评分40分相差超过该项分值的20%（8分），须说明理由。" in response.text
    )
    assert 'name="score-t_co2" value="31"' in response.text
    assignment.refresh_from_db()
    assert assignment.state == "accepted"
    # 32 departs by exactly 8: no explanation needed; 31 with an explanation is accepted.
    explained = form(co2="31", action="submit", **{"comment-t_co2": "部分减排量缺少监测数据支撑。"})
    assert client.post(url, explained).status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == "submitted"
    assert (
        Score.objects.get(assignment=assignment, criterion__code="t_co2").comment
        == "部分减排量缺少监测数据支撑。"
    )


def test_a_veto_found_needs_a_note_and_is_kept_with_the_sheet(world, client_for):
    w = world
    expert = w["experts"]["陈"]
    assignment = task(w["round"], w["pilots"]["石泉"], expert)
    url = reverse("reviews:my_assignment_scores", args=[assignment.pk])
    client = client_for(expert)
    response = client.post(url, form(action="submit", **{"veto-v_fraud": "1"}))
    assert response.status_code == 422
    assert "认定触发否决项「数据弄虚作假」须填写说明。" in response.text
    assert 'name="veto-v_fraud" value="1" checked' in response.text
    noted = form(action="submit", **{"veto-v_fraud": "1", "veto-note-v_fraud": "台账补记。"})
    assert client.post(url, noted).status_code == 302
    assert list(VetoFinding.objects.filter(assignment=assignment).values_list("code", "note")) == [
        ("v_fraud", "台账补记。")
    ]
    assert assignment.versions.get().data["vetoes"] == {"v_fraud": "台账补记。"}


def test_a_conflicted_expert_reaches_no_acceptance_path(world, client_for, province):
    w = world
    expert = w["experts"]["赵"]
    item = ReviewItem.objects.get(round=w["round"], pilot=w["pilots"]["石泉"])
    visit = site_visit_add(
        item=item,
        by=province,
        visited_on=datetime.date(2026, 11, 20),
        place="石泉县池河镇光伏电站",
        notes="核查光伏装机与并网记录。",
        photos=[SimpleUploadedFile("现场.png", PNG)],
    )
    photo = visit.photos.get()
    client = client_for(expert)
    paths = [
        reverse("pilots:detail", args=[w["pilots"]["石泉"].pk]),
        reverse("reviews:site_visit_new", args=[item.pk]),
        reverse("reviews:site_photo", args=[photo.pk]),
    ]
    assert [client.get(p).status_code for p in paths] == [200, 200, 200]  # the control
    Conflict.objects.create(
        round=w["round"], expert=expert, item=item, kind=Conflict.Kind.RELATIVE, source="declared"
    )
    assert [client.get(p).status_code for p in paths] == [404, 404, 404]
    page = client.get(url_of(w, "赵"))
    assert 'data-testid="acceptance-sheet"' not in page.text and "完成率 = 实际值" not in page.text
    before = Score.objects.count()
    response = client.post(
        reverse("reviews:my_assignment_scores", args=[task(w["round"], w["pilots"]["石泉"], expert).pk]),
        form(),
    )
    assert response.status_code == 404 and Score.objects.count() == before
    assert client.get(reverse("reviews:acceptance_panel", args=[w["round"].pk])).status_code == 404


# Set-up ----------------------------------------------------------------------------------------------
def test_the_set_up_page_refuses_a_pilot_of_the_other_kind(province, client_for, xian_hitech):
    review_round, pilots, _ = acceptance_round(province)
    park_pilot = PilotFactory(
        batch=review_round.batch, organisation=xian_hitech, state=P.IN_ACCEPTANCE_REVIEW
    )
    hanyin = PilotFactory(batch=review_round.batch, organisation=county(HANYIN), state=P.ACCEPTANCE_FORWARDED)
    client = client_for(province)
    url = reverse("reviews:acceptance_setup", args=[review_round.pk])
    page = client.get(url)
    assert "西安高新技术产业开发区管委会" in page.text and "汉阴县人民政府" in page.text
    response = client.post(url, {"action": "pilots", "pilots": [park_pilot.pk, hanyin.pk]})
    assert response.status_code == 422
    assert "不属于「县（市、区）（附件3）」试点" in response.text
    assert not review_round.items.filter(pilot__in=[park_pilot, hanyin]).exists()
    assert client.post(url, {"action": "pilots", "pilots": [hanyin.pk]}).status_code == 302
    assert review_round.items.filter(pilot=hanyin).exists()


def test_officer_only_set_up(world, client_for, drc, finance, city_ankang):
    url = reverse("reviews:acceptance_setup", args=[world["round"].pk])
    for user in (drc, finance, city_ankang, world["experts"]["李"]):
        assert client_for(user).get(url).status_code == 404


# The panel -------------------------------------------------------------------------------------------
def submit_all(w, pilot_name="石泉"):
    for expert, values in zip(w["experts"].values(), ((36, 16, 40), (38, 18, 40), (40, 20, 40)), strict=True):
        services.scores_save(
            assignment=task(w["round"], w["pilots"][pilot_name], expert),
            by=expert,
            values=sheet(*values),
            opinion="同意。",
            submit=True,
        )


def test_the_panel_shows_each_pilots_grade_reason_and_calculation(world, client_for, drc):
    submit_all(world)
    page = client_for(drc).get(reverse("reviews:acceptance_panel", args=[world["round"].pk]))
    assert page.status_code == 200
    text = page.text
    # 石泉: trimmed means 38 + 18 + 40 = 96, bonus 2 → 98 优秀; 蓝田 has no sheet: 待定.
    assert "98.00" in text and "优秀：总分 98.00 ≥ 优秀分数线 90。" in text
    assert "总分 = 96.00 + 2.00 − 0.00 = 98.00" in text
    assert "待定：尚有3项指标无专家评分" in text and "无已提交的自评估" in text
    assert "评分进行中" in text
    # One pilot's page: every indicator with the experts' scores, the self-score and the aggregate.
    item = ReviewItem.objects.get(round=world["round"], pilot=world["pilots"]["石泉"])
    detail = client_for(drc).get(reverse("reviews:acceptance_item", args=[world["round"].pk, item.pk]))
    assert detail.status_code == 200
    assert "李专家 36.00" in detail.text and "38.00" in detail.text and "获国家级试点称号" in detail.text
    assert "申报 2 分，单项上限 2 分，计 2.00" in detail.text


def test_the_panel_is_closed_to_everyone_else(world, client_for, finance, city_ankang, applicant_county):
    url = reverse("reviews:acceptance_panel", args=[world["round"].pk])
    item = ReviewItem.objects.get(round=world["round"], pilot=world["pilots"]["石泉"])
    detail = reverse("reviews:acceptance_item", args=[world["round"].pk, item.pk])
    for user in (finance, city_ankang, applicant_county, world["experts"]["李"]):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.get(url + "?export=xlsx").status_code == 404
        assert client.get(detail).status_code == 404


def test_the_excel_export_has_typed_cells(world, client_for, province):
    submit_all(world)
    response = client_for(province).get(
        reverse("reviews:acceptance_panel", args=[world["round"].pk]) + "?export=xlsx"
    )
    book = export_checks.read_response(response)
    for name, table in book.items():
        export_checks.assert_well_formed(table, sheet=name, title_contains=world["round"].name)
    outcomes = book["验收结果"]
    assert list(outcomes.column("试点单位")) == ["蓝田县人民政府", "石泉县人民政府"]
    totals = list(outcomes.cells_of("总分"))
    assert totals[1].value == 98 and totals[1].data_type == "n"
    assert list(outcomes.column("拟定等次")) == ["待定", "优秀"]
    indicators = book["指标得分"]
    assert len(list(indicators.column("验收指标"))) == 6


def _panel_queries(client, review_round) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reviews:acceptance_panel", args=[review_round.pk])).status_code == 200
    return len(queries)


def test_the_panel_runs_a_fixed_number_of_queries(world, client_for, province):
    submit_all(world)
    item = ReviewItem.objects.get(round=world["round"], pilot=world["pilots"]["石泉"])
    site_visit_add(
        item=item,
        by=province,
        visited_on=datetime.date(2026, 11, 20),
        place="石泉县",
        notes="核查。",
        photos=[SimpleUploadedFile("a.png", PNG)],
    )
    client = client_for(province)
    small = _panel_queries(client, world["round"])
    # More pilots, sheets and visits: the same number of queries.
    submit_all(world, "蓝田")
    item2 = ReviewItem.objects.get(round=world["round"], pilot=world["pilots"]["蓝田"])
    for n in range(2):
        site_visit_add(
            item=item2,
            by=province,
            visited_on=datetime.date(2026, 11, 21),
            place=f"蓝田县{n}",
            notes="核查。",
            photos=[SimpleUploadedFile("b.png", PNG), SimpleUploadedFile("c.png", PNG)],
        )
    assert _panel_queries(client, world["round"]) == small


# Site visits -----------------------------------------------------------------------------------------
def test_an_assigned_expert_records_a_visit_with_photos_shown_on_the_panel(world, client_for, province):
    w = world
    expert = w["experts"]["李"]
    item = ReviewItem.objects.get(round=w["round"], pilot=w["pilots"]["石泉"])
    url = reverse("reviews:site_visit_new", args=[item.pk])
    client = client_for(expert)
    refused = client.post(
        url,
        {
            "visited_on": "2026-11-20",
            "place": "石泉县池河镇",
            "notes": "核查光伏电站。",
            "photos": [SimpleUploadedFile("照片.png", PDF_BYTES)],
        },
    )
    assert refused.status_code == 422 and "只接受 JPG、PNG 图片" in refused.text
    assert 'value="石泉县池河镇"' in refused.text and not SiteVisit.objects.exists()
    saved = client.post(
        url,
        {
            "visited_on": "2026-11-20",
            "place": "石泉县池河镇",
            "notes": "核查光伏电站。",
            "photos": [SimpleUploadedFile("照片.png", PNG)],
        },
    )
    assert saved.status_code == 302
    photo = SitePhoto.objects.get()
    assert (photo.visit.created_by, photo.content_type) == (expert, "image/png")
    # Shown to the province on the panel, and served through the permission check.
    panel = client_for(province).get(reverse("reviews:acceptance_panel", args=[w["round"].pk]))
    assert "1 次现场核查" in panel.text
    detail = client_for(province).get(reverse("reviews:acceptance_item", args=[w["round"].pk, item.pk]))
    assert "石泉县池河镇" in detail.text and reverse("reviews:site_photo", args=[photo.pk]) in detail.text
    mine = client.get(url_of(w))  # and on the expert's own task page
    assert "核查光伏电站。" in mine.text and reverse("reviews:site_photo", args=[photo.pk]) in mine.text
    served = client_for(province).get(reverse("reviews:site_photo", args=[photo.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    # An expert without a task on the pilot, or another pilot's expert: 404.
    outsider = pool_expert("周专家")
    assert client_for(outsider).get(reverse("reviews:site_photo", args=[photo.pk])).status_code == 404
    assert SecurityEvent.objects.filter(kind="denied").exists()


def test_the_officer_creates_an_acceptance_round_then_chooses_its_system(province, client_for):
    from applications.models import Batch
    from reviews.models import ReviewRound

    from ..factories import BatchFactory

    batch = BatchFactory(state=Batch.State.PUBLISHED)
    client = client_for(province)
    url = reverse("reviews:round_new") + "?purpose=acceptance"
    page = client.get(url)
    assert "新建验收评审轮次" in page.text and 'name="criteria_set"' not in page.text
    assert 'name="departure_threshold"' in page.text
    response = client.post(
        url,
        {
            "name": "首批试点验收评审",
            "batch": batch.pk,
            "experts_per_item": 5,
            "max_per_expert": 12,
            "scoring_deadline": "2026-12-20",
            "aggregation_method": "median",
            "disagreement_threshold": "15",
            "departure_threshold": "25",
        },
    )
    review_round = ReviewRound.objects.get(name="首批试点验收评审")
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:acceptance_setup", args=[review_round.pk])
    assert (review_round.purpose, review_round.departure_threshold, review_round.criteria_set) == (
        "acceptance",
        25,
        None,
    )
    system = small_system()
    chosen = client.post(
        reverse("reviews:acceptance_setup", args=[review_round.pk]), {"action": "system", "system": system.pk}
    )
    assert chosen.status_code == 302
    review_round.refresh_from_db()
    assert review_round.acceptance_system == system and review_round.criteria_set.criteria.count() == 3
    # The selection form is unchanged: no departure threshold.
    assert 'name="departure_threshold"' not in client.get(reverse("reviews:round_new")).text


def test_the_panel_shows_a_page_of_pilots_with_the_outcomes_of_the_whole_computation(
    world, client_for, province, monkeypatch
):
    """Pages of PANEL_PAGE_SIZE pilots (here 1): each page computes its own pilots only, and shows the same
    outcome as the round's computation over every pilot (acceptance_outcomes, read by the decision)."""
    from reviews import views_acceptance
    from reviews.results import acceptance_outcomes

    submit_all(world)
    monkeypatch.setattr(views_acceptance, "PANEL_PAGE_SIZE", 1)
    outcomes = acceptance_outcomes(world["round"])
    client = client_for(province)
    url = reverse("reviews:acceptance_panel", args=[world["round"].pk])
    seen = []
    for number in (1, 2):
        page = client.get(url, {"page": number}).text
        shown = [p for name, p in world["pilots"].items() if f'data-testid="outcome-{p.pk}"' in page]
        assert len(shown) == 1, number
        pilot = shown[0]
        seen.append(pilot.organisation.name)
        outcome = outcomes[pilot.pk]
        assert outcome.grade_label in page and outcome.reason in page
        assert 'data-total="2"' in page
    assert seen == ["蓝田县人民政府", "石泉县人民政府"]  # by city and name, across the pages
