"""Conflicts of interest proposed by rule when the criteria are frozen; an override needs a logged reason;
a declared conflict is never overridden; an expert added later is checked before any assignment."""

import pytest
from django.urls import reverse

from core.errors import DomainError
from organisations.models import Organisation, ReviewUnit
from reviews import services
from reviews.models import Conflict

from ..factories import OrganisationFactory, item_of
from ..helpers import audit_for, refused
from .officer_setup import HANYIN, LANTIAN, SHIQUAN, in_review, make_round, pool_expert

pytestmark = pytest.mark.django_db
K = Conflict.Kind


@pytest.fixture
def setting(db):
    review_round = make_round()
    x = in_review(review_round, SHIQUAN)  # 石泉县, 安康市
    y = in_review(review_round, LANTIAN)  # 蓝田县, 西安市
    z = in_review(review_round, HANYIN)  # 汉阴县, 安康市
    agency = OrganisationFactory(name="陕西绿源碳咨询有限公司", kind=Organisation.Kind.AGENCY)
    y.delegated_agencies.add(agency)
    experts = {
        "county": pool_expert("同县专家", division_id=SHIQUAN, review_unit_id="610900"),
        "city": pool_expert("同市专家", review_unit=ReviewUnit.objects.get(pk="610900")),
        "employer": pool_expert("申报单位专家", employer_organisation=x.organisation),
        "agency": pool_expert("机构专家", employer_organisation=agency),
        "clean": pool_expert("无冲突专家"),
    }
    return review_round, {"X": x, "Y": y, "Z": z}, experts


def found(review_round):
    return set(review_round.conflicts.values_list("expert_id", "item__application_id", "kind"))


def test_rules_propose_county_city_employer_and_agency_conflicts(setting, province):
    review_round, apps, experts = setting
    services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    assert found(review_round) == {
        (experts["county"].pk, apps["X"].pk, K.SAME_COUNTY),
        (experts["county"].pk, apps["Z"].pk, K.SAME_CITY),
        (experts["city"].pk, apps["X"].pk, K.SAME_CITY),
        (experts["city"].pk, apps["Z"].pk, K.SAME_CITY),
        (experts["employer"].pk, apps["X"].pk, K.EMPLOYER),
        (experts["agency"].pk, apps["Y"].pk, K.AGENCY),
    }
    assert all(c.source == Conflict.Source.RULE for c in review_round.conflicts.all())
    assert audit_for(review_round).filter(action="reviews.reviewround.conflicts_proposed").exists()


def test_an_override_needs_a_reason_and_is_audited(setting, province):
    review_round, apps, experts = setting
    services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    conflict = review_round.conflicts.get(expert=experts["city"], item__application=apps["Z"])
    with refused(conflict, match="须填写理由"):
        services.conflict_override(conflict=conflict, by=province, reason="  ")
    services.conflict_override(conflict=conflict, by=province, reason="专家已于2024年调离安康市，现居西安。")
    conflict.refresh_from_db()
    assert not conflict.is_active and conflict.overridden_by == province
    entry = audit_for(review_round).get(action="reviews.reviewround.conflict_override")
    assert entry.reason == "专家已于2024年调离安康市，现居西安。"
    assert entry.actor == province and entry.data["item"] == conflict.item_id


def test_a_declared_conflict_cannot_be_overridden(setting, province):
    review_round, apps, experts = setting
    conflict = Conflict.objects.create(
        round=review_round,
        expert=experts["clean"],
        item=item_of(review_round, apps["Y"]),
        kind=K.RELATIVE,
        source=Conflict.Source.DECLARED,
    )
    with refused(conflict, match="专家本人声明的利益冲突不能排除"):
        services.conflict_override(conflict=conflict, by=province, reason="误报")


def test_the_override_form_refuses_an_empty_reason(setting, province, client_for):
    review_round, apps, experts = setting
    services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    conflict = review_round.conflicts.get(expert=experts["employer"])
    client = client_for(province)
    page = client.post(
        reverse("reviews:conflict_override", args=[review_round.pk, conflict.pk]), {"reason": ""}, follow=True
    ).text
    assert "排除利益冲突须填写理由" in page
    assert Conflict.objects.get(pk=conflict.pk).is_active
    page = client.get(reverse("reviews:conflicts", args=[review_round.pk])).text
    assert "专家就职于申报单位" in page and "申报单位专家" in page


def test_an_expert_added_after_freezing_is_checked_before_assignment(setting, province):
    review_round, apps, _ = setting
    services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    services.round_transition(review_round=review_round, name="close_declarations", by=province)
    late = pool_expert("后入库专家", division_id=LANTIAN, review_unit_id="610100")
    with pytest.raises(DomainError, match="存在利益冲突"):
        services.assignment_create(
            review_round=review_round, expert=late, item=item_of(review_round, apps["Y"]), by=province
        )
    assert not review_round.assignments.exists()  # refused, and nothing changed
    services.conflicts_refresh(review_round=review_round, by=province)
    assert review_round.conflicts.filter(
        expert=late, item__application=apps["Y"], kind=K.SAME_COUNTY
    ).exists()
