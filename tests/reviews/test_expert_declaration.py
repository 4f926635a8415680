"""The expert's conflict declaration for a round: made from the applicants' names before any material
opens, once; a declared conflict releases a task already given and can never be overridden."""

import pytest
from django.urls import reverse

from core.errors import ActionNotPermitted
from core.models import Notification
from reviews import services
from reviews.models import Conflict, Declaration, ReviewAssignment

from ..factories import item_of
from ..helpers import audit_for, refused
from .expert_setup import R, in_review, make_pool_expert, move, pool_expert, scoring_round

pytestmark = pytest.mark.django_db

A = ReviewAssignment.State


@pytest.fixture
def setting(expert, province):
    """A round taking declarations, two applicants (石泉县 of 安康, 蓝田县 of 西安), a pool expert."""
    make_pool_expert(expert)
    review_round = scoring_round(state=R.DECLARING)
    return {
        "round": review_round,
        "shiquan": in_review(review_round, "610922"),
        "lantian": in_review(review_round, "610122"),
        "expert": expert,
        "province": province,
    }


def test_declaration_page_lists_applicant_names_only(setting, client_for):
    page = client_for(setting["expert"]).get(reverse("reviews:declare", args=[setting["round"].pk]))
    assert page.status_code == 200
    text = page.text
    assert "石泉县" in text and "蓝田县" in text
    for application in (setting["shiquan"], setting["lantian"]):  # no material: no detail, versions or PDF
        assert f"/applications/{application.pk}/" not in text


def test_expert_declares_no_conflict(setting, client_for):
    response = client_for(setting["expert"]).post(
        reverse("reviews:declare", args=[setting["round"].pk]), {"choice": "none", "pledge": "1"}
    )
    assert response.status_code == 302
    declaration = Declaration.objects.get(round=setting["round"], expert=setting["expert"])
    assert declaration.no_conflict
    assert not Conflict.objects.filter(expert=setting["expert"]).exists()
    entry = audit_for(setting["round"]).last()
    assert (entry.action, entry.actor_id, entry.data["no_conflict"]) == (
        "reviews.reviewround.declare",
        setting["expert"].pk,
        True,
    )


def test_expert_declares_conflicts_with_their_kind(setting, client_for):
    shiquan = setting["shiquan"]
    item = item_of(setting["round"], shiquan)
    response = client_for(setting["expert"]).post(
        reverse("reviews:declare", args=[setting["round"].pk]),
        {
            "choice": "conflict",
            "conflict": [str(item.pk)],
            f"kind-{item.pk}": Conflict.Kind.RELATIVE,
            f"detail-{item.pk}": "配偶在该县发改局任职",
            "pledge": "1",
        },
    )
    assert response.status_code == 302
    assert not Declaration.objects.get(round=setting["round"], expert=setting["expert"]).no_conflict
    conflict = Conflict.objects.get(expert=setting["expert"])
    assert (conflict.item.application_id, conflict.kind, conflict.source, conflict.detail) == (
        shiquan.pk,
        Conflict.Kind.RELATIVE,
        Conflict.Source.DECLARED,
        "配偶在该县发改局任职",
    )
    # The declaration is then shown read-only.
    page = client_for(setting["expert"]).get(reverse("reviews:declare", args=[setting["round"].pk])).text
    assert "近亲属关系" in page and 'name="choice"' not in page


def test_declared_conflict_releases_an_assignment_already_given(setting):
    review_round, expert = move(setting["round"], R.ASSIGNING), setting["expert"]
    shiquan, lantian = item_of(review_round, setting["shiquan"]), item_of(review_round, setting["lantian"])
    given = ReviewAssignment.objects.create(round=review_round, expert=expert, item=shiquan)
    kept = ReviewAssignment.objects.create(round=review_round, expert=expert, item=lantian)
    services.declaration_submit(
        review_round=review_round, by=expert, conflicts=[(shiquan.pk, Conflict.Kind.EMPLOYER, "")]
    )
    given.refresh_from_db()
    kept.refresh_from_db()
    assert given.state == A.DECLINED and "利益冲突" in given.decline_reason
    assert kept.state == A.ASSIGNED
    notice = Notification.objects.get(recipient=setting["province"], kind="assignment_declined")
    assert "重新分配" in notice.title and "石泉县" in notice.body
    assert audit_for(review_round).last().data["released"] == [given.pk]


