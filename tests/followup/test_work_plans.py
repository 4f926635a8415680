"""Yearly work plans (年度工作方案): drafted by the pilot or its agency, filed by the pilot only, returned then
acknowledged by the pilot's city; one per pilot and year; targets and milestones from the ledger."""

import pytest

from core.errors import ActionNotPermitted, DomainError
from core.models import Notification
from followup import services
from followup.models import WorkPlan, WorkPlanDecision

from ..helpers import assert_audited, by_state, not_permitted, refused
from .conftest import THIS_YEAR, file_ledger, future

pytestmark = pytest.mark.django_db

TASKS = [
    {"task": "完成县域碳排放清单编制", "responsible_unit": "县生态环境分局", "deadline": future(60)},
    {"task": "推进屋顶光伏一期并网", "responsible_unit": "县发展和改革局", "deadline": future(120)},
]


def drafted(pilot, by, tasks=TASKS):
    work_plan = services.work_plan_create(pilot=pilot, year=THIS_YEAR, by=by)
    return services.work_plan_save(work_plan=work_plan, by=by, summary="围绕四项任务推进。", tasks=tasks)


def test_agency_drafts_but_only_the_pilot_files(delegated, agency, applicant_county, city_ankang):
    work_plan = drafted(delegated, agency)
    assert [t.task for t in work_plan.tasks.all()] == [t["task"] for t in TASKS]
    with not_permitted(work_plan):
        services.work_plan_transition(work_plan=work_plan, name="file", by=agency)
    services.work_plan_transition(work_plan=work_plan, name="file", by=applicant_county)
    work_plan.refresh_from_db()
    assert work_plan.state == WorkPlan.State.FILED
    assert_audited(work_plan, action="file", actor=applicant_county, from_state="draft", to_state="filed")
    assert Notification.objects.filter(recipient=city_ankang, kind="followup.work_plan_filed").count() == 1


def test_an_agency_not_delegated_by_the_pilot_cannot_draft(pilot, agency):
    with pytest.raises(ActionNotPermitted):
        services.work_plan_create(pilot=pilot, year=THIS_YEAR, by=agency)
    assert not WorkPlan.objects.exists()


def test_returned_then_acknowledged_by_the_city(pilot, applicant_county, city_ankang, city_xian):
    work_plan = drafted(pilot, applicant_county)
    services.work_plan_transition(work_plan=work_plan, name="file", by=applicant_county)
    with not_permitted(work_plan):  # another city's officer
        services.work_plan_transition(work_plan=work_plan, name="acknowledge", by=city_xian)
    with refused(work_plan, match="须填写理由"):
        services.work_plan_transition(work_plan=work_plan, name="return_plan", by=city_ankang)
    services.work_plan_transition(
        work_plan=work_plan, name="return_plan", by=city_ankang, reason="任务未分解到季度，请细化。"
    )
    work_plan.refresh_from_db()
    assert work_plan.state == WorkPlan.State.RETURNED
    assert Notification.objects.filter(
        recipient=applicant_county, kind="followup.work_plan_returned"
    ).exists()
    # returned: the pilot edits and files again; the city acknowledges
    services.work_plan_save(work_plan=work_plan, by=applicant_county, summary="细化到季度。", tasks=TASKS[:1])
    services.work_plan_transition(work_plan=work_plan, name="file", by=applicant_county)
    services.work_plan_transition(work_plan=work_plan, name="acknowledge", by=city_ankang)
    work_plan.refresh_from_db()
    assert work_plan.state == WorkPlan.State.ACKNOWLEDGED
    decisions = list(work_plan.decisions.values_list("kind", "reason", "decided_by"))
    assert decisions == [
        (WorkPlanDecision.Kind.RETURNED, "任务未分解到季度，请细化。", city_ankang.pk),
        (WorkPlanDecision.Kind.ACKNOWLEDGED, "", city_ankang.pk),
    ]
    assert_audited(
        work_plan, action="acknowledge", actor=city_ankang, from_state="filed", to_state="acknowledged"
    )
    with refused(work_plan, DomainError, match="不能修改"):
        services.work_plan_save(work_plan=work_plan, by=applicant_county, summary="x", tasks=TASKS)


