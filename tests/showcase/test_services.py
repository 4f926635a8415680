"""The showcase's services: who drafts, submits and decides; only accepted pilots; decisions are rows;
editing a published page leaves the published version public until the new one is approved."""

import pytest

from core.errors import ActionNotPermitted, DomainError
from pilots.models import Pilot
from reports.models import AnnualReport, TypicalCase
from showcase import selectors, services
from showcase.models import ShowcaseDecision, ShowcaseVersion

from ..factories import PilotFactory, county
from ..helpers import audit_for
from .conftest import publish, received_report, write_page

pytestmark = pytest.mark.django_db
State = ShowcaseVersion.State


def test_the_pilot_drafts_submits_and_the_province_publishes(accepted, sources, applicant_county, province):
    version = write_page(accepted, applicant_county, sources)
    assert version.state == State.DRAFT
    version = services.showcase_transition(version=version, name="submit", by=applicant_county)
    assert version.state == State.SUBMITTED and version.submitted_at
    version = services.showcase_transition(version=version, name="publish", by=province)
    assert version.state == State.PUBLISHED and version.published_at
    decision = ShowcaseDecision.objects.get(version=version)
    assert (decision.kind, decision.decided_by) == (ShowcaseDecision.Kind.PUBLISHED, province)
    actions = [e.action for e in audit_for(version)]
    assert actions[:4] == [
        "showcase.showcaseversion.create",
        "showcase.showcaseversion.edit",
        "showcase.showcaseversion.submit",
        "showcase.showcaseversion.publish",
    ]
    assert selectors.public_version(accepted.pk) == version


def test_figures_and_cases_are_copied_from_the_report_when_chosen(accepted, sources, applicant_county):
    _report, actual, typical = sources
    version = write_page(accepted, applicant_county, sources)
    figure, case = version.figures.get(), version.cases.get()
    assert (figure.actual, figure.value, figure.name, figure.unit, figure.year) == (
        actual,
        actual.value,
        "森林覆盖率",
        "%",
        2025,
    )
    assert (case.source, case.title, case.text) == (typical, typical.title, typical.text)
    TypicalCase.objects.filter(pk=typical.pk).update(text="后来改过的文字")
    services.showcase_save(
        version=version,
        by=applicant_county,
        title="标题",
        summary="正文",
        actual_ids=[actual.pk],
        case_ids=[typical.pk],
    )
    assert version.cases.get().text == case.text  # the copy approved is the copy made when chosen


def test_a_pilot_not_accepted_cannot_have_a_page(shiquan, applicant_county):
    pilot = PilotFactory(organisation=shiquan, state=Pilot.State.IMPLEMENTING)
    with pytest.raises(DomainError, match="已通过验收并命名"):
        services.showcase_draft(pilot=pilot, by=applicant_county)


def test_another_pilots_staff_and_the_city_cannot_draft(accepted, applicant_xian, city_ankang):
    for user in (applicant_xian, city_ankang):
        with pytest.raises(ActionNotPermitted):
            services.showcase_draft(pilot=accepted, by=user)


def test_the_entrusted_agency_drafts_but_the_pilot_submits(
    accepted, sources, agency, agency_org, applicant_county
):
    accepted.delegated_agencies.add(agency_org)
    version = write_page(accepted, agency, sources)
    assert version.title and version.figures.count() == 1
    with pytest.raises(ActionNotPermitted):
        services.showcase_transition(version=version, name="submit", by=agency)
    assert (
        services.showcase_transition(version=version, name="submit", by=applicant_county).state
        == State.SUBMITTED
    )


def test_only_the_province_decides(accepted, sources, applicant_county, city_ankang, finance):
    version = write_page(accepted, applicant_county, sources)
    services.showcase_transition(version=version, name="submit", by=applicant_county)
    for user in (applicant_county, city_ankang, finance):
        with pytest.raises(ActionNotPermitted):
            services.showcase_transition(version=version, name="publish", by=user)
    version.refresh_from_db()
    assert version.state == State.SUBMITTED


