"""The aggregation panel through the database, against numbers computed by hand (officer_setup.SHEETS),
and the exports: the Excel workbook and each expert's score sheet PDF."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import ReviewDocument, ReviewRound
from reviews.results import round_results
from reviews.tasks import render_document

from .. import export_checks
from .officer_setup import R, scored_round

pytestmark = pytest.mark.django_db

D = Decimal


def by_key(results, applications):
    rows = {r.item.application.pk: r for r in results.rows}
    return {key: rows[a.pk] for key, a in applications.items()}


def test_panel_numbers_match_the_hand_computation():
    review_round, applications, experts = scored_round()
    rows = by_key(round_results(review_round), applications)

    x = rows["X"]
    # 乙 marked B 不适用: A alone counts (100 × 7/10 = 70), never B as 0 (which would give 42).
    assert {e.label: e.total for e in x.experts} == {"专家甲": D(84), "专家乙": D(70), "专家丙": D(78)}
    assert x.statistics["mean"] == D("77.3333")
    assert x.statistics["median"] == D(78)
    assert x.statistics["trimmed_mean"] == D(78)
    assert x.statistics["range"] == D(14)
    assert x.result.zscore.quantize(D("0.01")) == D("79.97")
    assert dict((c.code, m) for c, m in x.criterion_means) == {"a": D(8), "b": D("7.5")}  # n/a excluded
    assert x.flags == []

    y = rows["Y"]
    assert (y.statistics["mean"], y.statistics["median"], y.statistics["trimmed_mean"]) == (
        D("76.6667"),
        D(76),
        D(76),
    )
    assert y.result.zscore.quantize(D("0.01")) == D("72.82")

    z = rows["Z"]
    assert (z.statistics["mean"], z.statistics["trimmed_mean"], z.statistics["range"]) == (
        D("74.6667"),
        D(78),
        D(46),
    )
    assert z.result.zscore.quantize(D("0.01")) == D("75.87")
    assert z.flags == ["专家评分极差46.0分，超过阈值20分"]


def test_a_tie_is_shown_as_a_tie_without_a_tie_break_chain():
    review_round, applications, _ = scored_round(tie_break=[])
    rows = by_key(round_results(review_round), applications)
    assert (rows["X"].ranked.rank, rows["Z"].ranked.rank, rows["Y"].ranked.rank) == (1, 1, 3)
    assert rows["X"].ranked.tied and rows["Z"].ranked.tied
    assert "须由审定会议决定" in rows["X"].ranked.note
    assert "未设决胜规则" in rows["X"].ranked.note


def test_the_published_tie_break_chain_separates_and_says_how():
    review_round, applications, _ = scored_round(tie_break=["median", "mean"])
    results = round_results(review_round)
    rows = by_key(results, applications)
    assert [r.item.application.pk for r in results.rows] == [applications[k].pk for k in ("X", "Z", "Y")]
    assert (rows["X"].ranked.rank, rows["Z"].ranked.rank) == (1, 2)
    assert not rows["X"].ranked.tied
    assert rows["X"].ranked.tie_break_used == ("mean",)
    assert "中位数78.00（未能区分）" in rows["X"].ranked.note
    assert "算术平均77.33（已区分）" in rows["X"].ranked.note


def test_zscore_method_ranks_by_the_normalised_score():
    review_round, applications, _ = scored_round(aggregation_method="zscore")
    results = round_results(review_round)
    assert [r.item.application.pk for r in results.rows] == [applications[k].pk for k in ("X", "Z", "Y")]
    assert [r.primary for r in results.rows] == [D("79.97"), D("75.87"), D("72.82")]


def test_the_panel_page_shows_the_numbers_side_by_side(province, client_for):
    review_round, applications, _ = scored_round()
    page = client_for(province).get(reverse("reviews:results", args=[review_round.pk])).text
    for number in ("77.33", "78.00", "79.97", "76.67", "72.82", "74.67", "75.87", "46.00"):
        assert number in page
    assert "并列" in page
    assert "专家评分极差46.0分，超过阈值20分" in page
    assert "各项均不适用" not in page  # 乙 has a total on X: only B was n/a


def test_an_incomplete_sheet_is_left_out_and_said_so():
    from reviews.models import Score

    review_round, applications, experts = scored_round()
    Score.objects.filter(
        assignment__expert=experts["丙"], assignment__item__application=applications["Y"], criterion__code="b"
    ).delete()
    results = round_results(review_round)
    assert any("专家丙对" in w and "未计入" in w for w in results.warnings)
    assert by_key(results, applications)["Y"].statistics["n"] == 2


def test_scores_stay_hidden_until_revealed(province, client_for):
    review_round, _, _ = scored_round(state=R.SCORING)
    client = client_for(province)
    page = client.get(reverse("reviews:results", args=[review_round.pk])).text
    assert "打分进度" in page
    assert "77.33" not in page
    assert client.get(reverse("reviews:results", args=[review_round.pk]) + "?export=xlsx").status_code == 404


def test_excel_export_has_every_score_comment_aggregate_and_rank(province, client_for):
    review_round, applications, _ = scored_round(tie_break=["median", "mean"])
    response = client_for(province).get(reverse("reviews:results", args=[review_round.pk]) + "?export=xlsx")
    book = export_checks.read_response(response)
    assert list(book) == ["汇总与排名", "评分明细", "专家综合意见"]

    ranking = book["汇总与排名"]
    export_checks.assert_well_formed(ranking, sheet="汇总与排名", title_contains=review_round.name)
    first = ranking.rows[0]
    assert first["序号"] == 1 and first["名次"] == 1
    assert first["申报单位"] == applications["X"].organisation.name
    assert first["主得分（去掉最高分和最低分后平均）"] == 78.0
    assert first["算术平均"] == 77.33
    assert first["专家z分数校正"] == 79.97
    assert first["减排成效均分（满分10）"] == 7.5
    assert [r["名次"] for r in ranking.rows] == [1, 2, 3]
    export_checks.assert_numbers(ranking, "名次", "0")
    export_checks.assert_numbers(ranking, "算术平均", "#,##0.00")
    export_checks.assert_numbers(ranking, "有效评分专家数", "0")

    details = book["评分明细"]
    export_checks.assert_well_formed(details, sheet="评分明细", title_contains="评分明细")
    assert details.header == [
        "序号",
        "申报单位",
        "评审专家",
        "评分项",
        "权重（分）",
        "满分",
        "得分",
        "不适用",
        "评语",
    ]
    assert len(details.rows) == 9 * 2  # nine sheets of two criteria
    na_row = next(r for r in details.rows if r["评审专家"] == "专家乙" and r["不适用"] == "是")
    assert na_row["申报单位"] == applications["X"].organisation.name and na_row["得分"] is None
    assert "专家甲对工作基础的评语" in details.column("评语")
    export_checks.assert_numbers(details, "得分", "#,##0.00")
    export_checks.assert_numbers(details, "权重（分）", "#,##0.00")

    opinions = book["专家综合意见"]
    export_checks.assert_well_formed(opinions, sheet="专家综合意见", title_contains="专家综合意见")
    assert len(opinions.rows) == 9
    export_checks.assert_datetimes(opinions, "提交时间", 'yyyy"年"m"月"d"日" hh:mm')


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_each_expert_gets_a_score_sheet_pdf_for_signature(
    province, client_for, django_capture_on_commit_callbacks
):
    review_round, applications, experts = scored_round(state=R.SCORING)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_transition(review_round=review_round, name="aggregate", by=province)
    documents = ReviewDocument.objects.filter(round=review_round, kind=ReviewDocument.Kind.SCORE_SHEET)
    assert documents.count() == 3 and all(d.file for d in documents)

    document = documents.get(expert=experts["乙"])
    assert render_document(document.pk) is False  # idempotent: rendered once, never again
    response = client_for(province).get(
        reverse("reviews:score_sheet", args=[review_round.pk, experts["乙"].pk])
    )
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    text = text.decode()
    assert "专家评分表" in text
    assert "专家乙" in text
    assert applications["X"].organisation.name in text
    assert "不适用" in text  # 乙 marked B n/a on X
    assert "70.00" in text and "80.00" in text and "50.00" in text  # 乙's totals on X, Y, Z
    assert "签字" in text


def test_an_expert_downloads_only_their_own_score_sheet(
    client_for, django_capture_on_commit_callbacks, province
):
    review_round, _, experts = scored_round(state=R.SCORING)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_transition(review_round=review_round, name="aggregate", by=province)
    own = client_for(experts["甲"]).get(
        reverse("reviews:score_sheet", args=[review_round.pk, experts["甲"].pk])
    )
    other = client_for(experts["甲"]).get(
        reverse("reviews:score_sheet", args=[review_round.pk, experts["乙"].pk])
    )
    assert own.status_code == 200
    assert other.status_code == 404


def test_score_sheets_are_not_requested_before_the_scores_are_revealed(province):
    review_round, _, _ = scored_round(state=R.SCORING)
    from core.errors import DomainError

    with pytest.raises(DomainError, match="评分揭示并汇总后"):
        services.score_sheets_request(review_round=review_round, by=province)
    assert not ReviewDocument.objects.filter(round=review_round).exists()
    assert ReviewRound.objects.get(pk=review_round.pk).state == R.SCORING
