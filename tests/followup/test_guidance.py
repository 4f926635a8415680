"""Expert guidance groups (帮扶指导): conflicts of interest respected, visits recorded and answered."""

import pytest

from core.errors import ActionNotPermitted, DomainError
from followup import services
from followup.conflicts import pilot_conflicts
from followup.models import GuidanceGroup, GuidanceVisit
from reviews.models import Conflict

from .conftest import THIS_YEAR, past

pytestmark = pytest.mark.django_db


def group_of(province, *experts, name="第一帮扶指导组"):
    return services.group_create(name=name, year=THIS_YEAR, experts=experts, by=province)


def test_the_rules_of_review_applied_to_a_pilot(
    pilot, expert_far, expert_same_city, expert_same_county, agency_org
):
    assert pilot_conflicts(expert_far, pilot) == []
    assert [c.kind for c in pilot_conflicts(expert_same_city, pilot)] == [Conflict.Kind.SAME_CITY]
    assert [c.kind for c in pilot_conflicts(expert_same_county, pilot)] == [Conflict.Kind.SAME_COUNTY]
    expert_far.employer_organisation = agency_org
    pilot.delegated_agencies.add(agency_org)
    assert [c.kind for c in pilot_conflicts(expert_far, pilot)] == [Conflict.Kind.AGENCY]
    expert_far.employer_organisation = pilot.organisation
    assert Conflict.Kind.EMPLOYER in [c.kind for c in pilot_conflicts(expert_far, pilot)]


def test_a_conflicted_expert_cannot_join_a_group_assigned_to_the_pilot(
    pilot, province, expert_far, expert_same_county
):
    group = group_of(province, expert_far)
    services.group_assign_pilot(group=group, pilot=pilot, by=province)
    with pytest.raises(DomainError) as info:
        services.group_add_expert(group=group, expert=expert_same_county, by=province)
    assert "张石泉" in info.value.message and str(Conflict.Kind.SAME_COUNTY.label) in info.value.message
    assert list(group.experts.all()) == [expert_far]


def test_a_group_with_a_conflicted_expert_cannot_be_assigned_to_the_pilot(
    pilot, xian_pilot, province, expert_far, expert_same_city
):
    group = group_of(province, expert_far, expert_same_city)
    with pytest.raises(DomainError) as info:
        services.group_assign_pilot(group=group, pilot=pilot, by=province)
    assert "李安康" in info.value.message and str(Conflict.Kind.SAME_CITY.label) in info.value.message
    assert not group.pilots.exists()
    with pytest.raises(DomainError, match="王立新"):  # 王立新 is of 西安, like 蓝田县
        services.group_assign_pilot(group=group, pilot=xian_pilot, by=province)


def test_only_the_province_forms_groups(city_ankang, expert_far):
    with pytest.raises(ActionNotPermitted):
        services.group_create(name="组", year=THIS_YEAR, experts=[expert_far], by=city_ankang)
    assert not GuidanceGroup.objects.exists()


def test_a_group_expert_records_a_visit_and_the_pilot_responds(
    pilot, province, expert_far, other_expert, applicant_county, city_ankang
):
    group = group_of(province, expert_far)
    services.group_assign_pilot(group=group, pilot=pilot, by=province)
    with pytest.raises(ActionNotPermitted):
        services.guidance_visit_record(
            group=group,
            pilot=pilot,
            by=other_expert.user,
            kind="visit",
            visit_date=past(1),
            experts=[expert_far],
            advice="建议",
        )
    with pytest.raises(DomainError, match="本组专家"):
        services.guidance_visit_record(
            group=group,
            pilot=pilot,
            by=expert_far.user,
            kind="visit",
            visit_date=past(1),
            experts=[other_expert],
            advice="建议",
        )
    visit = services.guidance_visit_record(
        group=group,
        pilot=pilot,
        by=expert_far.user,
        kind=GuidanceVisit.Kind.VISIT,
        visit_date=past(1),
        experts=[expert_far],
        advice="建议补充分行业能源消费数据。",
    )
    assert visit.recorded_by_id == expert_far.user_id
    with pytest.raises(ActionNotPermitted):
        services.guidance_visit_respond(visit=visit, by=city_ankang, response="x")
    services.guidance_visit_respond(visit=visit, by=applicant_county, response="已补充。")
    visit.refresh_from_db()
    assert visit.response == "已补充。" and visit.responded_at is not None