def test_a_second_plan_for_the_same_year_is_refused(pilot, applicant_county):
    services.work_plan_create(pilot=pilot, year=THIS_YEAR, by=applicant_county)
    with pytest.raises(DomainError) as info:
        services.work_plan_create(pilot=pilot, year=THIS_YEAR, by=applicant_county)
    assert "已存在" in info.value.message and str(THIS_YEAR) in info.value.message
    assert WorkPlan.objects.filter(pilot=pilot).count() == 1


def test_a_plan_without_tasks_cannot_be_filed(pilot, applicant_county):
    work_plan = services.work_plan_create(pilot=pilot, year=THIS_YEAR, by=applicant_county)
    with refused(work_plan, match="至少填写一项年度任务"):
        services.work_plan_transition(work_plan=work_plan, name="file", by=applicant_county)


def test_a_year_outside_the_window_is_refused(pilot, applicant_county):
    # the pilot's batch is of this year; its construction ends in about two years
    for year in (THIS_YEAR - 1, THIS_YEAR + 2):
        with pytest.raises(DomainError, match="不在试点建设期内"):
            services.work_plan_create(pilot=pilot, year=year, by=applicant_county)
    assert not WorkPlan.objects.exists()


def test_targets_and_milestones_come_from_the_ledger_version_filed_against(pilot, applicant_county, province):
    file_ledger(pilot, province, number=1)
    work_plan = drafted(pilot, applicant_county)
    assert work_plan.ledger_version == 1
    assert work_plan.targets == [
        {
            "code": "forest-cover",
            "name": "森林覆盖率",
            "unit": "%",
            "binding": True,
            "base_year": 2022,
            "base_value": "45.2",
            "value": "46.5",
        }
    ]
    assert work_plan.milestones == [
        {
            "project": "屋顶分布式光伏",
            "task": work_plan.milestones[0]["task"],
            "location": "城关镇",
            "milestone": "完成一期20兆瓦并网",
        }
    ]
    file_ledger(pilot, province, number=2)  # an approved change: a new ledger version
    services.work_plan_transition(work_plan=work_plan, name="file", by=applicant_county)
    work_plan.refresh_from_db()
    assert work_plan.ledger_version == 2  # filing reads the ledger again


def test_filing_twice_is_refused_by_state(pilot, applicant_county):
    work_plan = drafted(pilot, applicant_county)
    services.work_plan_transition(work_plan=work_plan, name="file", by=applicant_county)
    with by_state(work_plan):
        services.work_plan_transition(work_plan=work_plan, name="file", by=applicant_county)


def test_the_city_dashboard_counts_the_filed_plans_awaiting_it(
    pilot, applicant_county, city_ankang, city_xian
):
    from dashboard.selectors import dashboard_for

    file_ledger(pilot, applicant_county)
    work_plan = drafted(pilot, applicant_county)
    before = {t.key: t.count for t in dashboard_for(city_ankang).tasks}
    assert "work_plans_to_decide" not in before
    assert {t.key: t.count for t in dashboard_for(applicant_county).tasks}["work_plans_to_file"] == 1
    services.work_plan_transition(work_plan=work_plan, name="file", by=applicant_county)
    tasks = {t.key: t for t in dashboard_for(city_ankang).tasks}
    assert tasks["work_plans_to_decide"].count == 1
    assert tasks["work_plans_to_decide"].url.endswith("?state=filed")
    assert "work_plans_to_decide" not in {t.key for t in dashboard_for(city_xian).tasks}
    assert "work_plans_to_file" not in {t.key for t in dashboard_for(applicant_county).tasks}