def test_declaration_is_made_once(setting):
    services.declaration_submit(review_round=setting["round"], by=setting["expert"], conflicts=[])
    with refused(setting["round"], match="已完成本轮利益冲突申报"):
        services.declaration_submit(
            review_round=setting["round"],
            by=setting["expert"],
            conflicts=[(item_of(setting["round"], setting["shiquan"]).pk, Conflict.Kind.OTHER, "后来想起")],
        )
    assert not Conflict.objects.exists()


@pytest.mark.parametrize("state", [R.SETUP, R.AGGREGATED, R.DECIDED])
def test_declaration_refused_outside_the_declaring_stages(setting, state):
    review_round = move(setting["round"], state)
    with refused(review_round, match="不接受利益冲突申报"):
        services.declaration_submit(review_round=review_round, by=setting["expert"], conflicts=[])
    assert not Declaration.objects.exists()


@pytest.mark.parametrize(
    ("kind", "detail", "message"),
    [
        ("", "", "请为「石泉县人民政府」选择利益冲突类型"),
        ("cousin", "", "请为「石泉县人民政府」选择利益冲突类型"),
        (Conflict.Kind.OTHER, "  ", "冲突类型为“其他”，请说明具体情况"),
    ],
)
def test_a_conflict_needs_a_kind_and_other_needs_a_detail(setting, kind, detail, message):
    shiquan = setting["shiquan"]
    assert shiquan.organisation.name == "石泉县人民政府"
    with refused(setting["round"], match=message):
        services.declaration_submit(
            review_round=setting["round"],
            by=setting["expert"],
            conflicts=[(item_of(setting["round"], shiquan).pk, kind, detail)],
        )
    assert not Declaration.objects.exists() and not Conflict.objects.exists()


def test_an_applicant_outside_the_round_is_refused(setting):
    other_round = scoring_round(state=R.DECLARING)
    stranger = in_review(other_round)
    with refused(setting["round"], match="请刷新页面"):
        services.declaration_submit(
            review_round=setting["round"],
            by=setting["expert"],
            conflicts=[(item_of(other_round, stranger).pk, Conflict.Kind.EMPLOYER, "")],
        )
    assert not Declaration.objects.exists()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"pledge": "1"}, "请选择“无利益冲突”或“存在利益冲突”"),
        ({"choice": "conflict", "pledge": "1"}, "请勾选与您存在利益冲突的申报单位"),
        ({"choice": "none"}, "请勾选承诺"),
    ],
)
def test_the_form_must_be_consistent(setting, client_for, post, message):
    response = client_for(setting["expert"]).post(
        reverse("reviews:declare", args=[setting["round"].pk]), post
    )
    assert response.status_code == 200
    assert message in response.text
    assert not Declaration.objects.exists()


def test_no_conflict_with_ticked_applicants_is_refused(setting, client_for):
    response = client_for(setting["expert"]).post(
        reverse("reviews:declare", args=[setting["round"].pk]),
        {
            "choice": "none",
            "conflict": [str(item_of(setting["round"], setting["lantian"]).pk)],
            "pledge": "1",
        },
    )
    assert "您选择了“无利益冲突”，但勾选了申报单位" in response.text
    assert not Declaration.objects.exists()


def test_only_pool_experts_declare(setting, client_for):
    from ..factories import UserFactory

    review_round = setting["round"]
    not_in_pool = pool_expert("停用专家")
    not_in_pool.expert_profile.active = False
    not_in_pool.expert_profile.save()
    with refused(review_round, ActionNotPermitted):
        services.declaration_submit(review_round=review_round, by=not_in_pool, conflicts=[])
    for user in (not_in_pool, setting["province"], UserFactory()):
        assert client_for(user).get(reverse("reviews:declare", args=[review_round.pk])).status_code == 404


def test_declaring_revives_a_rule_conflict_an_officer_had_overridden(setting):
    review_round, expert, shiquan = setting["round"], setting["expert"], setting["shiquan"]
    rule = Conflict.objects.create(
        round=review_round,
        expert=expert,
        item=item_of(review_round, shiquan),
        kind=Conflict.Kind.SAME_CITY,
        source=Conflict.Source.RULE,
    )
    services.conflict_override(conflict=rule, by=setting["province"], reason="专家已调离安康市")
    services.declaration_submit(
        review_round=review_round,
        by=expert,
        conflicts=[(item_of(review_round, shiquan).pk, Conflict.Kind.SAME_CITY, "仍有合作项目")],
    )
    rule.refresh_from_db()
    assert rule.is_active and rule.source == Conflict.Source.DECLARED
    with refused(rule, match="不能排除"):
        services.conflict_override(conflict=rule, by=setting["province"], reason="再次排除")
