"""Round set-up: criteria (weights total 100, frozen once the review starts), the declared aggregation
method and tie-break chain (fixed once scoring opens), and the officer's forms."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from reviews import services
from reviews.models import CriteriaSet, Criterion, ReviewRound

from ..factories import BatchFactory
from ..helpers import audit_for, refused
from .officer_setup import R, make_round, two_criteria

pytestmark = pytest.mark.django_db

ROWS = [
    {"code": "a", "name": "工作基础", "weight": "60", "scale_max": 10, "description": "", "levels": []},
    {"code": "b", "name": "减排成效", "weight": "40", "scale_max": 10, "allow_na": True, "levels": []},
]


def test_criteria_whose_weights_do_not_total_100_are_refused(province):
    criteria_set = two_criteria()
    rows = [dict(ROWS[0], weight="60"), dict(ROWS[1], weight="35")]
    with refused(criteria_set, match="各指标权重合计须为100（当前为95）"):
        services.criteria_replace(criteria_set=criteria_set, by=province, rows=rows)
    assert sorted(criteria_set.criteria.values_list("weight", flat=True)) == [Decimal(40), Decimal(60)]


def test_criteria_are_replaced_and_audited_while_not_frozen(province):
    criteria_set = two_criteria()
    rows = [dict(ROWS[0], weight="70"), dict(ROWS[1], weight="30")]
    services.criteria_replace(criteria_set=criteria_set, by=province, rows=rows)
    assert dict(criteria_set.criteria.values_list("code", "weight")) == {"a": Decimal(70), "b": Decimal(30)}
    assert audit_for(criteria_set).last().action_label == "修改评分标准"


def test_criteria_cannot_change_once_the_round_has_frozen_them(province):
    review_round = make_round()
    services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    criteria_set = CriteriaSet.objects.get(pk=review_round.criteria_set_id)
    assert criteria_set.frozen_at is not None
    with refused(criteria_set, match="评分标准已冻结"):
        services.criteria_replace(criteria_set=criteria_set, by=province, rows=ROWS)
    other = two_criteria()
    with refused(review_round, match="评分标准已冻结，不能更换"):
        services.round_update(review_round=review_round, by=province, fields={"criteria_set": other})


def test_a_frozen_set_gets_a_new_version_to_edit(province):
    review_round = make_round()
    services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    old = CriteriaSet.objects.get(pk=review_round.criteria_set_id)
    new = services.criteria_set_create(by=province, name=old.name, purpose=old.purpose, copy_from=old)
    assert new.version == old.version + 1 and new.frozen_at is None
    assert list(new.criteria.values_list("code", "weight")) == list(
        old.criteria.values_list("code", "weight")
    )
    services.criteria_replace(criteria_set=new, by=province, rows=ROWS)  # editable


def test_the_round_cannot_freeze_invalid_criteria(province):
    criteria_set = two_criteria()
    Criterion.objects.filter(criteria_set=criteria_set, code="b").update(weight=30)
    review_round = make_round(criteria_set=criteria_set)
    with refused(review_round, code="state", match="权重合计为100"):
        services.round_transition(review_round=review_round, name="freeze_criteria", by=province)


@pytest.mark.parametrize("state", [R.SCORING, R.AGGREGATED])
def test_the_declared_method_cannot_change_once_scoring_has_opened(province, state):
    review_round = make_round(state=state, aggregation_method="trimmed_mean")
    for fields in ({"aggregation_method": "mean"}, {"tie_break": ["median"]}, {"disagreement_threshold": 10}):
        with refused(review_round, match="汇总方法、同分排序规则和分歧阈值已公布"):
            services.round_update(review_round=review_round, by=province, fields=fields)


def test_the_method_may_change_before_scoring(province):
    review_round = make_round(state=R.ASSIGNING)
    services.round_update(
        review_round=review_round, by=province, fields={"aggregation_method": "median", "tie_break": ["mean"]}
    )
    review_round.refresh_from_db()
    assert (review_round.aggregation_method, review_round.tie_break) == ("median", ["mean"])
    assert AuditEntry.objects.filter(
        action="reviews.reviewround.edit", object_id=str(review_round.pk)
    ).exists()


@pytest.mark.parametrize(
    ("tie_break", "message"),
    [(["trimmed_mean"], "与主排序方法相同"), (["best"], "未知的决胜规则"), (["mean", "mean"], "重复")],
)
def test_an_invalid_tie_break_chain_is_refused(province, tie_break, message):
    review_round = make_round(aggregation_method="trimmed_mean")
    with refused(review_round, match=message):
        services.round_update(review_round=review_round, by=province, fields={"tie_break": tie_break})


def test_the_officer_creates_a_round_from_the_form(province, client_for):
    batch = BatchFactory(state="provincial_review")
    criteria_set = two_criteria()
    response = client_for(province).post(
        reverse("reviews:round_new"),
        {
            "name": "第三批遴选评审",
            "batch": batch.pk,
            "criteria_set": criteria_set.pk,
            "experts_per_item": 5,
            "max_per_expert": 12,
            "scoring_deadline": "2026-12-20",
            "aggregation_method": "trimmed_mean",
            "tie_break": "median, criterion:a，min",
            "disagreement_threshold": "15",
        },
    )
    review_round = ReviewRound.objects.get(name="第三批遴选评审")
    assert response.status_code == 302
    assert review_round.tie_break == ["median", "criterion:a", "min"]
    assert review_round.purpose == "selection"
    assert audit_for(review_round).first().action == "reviews.reviewround.create"


def test_the_criteria_form_reports_weights_not_totalling_100(province, client_for):
    criteria_set = two_criteria()
    data = {"c-TOTAL_FORMS": "2", "c-INITIAL_FORMS": "2", "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "1000"}
    for i, (code, weight) in enumerate([("a", "50"), ("b", "40")]):
        data |= {
            f"c-{i}-code": code,
            f"c-{i}-name": f"评分项{code}",
            f"c-{i}-weight": weight,
            f"c-{i}-scale_max": "10",
        }
    data["c-1-levels"] = "9–10：优\n0–8：一般"
    response = client_for(province).post(
        reverse("reviews:criteria_edit", args=[criteria_set.pk]), data, follow=True
    )
    assert "各指标权重合计须为100（当前为90）" in response.text
    assert dict(criteria_set.criteria.values_list("code", "weight")) == {"a": Decimal(60), "b": Decimal(40)}
    data["c-0-weight"] = "60"
    client_for(province).post(reverse("reviews:criteria_edit", args=[criteria_set.pk]), data)
    assert criteria_set.criteria.get(code="b").levels == [
        {"range": "9–10", "text": "优"},
        {"range": "0–8", "text": "一般"},
    ]
