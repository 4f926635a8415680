"""The dashboard is a to-do list: what waits for the user, with counts that match the pages they link
to, deadlines and overdue flags; then links to the rest. The province's many pilots and reports are
summarised, not listed. A fixed number of queries whatever the data size."""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Batch
from organisations.models import Organisation
from pilots.models import Pilot
from reports.models import AnnualReport
from reviews.models import Expert, Objection, ReviewAssignment, ReviewRound

from ..factories import (
    AnnualReportFactory,
    ApplicationFactory,
    BatchFactory,
    PilotFactory,
    ReviewAssignmentFactory,
    ReviewRoundFactory,
    county,
    item_of,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@dataclass
class Shown:
    key: str
    count: int
    url: str
    overdue: bool
    text: str


TASK = re.compile(
    r'<li class="todo-item(?P<overdue> is-overdue)?" data-testid="task" data-key="(?P<key>\w+)" '
    r'data-count="(?P<count>\d+)" data-url="(?P<url>[^"]+)">(?P<text>.*?)</li>',
    re.S,
)


def tasks_on(client) -> list[Shown]:
    html = client.get(reverse("dashboard:dashboard")).text
    return [
        Shown(m["key"], int(m["count"]), m["url"].replace("&amp;", "&"), bool(m["overdue"]), m["text"])
        for m in TASK.finditer(html)
    ]


def total_on(client, url: str) -> int:
    """The row count the linked list page states (its paginator's count)."""
    return int(re.search(r'data-testid="total" data-total="(\d+)"', client.get(url).text).group(1))


def counties(unit: str | None = None, n: int = 30):
    qs = Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("division_id")
    if unit:
        qs = qs.filter(review_unit_id=unit)
    return list(qs[:n])


def past(days: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=days)


# Applicant ---------------------------------------------------------------------------------------
def test_applicant_sees_drafts_with_the_batch_deadline_returns_and_batches_not_started(
    applicant_county, client_for
):
    shiquan = county("610922")
    soon = BatchFactory(name="2026年第一批", application_deadline=TODAY() + datetime.timedelta(days=5))
    ApplicationFactory(batch=soon, organisation=shiquan, state=Application.State.DRAFT)
    late = BatchFactory(name="过期批次", application_deadline=past(2), forwarding_deadline=past(1))
    ApplicationFactory(batch=late, organisation=shiquan, state=Application.State.RETURNED)
    untouched = BatchFactory(name="2027年批次")
    ApplicationFactory(batch=soon, organisation=county("610122"), state=Application.State.DRAFT)  # not ours

    client = client_for(applicant_county)
    shown = {t.key: t for t in tasks_on(client)}
    assert shown["drafts"].count == 1 and "2026年第一批" in shown["drafts"].text
    assert "剩 5 天" in shown["drafts"].text and not shown["drafts"].overdue
    assert shown["returned"].count == 1 and shown["returned"].overdue
    assert total_on(client, shown["drafts"].url) == 1
    assert total_on(client, shown["returned"].url) == 1
    assert shown["open_batch"].url == reverse("applications:create") + f"?batch={untouched.pk}"
    assert (
        f'<a class="todo-title" href="{shown["open_batch"].url}">2027年批次</a>' in shown["open_batch"].text
    )
    # Overdue first.
    assert tasks_on(client)[0].key == "returned"


def test_applicant_with_nothing_waiting_is_told_so(applicant_county, client_for):
    html = client_for(applicant_county).get(reverse("dashboard:dashboard")).text
    assert 'data-testid="no-tasks"' in html


# City --------------------------------------------------------------------------------------------
def test_city_counts_what_to_screen_and_forward_per_batch_with_the_forwarding_deadline(
    city_ankang, client_for
):
    batch = BatchFactory(state=Batch.State.CITY_SCREENING, forwarding_deadline=past(1))
    ankang = counties("610900", 6)
    for org in ankang[:4]:
        ApplicationFactory(batch=batch, organisation=org, state=Application.State.SUBMITTED)
    ApplicationFactory(batch=batch, organisation=ankang[4], state=Application.State.RECOMMENDED)
    ApplicationFactory(batch=batch, organisation=county("610122"), state=Application.State.SUBMITTED)  # 西安

    client = client_for(city_ankang)
    shown = {t.key: t for t in tasks_on(client)}
    submitted = Application.objects.filter(
        state=Application.State.SUBMITTED, organisation__review_unit_id="610900"
    ).count()
    assert shown["to_screen"].count == submitted == 4 == total_on(client, shown["to_screen"].url)
    assert shown["to_screen"].overdue
    assert reverse("applications:city_screening", args=[batch.pk]) in shown["to_screen"].text
    assert shown["to_forward"].count == 1 == total_on(client, shown["to_forward"].url)


# Province ----------------------------------------------------------------------------------------
def test_province_dashboard_summarises_pilots_and_reports_with_counts_not_a_wall(province, client_for):
    pilot_batch = BatchFactory(state=Batch.State.PUBLISHED)
    orgs = counties(n=25)
    for org in orgs[:21]:
        pilot = PilotFactory(batch=pilot_batch, organisation=org, state=Pilot.State.IMPLEMENTING)
        AnnualReportFactory(pilot=pilot, state=AnnualReport.State.RECEIVED)
    for org in orgs[21:24]:
        pilot = PilotFactory(batch=pilot_batch, organisation=org, state=Pilot.State.PLAN_SUBMITTED)
        AnnualReportFactory(pilot=pilot, state=AnnualReport.State.SUBMITTED)
    batch = BatchFactory(state=Batch.State.PROVINCIAL_REVIEW)
    for org in orgs[:2]:
        ApplicationFactory(batch=batch, organisation=org, state=Application.State.FORWARDED)
    review_round = ReviewRoundFactory(batch=batch, state=ReviewRound.State.SCORING)
    decided = ReviewRoundFactory(state=ReviewRound.State.DECIDED)
    shortlisted = ApplicationFactory(batch=batch, organisation=orgs[5], state=Application.State.IN_PUBLICITY)
    for outcome in (Objection.Outcome.PENDING, Objection.Outcome.PENDING, Objection.Outcome.DISMISSED):
        Objection.objects.create(
            item=item_of(review_round, shortlisted),
            received_on=TODAY(),
            objector="某单位",
            contact="029-1",
            content="异议",
            outcome=outcome,
            recorded_by=province,
        )

    client = client_for(province)
    html = client.get(reverse("dashboard:dashboard")).text
    shown = {t.key: t for t in tasks_on(client)}
    assert shown["to_check"].count == 2 == total_on(client, shown["to_check"].url)
    assert shown["plans_to_file"].count == 3 == total_on(client, shown["plans_to_file"].url)
    assert shown["reports_to_receive"].count == 3 == total_on(client, shown["reports_to_receive"].url)
    assert shown["objections"].count == 2
    assert shown["objections"].url == reverse("reviews:publicity", args=[review_round.pk])
    assert shown["rounds"].count == 1 and review_round.name in shown["rounds"].text
    assert decided.name not in shown["rounds"].text
    # No wall: the implementing pilots are not listed one by one on the dashboard.
    assert orgs[0].name not in html
    assert reverse("pilots:list") in html and reverse("reports:list") in html


# Finance -----------------------------------------------------------------------------------------
def test_finance_counts_the_proposals_waiting_for_its_confirmation(finance, province, client_for):
    batch = BatchFactory(state=Batch.State.PROVINCIAL_REVIEW)
    review_round = ReviewRoundFactory(batch=batch, state=ReviewRound.State.AGGREGATED)
    orgs = counties(n=5)
    for org in orgs[:3]:
        ApplicationFactory(
            batch=batch, organisation=org, state=Application.State.REVIEWED, decision_proposal="shortlist"
        )
    ApplicationFactory(batch=batch, organisation=orgs[3], state=Application.State.REVIEWED)  # not proposed
    ApplicationFactory(
        batch=batch, organisation=orgs[4], state=Application.State.SHORTLISTED, decision_proposal="shortlist"
    )  # already confirmed

    shown = {t.key: t for t in tasks_on(client_for(finance))}
    assert shown["to_confirm"].count == 3
    assert shown["to_confirm"].url == reverse("reviews:confirmations", args=[review_round.pk])


# Expert ------------------------------------------------------------------------------------------
def test_expert_sees_declaration_and_scoring_tasks_with_deadline_and_overdue(expert, client_for):
    Expert.objects.create(user=expert, name="王志刚", employer="西安交通大学")
    late = ReviewRoundFactory(state=ReviewRound.State.SCORING, scoring_deadline=past(3))
    orgs = counties(n=3)
    for org in orgs:
        application = ApplicationFactory(
            batch=late.batch, organisation=org, state=Application.State.IN_EXPERT_REVIEW
        )
        ReviewAssignmentFactory(round=late, expert=expert, application=application)
    ReviewAssignment.objects.filter(item__application__organisation=orgs[2]).update(
        state=ReviewAssignment.State.SUBMITTED
    )
    declaring = ReviewRoundFactory(state=ReviewRound.State.DECLARING)

    shown = {t.key: t for t in tasks_on(client_for(expert))}
    assert shown["score"].count == 2 and shown["score"].overdue
    assert orgs[0].name in shown["score"].text and orgs[2].name not in shown["score"].text
    assert shown["declare"].url == reverse("reviews:declare", args=[declaring.pk])


# DRC ---------------------------------------------------------------------------------------------
def test_drc_sees_acceptance_items(drc, client_for):
    batch = BatchFactory(state=Batch.State.PUBLISHED)
    orgs = counties(n=3)
    PilotFactory(batch=batch, organisation=orgs[0], state=Pilot.State.ACCEPTANCE_FORWARDED)
    PilotFactory(batch=batch, organisation=orgs[1], state=Pilot.State.IN_ACCEPTANCE_REVIEW)
    PilotFactory(batch=batch, organisation=orgs[2], state=Pilot.State.IMPLEMENTING)
    client = client_for(drc)
    shown = {t.key: t for t in tasks_on(client)}
    assert shown["acceptance_forwarded"].count == 1 == total_on(client, shown["acceptance_forwarded"].url)
    assert shown["in_acceptance_review"].count == 1 == total_on(client, shown["in_acceptance_review"].url)


# Query count -------------------------------------------------------------------------------------
class World:
    """Work for every role, grown in steps: each step adds one of everything on distinct counties."""

    def __init__(self, expert):
        self.counties = iter(counties(n=120))
        self.ankang = iter(counties("610900", 40))
        self.expert = expert
        Expert.objects.create(user=expert, name="王志刚", employer="西安交通大学")
        self.batch = BatchFactory(state=Batch.State.PROVINCIAL_REVIEW)
        self.pilot_batch = BatchFactory(state=Batch.State.PUBLISHED)
        self.round = ReviewRoundFactory(batch=self.batch, state=ReviewRound.State.SCORING)

    def grow(self, n: int) -> None:
        for _ in range(n):
            org = next(self.counties)
            ApplicationFactory(batch=self.batch, organisation=org, state=Application.State.FORWARDED)
            ApplicationFactory(organisation=org, state=Application.State.DRAFT)
            ApplicationFactory(
                batch=self.batch, organisation=next(self.ankang), state=Application.State.SUBMITTED
            )
            reviewed = ApplicationFactory(
                batch=self.batch,
                organisation=next(self.counties),
                state=Application.State.REVIEWED,
                decision_proposal="shortlist",
            )
            ReviewAssignmentFactory(round=self.round, expert=self.expert, application=reviewed)
            pilot = PilotFactory(batch=self.pilot_batch, organisation=org, state=Pilot.State.PLAN_SUBMITTED)
            AnnualReportFactory(pilot=pilot, state=AnnualReport.State.SUBMITTED)
            PilotFactory(organisation=next(self.counties), state=Pilot.State.ACCEPTANCE_FORWARDED)
            ReviewRoundFactory(state=ReviewRound.State.DECLARING)


def _queries(client) -> tuple[int, list[Shown]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboard:dashboard"))
    assert response.status_code == 200
    return len(captured), tasks_on(client)


@pytest.mark.parametrize("persona", ["province", "finance", "drc", "city_ankang", "expert", "agency"])
def test_dashboard_runs_the_same_number_of_queries_for_small_and_large_data(
    persona, request, expert, client_for, django_assert_num_queries
):
    user = request.getfixturevalue(persona)
    world = World(expert)
    client = client_for(user)
    world.grow(2)
    client.get(reverse("dashboard:dashboard"))  # warm the session and content types
    small, shown_small = _queries(client)
    world.grow(8)
    with django_assert_num_queries(small):
        client.get(reverse("dashboard:dashboard"))
    shown_large = tasks_on(client)
    if persona != "agency":  # the agency has no delegations: it shows that nothing waits
        assert sum(t.count for t in shown_large) > sum(t.count for t in shown_small)


# Menus -------------------------------------------------------------------------------------------
MENUS = {
    "applicant_county": {
        "awards",
        "showcase",
        "acceptance",
        "work_plans",
        "followup_visits",
        "guidance",
        "dashboard",
        "applications",
        "pilots",
        "reports",
        "dispatches",
    },
    "agency": {
        "showcase",
        "acceptance",
        "work_plans",
        "followup_visits",
        "guidance",
        "dashboard",
        "applications",
        "pilots",
        "reports",
        "dispatches",
    },
    "city_ankang": {
        "awards",
        "acceptance",
        "work_plans",
        "followup_visits",
        "guidance",
        "dashboard",
        "applications",
        "pilots",
        "reports",
        "dispatches",
        "plans",
    },
    "province": {
        "awards",
        "acceptance",
        "work_plans",
        "followup_visits",
        "guidance",
        "guidance_groups",
        "dashboard",
        "applications",
        "pilots",
        "reports",
        "dispatches",
        "plans",
        "reviews",
        "batches",
        "disqualification",
        "acceptance_systems",
        "showcase_review",
        "naming",
    },
    "finance": {
        "awards",
        "acceptance",
        "work_plans",
        "followup_visits",
        "guidance",
        "dashboard",
        "applications",
        "pilots",
        "reports",
        "dispatches",
        "plans",
        "reviews",
        "acceptance_systems",
    },
    "drc": {
        "acceptance",
        "work_plans",
        "followup_visits",
        "guidance",
        "dashboard",
        "pilots",
        "reports",
        "dispatches",
        "plans",
        "reviews",
        "acceptance_systems",
        "naming",
    },
    "expert": {"dashboard", "my_assignments", "guidance_groups"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", list(MENUS))
def test_menu_offers_only_what_the_role_can_use(persona, request, client_for):
    user = request.getfixturevalue(persona)
    html = client_for(user).get(reverse("dashboard:dashboard")).text
    assert set(re.findall(r'data-menu="(\w+)"', html)) == MENUS[persona]


def test_every_menu_item_opens_for_its_role(request, client_for):
    for persona in MENUS:
        user = request.getfixturevalue(persona)
        client = client_for(user)
        html = client.get(reverse("dashboard:dashboard")).text
        for url in re.findall(r'href="([^"]+)" data-menu="\w+"', html):
            assert client.get(url).status_code == 200, (persona, url)