def test_a_return_needs_a_reason_and_is_a_row(accepted, sources, applicant_county, province):
    version = write_page(accepted, applicant_county, sources)
    services.showcase_transition(version=version, name="submit", by=applicant_county)
    with pytest.raises(DomainError):
        services.showcase_transition(version=version, name="return_version", by=province)
    services.showcase_transition(
        version=version, name="return_version", by=province, reason="案例数据请核实。"
    )
    version.refresh_from_db()
    assert version.state == State.RETURNED
    assert ShowcaseDecision.objects.get(version=version).reason == "案例数据请核实。"
    # returned: editable again, and resubmitted
    services.showcase_save(
        version=version, by=applicant_county, title="新标题", summary="正文", actual_ids=[], case_ids=[]
    )
    assert (
        services.showcase_transition(version=version, name="submit", by=applicant_county).state
        == State.SUBMITTED
    )


def test_submission_needs_title_and_text(accepted, applicant_county):
    version = services.showcase_draft(pilot=accepted, by=applicant_county)
    with pytest.raises(DomainError, match="标题"):
        services.showcase_transition(version=version, name="submit", by=applicant_county)


def test_a_submitted_version_cannot_be_edited(accepted, sources, applicant_county):
    version = write_page(accepted, applicant_county, sources)
    services.showcase_transition(version=version, name="submit", by=applicant_county)
    with pytest.raises(DomainError, match="不能修改"):
        services.showcase_save(
            version=version, by=applicant_county, title="x", summary="y", actual_ids=[], case_ids=[]
        )


def test_rows_of_another_pilot_or_of_a_draft_report_are_refused(accepted, applicant_county):
    other = PilotFactory(organisation=county("610122"), state=Pilot.State.ACCEPTED)
    _r, foreign_actual, foreign_case = received_report(other)
    _r, draft_actual, draft_case = received_report(accepted, year=2026, state=AnnualReport.State.DRAFT)
    version = services.showcase_draft(pilot=accepted, by=applicant_county)
    for actual_ids, case_ids in (
        ([foreign_actual.pk], []),
        ([], [foreign_case.pk]),
        ([draft_actual.pk], [draft_case.pk]),
    ):
        with pytest.raises(DomainError, match="已报送的年度自评报告"):
            services.showcase_save(
                version=version,
                by=applicant_county,
                title="t",
                summary="s",
                actual_ids=actual_ids,
                case_ids=case_ids,
            )


def test_editing_a_published_page_keeps_it_public_until_the_new_version_is_approved(
    accepted, sources, applicant_county, province
):
    first = publish(accepted, applicant_county, province, sources, title="第一版标题")
    second = services.showcase_draft(pilot=accepted, by=applicant_county)
    assert second.number == 2 and second.title == "第一版标题"  # a copy of the published text
    assert second.figures.count() == 1 and second.cases.count() == 1
    services.showcase_save(
        version=second, by=applicant_county, title="第二版标题", summary="新正文", actual_ids=[], case_ids=[]
    )
    services.showcase_transition(version=second, name="submit", by=applicant_county)
    assert selectors.public_version(accepted.pk) == first  # still the approved text
    services.showcase_transition(version=second, name="publish", by=province)
    first.refresh_from_db()
    assert first.state == State.SUPERSEDED
    assert selectors.public_version(accepted.pk).title == "第二版标题"
    superseded = audit_for(first).last()
    assert superseded.action == "showcase.showcaseversion.supersede" and superseded.data["rule"]


def test_the_draft_is_reused_while_one_is_open(accepted, applicant_county):
    first = services.showcase_draft(pilot=accepted, by=applicant_county)
    assert services.showcase_draft(pilot=accepted, by=applicant_county) == first


def test_unpublishing_takes_the_page_off_the_public_site(accepted, sources, applicant_county, province):
    from django.http import Http404

    version = publish(accepted, applicant_county, province, sources)
    services.showcase_transition(
        version=version, name="unpublish", by=province, reason="数据有误，暂时撤下。"
    )
    with pytest.raises(Http404):
        selectors.public_version(accepted.pk)
    assert ShowcaseDecision.objects.filter(version=version, kind="unpublished").exists()
