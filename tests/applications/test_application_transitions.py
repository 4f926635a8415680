"""Application (申报书) state machine, through applications.services."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, Attachment
from core.errors import DomainError
from pilots import services as pilot_services
from pilots.models import Pilot

from ..factories import ApplicationFactory, BatchFactory, complete_application, county
from ..helpers import assert_audited, audit_for, by_state, not_permitted, refused

pytestmark = pytest.mark.django_db

S = Application.State


@pytest.fixture
def batch(db):
    return BatchFactory()


@pytest.fixture
def draft(batch, agency_org):
    application = complete_application(batch=batch, organisation=county("610922"))
    application.delegated_agencies.add(agency_org)
    return application


def in_state(state, batch, **fields) -> Application:
    return ApplicationFactory(batch=batch, organisation=county("610922"), state=state, **fields)


# Applicant ------------------------------------------------------------------------------------------
def test_applicant_submits_a_complete_draft(draft, applicant_county):
    application = services.application_submit(application=draft, by=applicant_county)
    assert application.state == S.SUBMITTED
    stored = Application.objects.get(pk=draft.pk)
    assert stored.state == S.SUBMITTED
    assert stored.submitted_at is not None and stored.submission_count == 1
    assert_audited(draft, action="submit", actor=applicant_county, from_state=S.DRAFT, to_state=S.SUBMITTED)


def test_submission_refused_without_the_no_accident_declaration(draft, applicant_county):
    Application.objects.filter(pk=draft.pk).update(declares_no_major_accident=False)
    with refused(draft, code="state", match="申报书尚未填写完整"):
        services.application_submit(application=draft, by=applicant_county)
    assert Application.objects.get(pk=draft.pk).missing_for_submission() == [
        "未作出“近3年未发生重大环境污染和生态破坏事故”声明"
    ]


def test_submission_refused_without_the_commitment_letter(draft, applicant_county):
    draft.attachments.filter(kind=Attachment.Kind.COMMITMENT_LETTER).delete()
    with refused(draft, code="state", match="申报书尚未填写完整"):
        services.application_submit(application=draft, by=applicant_county)
    assert draft.missing_for_submission() == ["未上传签字盖章的承诺书"]


def test_submission_refused_after_the_deadline(draft, batch, applicant_county):
    type(batch).objects.filter(pk=batch.pk).update(
        application_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    with refused(draft, code="state", match="已过申报截止日期"):
        services.application_submit(application=draft, by=applicant_county)


def test_submission_refused_when_the_batch_has_closed(draft, batch, applicant_county):
    type(batch).objects.filter(pk=batch.pk).update(state="city_screening")
    with refused(draft, code="state", match="申报批次未开放"):
        services.application_submit(application=draft, by=applicant_county)


@pytest.mark.parametrize("persona", ["agency", "applicant_xian", "city_ankang", "province", "outsider"])
def test_only_the_applicants_own_staff_submit(persona, request, draft):
    """The delegated technical agency drafts but never submits."""
    with not_permitted(draft):
        services.application_submit(application=draft, by=request.getfixturevalue(persona))


def test_submitting_twice_is_refused_by_state(batch, applicant_county):
    submitted = in_state(S.SUBMITTED, batch, declares_no_major_accident=True)
    with by_state(submitted, match="「已提交（市级审核中）」"):
        services.application_submit(application=submitted, by=applicant_county)


def test_applicant_withdraws_before_the_city_decides(batch, applicant_county):
    submitted = in_state(S.SUBMITTED, batch)
    services.application_withdraw(application=submitted, by=applicant_county, reason="下一批再报")
    assert_audited(
        submitted,
        action="withdraw",
        actor=applicant_county,
        from_state=S.SUBMITTED,
        to_state=S.WITHDRAWN,
        reason="下一批再报",
    )
    recommended = ApplicationFactory(batch=batch, organisation=county("610921"), state=S.RECOMMENDED)
    with by_state(recommended):
        services.application_withdraw(application=recommended, by=applicant_county)


# City bureau ----------------------------------------------------------------------------------------
def test_city_returns_with_a_reason_and_the_applicant_resubmits(draft, applicant_county, city_ankang):
    services.application_submit(application=draft, by=applicant_county)
    services.application_return(application=draft, by=city_ankang, reason="  基准年数据不一致  ")
    assert_audited(
        draft,
        action="return_for_revision",
        actor=city_ankang,
        from_state=S.SUBMITTED,
        to_state=S.RETURNED,
        reason="基准年数据不一致",
    )
    services.application_submit(application=draft, by=applicant_county)
    assert Application.objects.get(pk=draft.pk).submission_count == 2


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_and_reject_require_a_reason(reason, batch, city_ankang):
    submitted = in_state(S.SUBMITTED, batch)
    with refused(submitted, code="reason_required", match="须填写理由"):
        services.application_return(application=submitted, by=city_ankang, reason=reason)
    with refused(submitted, code="reason_required", match="须填写理由"):
        services.application_reject(application=submitted, by=city_ankang, reason=reason)


def test_city_rejects_with_a_reason(batch, city_ankang):
    submitted = in_state(S.SUBMITTED, batch)
    services.application_reject(application=submitted, by=city_ankang, reason="近3年发生较大突发环境事件")
    assert Application.objects.get(pk=submitted.pk).state == S.NOT_RECOMMENDED


def test_city_recommends_with_opinion_and_rank(batch, city_ankang):
    submitted = in_state(S.SUBMITTED, batch)
    services.application_recommend(
        application=submitted, by=city_ankang, opinion="工作基础好，同意推荐", rank=2
    )
    stored = Application.objects.get(pk=submitted.pk)
    assert (stored.state, stored.city_opinion, stored.city_rank) == (S.RECOMMENDED, "工作基础好，同意推荐", 2)
    assert_audited(
        submitted,
        action="recommend",
        actor=city_ankang,
        from_state=S.SUBMITTED,
        to_state=S.RECOMMENDED,
        reason="工作基础好，同意推荐",
    )


@pytest.mark.parametrize(("opinion", "rank"), [("", 1), ("同意推荐", None), ("  ", 3)])
def test_recommendation_refused_without_opinion_or_rank_and_fields_left_untouched(
    opinion, rank, batch, city_ankang
):
    submitted = in_state(S.SUBMITTED, batch)
    with refused(submitted, code="state", match="须填写推荐意见和市内推荐排序"):
        services.application_recommend(application=submitted, by=city_ankang, opinion=opinion, rank=rank)


@pytest.mark.parametrize("persona", ["city_xian", "applicant_county", "province", "finance"])
def test_city_actions_refused_to_anyone_but_the_applicants_city(persona, request, batch):
    user = request.getfixturevalue(persona)
    submitted = in_state(S.SUBMITTED, batch)
    with not_permitted(submitted):
        services.application_recommend(application=submitted, by=user, opinion="同意", rank=1)
    with not_permitted(submitted):
        services.application_return(application=submitted, by=user, reason="退回")
    recommended = ApplicationFactory(batch=batch, organisation=county("610921"), state=S.RECOMMENDED)
    with not_permitted(recommended):
        services.application_forward(application=recommended, by=user)


def test_city_forwards_before_the_forwarding_deadline(batch, city_ankang):
    recommended = in_state(S.RECOMMENDED, batch)
    services.application_forward(application=recommended, by=city_ankang)
    stored = Application.objects.get(pk=recommended.pk)
    assert stored.state == S.FORWARDED and stored.forwarded_at is not None


def test_forwarding_refused_after_the_forwarding_deadline(batch, city_ankang):
    type(batch).objects.filter(pk=batch.pk).update(
        forwarding_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    recommended = in_state(S.RECOMMENDED, batch)
    with refused(recommended, code="state", match="已过市级报送截止日期"):
        services.application_forward(application=recommended, by=city_ankang)


def test_forwarding_refused_before_recommendation(batch, city_ankang):
    submitted = in_state(S.SUBMITTED, batch)
    with by_state(submitted):
        services.application_forward(application=submitted, by=city_ankang)


# Province and finance -------------------------------------------------------------------------------
def test_province_returns_to_city_and_the_city_forwards_again(batch, province, city_ankang):
    forwarded = in_state(S.FORWARDED, batch)
    with refused(forwarded, code="reason_required"):
        services.application_return_to_city(application=forwarded, by=province, reason="")
    services.application_return_to_city(application=forwarded, by=province, reason="缺少盖章件")
    assert_audited(
        forwarded,
        action="return_to_city",
        actor=province,
        from_state=S.FORWARDED,
        to_state=S.RETURNED_TO_CITY,
        reason="缺少盖章件",
    )
    services.application_forward(application=forwarded, by=city_ankang)
    assert Application.objects.get(pk=forwarded.pk).state == S.FORWARDED


def test_selection_path_to_shortlisted_and_publicity(batch, province, finance):
    from reviews.models import ReviewRound

    from ..factories import ReviewRoundFactory

    application = in_state(S.FORWARDED, batch)
    # The batch's selection round has revealed its scores: the review is done (reviews.guards).
    ReviewRoundFactory(batch=batch, state=ReviewRound.State.AGGREGATED)
    services.application_start_expert_review(application=application, by=province)
    services.application_finish_review(application=application, by=province)
    assert Application.objects.get(pk=application.pk).state == S.REVIEWED
    locked = services.application_propose_decision(
        application=application, by=province, proposal=Application.Proposal.SHORTLIST, reason="排名靠前"
    )
    assert locked.decision_proposed_by == province
    assert audit_for(application).last().action == "applications.application.propose_decision"
    services.application_confirm_decision(application=locked, by=finance)
    assert_audited(
        application, action="shortlist", actor=finance, from_state=S.REVIEWED, to_state=S.SHORTLISTED
    )
    services.application_publicise(application=application, by=province)
    assert Application.objects.get(pk=application.pk).state == S.IN_PUBLICITY


def test_joint_decision_needs_the_ecology_proposal_first(batch, finance):
    reviewed = in_state(S.REVIEWED, batch)
    with refused(reviewed, code="state", match="须由省生态环境厅先提出"):
        services.application_confirm_decision(application=reviewed, by=finance)


def test_decline_path(batch, province, finance):
    reviewed = in_state(S.REVIEWED, batch)
    proposed = services.application_propose_decision(
        application=reviewed, by=province, proposal=Application.Proposal.DECLINE
    )
    services.application_confirm_decision(application=proposed, by=finance)
    assert Application.objects.get(pk=reviewed.pk).state == S.NOT_SELECTED


def test_only_finance_confirms_and_only_province_proposes(batch, province, finance, city_ankang):
    reviewed = in_state(S.REVIEWED, batch, decision_proposal=Application.Proposal.SHORTLIST)
    with not_permitted(reviewed):
        services.application_confirm_decision(application=reviewed, by=province)
    for user in (finance, city_ankang):
        with not_permitted(reviewed):
            services.application_propose_decision(application=reviewed, by=user, proposal="shortlist")


def test_proposal_refused_outside_reviewed_state(batch, province):
    forwarded = in_state(S.FORWARDED, batch)
    with refused(forwarded, match="只有评审完成的申报书"):
        services.application_propose_decision(application=forwarded, by=province, proposal="shortlist")
    reviewed = ApplicationFactory(batch=batch, organisation=county("610921"), state=S.REVIEWED)
    with refused(reviewed, match="无效的入选建议"):
        services.application_propose_decision(application=reviewed, by=province, proposal="maybe")


@pytest.mark.parametrize("persona", ["finance", "city_ankang", "drc", "expert"])
def test_provincial_steps_refused_to_other_roles(persona, request, batch):
    user = request.getfixturevalue(persona)
    forwarded = in_state(S.FORWARDED, batch)
    with not_permitted(forwarded):
        services.application_start_expert_review(application=forwarded, by=user)
    with not_permitted(forwarded):
        services.application_return_to_city(application=forwarded, by=user, reason="退回")


def test_selecting_creates_the_pilot(batch, province, agency_org):
    application = in_state(S.IN_PUBLICITY, batch, pilot_level=Application.PilotLevel.NEAR_ZERO)
    application.delegated_agencies.add(agency_org)
    application = services.application_select(application=application, by=province)
    assert_audited(
        application, action="select", actor=province, from_state=S.IN_PUBLICITY, to_state=S.SELECTED
    )
    assert not Pilot.objects.exists()  # the pilot is the pilots app's business (one layer up)
    pilot_services.pilot_create_for_selected(application=application, by=province)
    pilot = Pilot.objects.get(application=application)
    assert pilot.organisation == application.organisation
    assert pilot.batch == batch
    assert pilot.state == Pilot.State.SELECTED
    assert pilot.pilot_level == Application.PilotLevel.NEAR_ZERO
    assert list(pilot.delegated_agencies.all()) == [agency_org]
    entry = audit_for(pilot).get()
    assert (entry.action, entry.actor_id, entry.to_state) == (
        "pilots.pilot.create",
        province.pk,
        Pilot.State.SELECTED,
    )


def test_only_a_selected_application_becomes_a_pilot(batch, province):
    application = in_state(S.IN_PUBLICITY, batch)
    with pytest.raises(DomainError):
        pilot_services.pilot_create_for_selected(application=application, by=province)
    assert not Pilot.objects.exists()


def test_select_is_not_offered_as_a_button(client_for, batch, province):
    """Selection happens only when the list is confirmed after publicity (reviews.publicity), never by a
    button on the application page that would bypass the objections and the publicity period."""
    application = in_state(S.IN_PUBLICITY, batch)
    response = client_for(province).post(reverse("applications:action", args=[application.pk, "select"]))
    assert response.status_code == 404
    assert Application.objects.get(pk=application.pk).state == S.IN_PUBLICITY


def test_select_refused_by_state_creates_no_pilot(batch, province):
    shortlisted = in_state(S.SHORTLISTED, batch)
    with by_state(shortlisted):
        services.application_select(application=shortlisted, by=province)
    assert not Pilot.objects.exists()


def test_upheld_objection_needs_a_reason_and_creates_no_pilot(batch, province):
    from reviews.models import Objection

    from ..factories import ReviewRoundFactory, item_of

    application = in_state(S.IN_PUBLICITY, batch)
    # The rule of reviews.guards: only an objection on record and found upheld takes the applicant off.
    Objection.objects.create(
        item=item_of(ReviewRoundFactory(batch=batch), application),
        received_on=datetime.date(2026, 11, 24),
        objector="李某",
        contact="13900000002",
        content="数据存疑。",
        outcome=Objection.Outcome.UPHELD,
        recorded_by=province,
    )
    with refused(application, code="reason_required"):
        services.application_uphold_objection(application=application, by=province, reason="")
    services.application_uphold_objection(application=application, by=province, reason="异议成立")
    assert Application.objects.get(pk=application.pk).state == S.NOT_SELECTED
    assert not Pilot.objects.exists()


# Drafts and creation --------------------------------------------------------------------------------
def test_application_create_is_scoped_and_unique(batch, applicant_county, applicant_xian):
    shiquan = county("610922")
    with pytest.raises(DomainError) as info:
        services.application_create(batch=batch, organisation=shiquan, by=applicant_xian)
    assert info.value.code == "forbidden"
    application = services.application_create(batch=batch, organisation=shiquan, by=applicant_county)
    assert application.state == S.DRAFT
    assert audit_for(application).get().action == "applications.application.create"
    with pytest.raises(DomainError, match="不能重复申报"):
        services.application_create(batch=batch, organisation=shiquan, by=applicant_county)


def test_frozen_application_cannot_be_edited(batch, applicant_county, agency):
    submitted = in_state(S.SUBMITTED, batch)
    with refused(submitted, match="已冻结"):
        services.application_update_eligibility(
            application=submitted,
            by=applicant_county,
            pilot_level="near_zero",
            declares_no_major_accident=True,
        )


def test_delegated_agency_edits_a_draft_but_another_applicant_cannot(draft, agency, applicant_xian):
    services.application_update_eligibility(
        application=draft, by=agency, pilot_level="near_zero", declares_no_major_accident=True
    )
    assert Application.objects.get(pk=draft.pk).pilot_level == "near_zero"
    with not_permitted(draft):
        services.application_update_eligibility(
            application=draft, by=applicant_xian, pilot_level="low_carbon", declares_no_major_accident=False
        )
