"""An acceptance round scores against one frozen version of an acceptance indicator system: choosing it
freezes the version and builds the round's criteria from its items; one kind of pilot per round; the
departure threshold is declared before scoring like the other published parameters; site visits are
recorded by the round's officer or an expert with an open task, on acceptance items only."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import ActionNotPermitted, DomainError
from indicators.models import AcceptanceSystem
from reviews import services
from reviews.acceptance import round_use_acceptance_system, site_visit_add
from reviews.models import Criterion, ReviewItem, ReviewRound, SiteVisit

from ..factories import PilotFactory, ReviewRoundFactory
from ..helpers import audit_for
from .acceptance_setup import P, acceptance_round, open_scoring, small_system, three_experts

pytestmark = pytest.mark.django_db


def test_choosing_the_system_freezes_it_and_builds_the_criteria(province):
    review_round, pilots, system = acceptance_round(province)
    system.refresh_from_db()
    assert system.is_frozen
    criteria = list(Criterion.objects.filter(criteria_set=review_round.criteria_set).order_by("order"))
    assert [(c.code, c.name, c.weight, c.scale_max, c.description) for c in criteria] == [
        ("t_co2", "碳排放强度下降率", 40, 40, "≥ 方案目标"),
        ("t_policy", "低碳政策制度", 20, 20, "≥3项"),
        ("t_lead", "试点领导机构", 40, 40, "成立并运行"),
    ]
    assert review_round.criteria_set.is_valid and review_round.acceptance_system == system
    assert audit_for(review_round).filter(action="reviews.reviewround.acceptance_system").exists()
    # The seeded county system (附件3 proposal) works the same way: 26 indicators worth 100 points.
    seeded = AcceptanceSystem.objects.get(kind="county", version=1)
    other = services.round_create(
        by=province,
        name="第二轮验收",
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        batch=review_round.batch,
        scoring_deadline=datetime.date.today() + datetime.timedelta(days=10),
    )
    other = round_use_acceptance_system(review_round=other, system=seeded, by=province)
    assert other.criteria_set.criteria.count() == 26 and other.criteria_set.is_valid


def test_the_system_is_chosen_by_the_officer_in_set_up_for_an_acceptance_round(province, drc):
    review_round, pilots, system = acceptance_round(province)
    with pytest.raises(ActionNotPermitted):
        round_use_acceptance_system(review_round=review_round, system=system, by=drc)
    selection = ReviewRoundFactory()
    with pytest.raises(DomainError, match="只有验收评审使用验收评价指标体系"):
        round_use_acceptance_system(review_round=selection, system=system, by=province)
    services.round_transition(review_round=review_round, name="freeze_criteria", by=province)
    with pytest.raises(DomainError, match="评分标准已冻结"):
        round_use_acceptance_system(review_round=review_round, system=small_system(version=2), by=province)


def test_one_kind_of_pilot_per_round(province, xian_hitech):
    review_round, pilots, county_system = acceptance_round(province)
    park_pilot = PilotFactory(
        batch=review_round.batch, organisation=xian_hitech, state=P.IN_ACCEPTANCE_REVIEW
    )
    with pytest.raises(DomainError, match="不属于「县（市、区）（附件3）」试点"):
        services.round_add_pilots(review_round=review_round, pilots=[park_pilot], by=province)
    # A park system for a round of county pilots is refused too.
    park_system = small_system(kind=AcceptanceSystem.Kind.PARK)
    fresh = services.round_create(
        by=province,
        name="园区验收",
        purpose=ReviewRound.Purpose.ACCEPTANCE,
        batch=review_round.batch,
        scoring_deadline=datetime.date.today() + datetime.timedelta(days=10),
    )
    services.round_add_pilots(review_round=fresh, pilots=[pilots["石泉"]], by=province)
    with pytest.raises(DomainError, match="石泉县人民政府不属于「园区（附件4）」试点"):
        round_use_acceptance_system(review_round=fresh, system=park_system, by=province)
    # Before any system, the pilots already in the round fix the kind.
    with pytest.raises(DomainError, match="西安高新技术产业开发区管委会不属于"):
        services.round_add_pilots(review_round=fresh, pilots=[park_pilot], by=province)


def test_the_departure_threshold_is_published_with_the_other_parameters(province):
    review_round, pilots, _ = acceptance_round(province, departure_threshold=15)
    assert review_round.departure_threshold == 15
    with pytest.raises(DomainError, match="偏离自评分说明阈值"):
        services.round_update(review_round=review_round, by=province, fields={"departure_threshold": 0})
    review_round = open_scoring(review_round, province, three_experts())
    with pytest.raises(DomainError, match="打分已开始"):
        services.round_update(review_round=review_round, by=province, fields={"departure_threshold": 30})


def test_site_visits_by_the_officer_or_an_expert_with_an_open_task(province, drc):
    review_round, pilots, _ = acceptance_round(province, experts_per_item=1)
    item = ReviewItem.objects.get(round=review_round, pilot=pilots["石泉"])
    fields = {"visited_on": datetime.date(2026, 11, 20), "place": "石泉县", "notes": "核查。"}
    with pytest.raises(ActionNotPermitted):  # the DRC reads the results but records nothing
        site_visit_add(item=item, by=drc, **fields)
    with pytest.raises(DomainError, match="请填写核查日期、地点和核查记录"):
        site_visit_add(item=item, by=province, **{**fields, "notes": " "})
    with pytest.raises(DomainError, match="只接受 JPG、PNG 图片"):
        site_visit_add(item=item, by=province, **fields, photos=[SimpleUploadedFile("x.png", b"%PDF-1.4 x")])
    assert not SiteVisit.objects.exists()  # a refusal stores nothing
    visit = site_visit_add(item=item, by=province, **fields)
    assert audit_for(review_round).filter(action="reviews.reviewround.site_visit").count() == 1
    assert visit.item == item
    selection_item = ReviewItem(round=ReviewRoundFactory())  # an application's item (none in a selection)
    with pytest.raises(DomainError, match="现场核查只用于验收评审"):
        site_visit_add(item=selection_item, by=province, **fields)


def test_the_acceptance_round_reminds_its_late_experts_as_selection_does(province):
    from core.models import Notification
    from reviews.reminders import scoring_deadline_reminders, scoring_overdue_reminders

    review_round, pilots, _ = acceptance_round(province)
    experts = three_experts()
    review_round = open_scoring(review_round, province, experts)
    deadline = review_round.scoring_deadline
    assert scoring_deadline_reminders(today=deadline - datetime.timedelta(days=3)) == 3
    reminder = Notification.objects.filter(recipient=experts[0], kind="deadline_scoring").get()
    assert "尚有2项评审任务未提交评分" in reminder.title
    assert "石泉县人民政府" in reminder.body and "蓝田县人民政府" in reminder.body
    # After the deadline: each late expert once, and the province told once.
    assert scoring_overdue_reminders(today=deadline + datetime.timedelta(days=1)) == 4
