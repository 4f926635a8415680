"""Writes for expert review: rounds, criteria, experts, conflicts, assignment, scoring, decisions.

Every change locks what it changes, checks the officer's or expert's permission, writes an audit entry
and notifies after commit, like every other service of the portal.
"""

import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.notifications import notify
from core.transitions import perform_transition
from pilots.models import Membership, Role

from . import aggregation
from .models import (
    Conflict,
    CriteriaSet,
    Criterion,
    Declaration,
    Expert,
    ReviewAssignment,
    ReviewRound,
    Score,
    ScoreVersion,
)
from .permissions import can_manage_round

A = ReviewAssignment.State


OPEN_ASSIGNMENT_STATES = (A.ASSIGNED, A.ACCEPTED, A.SUBMITTED)
EXTREME_LOW, EXTREME_HIGH = Decimal("0.3"), Decimal("0.95")


def _require_officer(user) -> None:
    if not can_manage_round(user):
        raise ActionNotPermitted()


def _officers():
    return [m.user for m in Membership.objects.filter(role=Role.PROVINCE_OFFICER).select_related("user")]


# Round set-up -----------------------------------------------------------------------------------
def round_transition(*, review_round: ReviewRound, name: str, by, reason: str = "") -> ReviewRound:
    allowed = {
        "freeze_criteria",
        "close_declarations",
        "open_scoring",
        "aggregate",
        "aggregate_incomplete",
        "decide",
    }
    if name not in allowed:
        raise DomainError("未知的操作。")
    with transaction.atomic():
        review_round = perform_transition(ReviewRound, review_round.pk, name, by=by, reason=reason)
        if name == "freeze_criteria":
            CriteriaSet.objects.filter(pk=review_round.criteria_set_id, frozen_at__isnull=True).update(
                frozen_at=timezone.now()
            )
            proposed = conflicts_propose(review_round=review_round)
            experts = [e.user for e in Expert.objects.filter(active=True).select_related("user")]
            notify(
                experts,
                kind="declare_conflicts",
                title=f"请在{review_round.name}开始前申报利益冲突",
                url=reverse("reviews:declare", args=[review_round.pk]),
                dedupe_key=f"declare:{review_round.pk}",
            )
            record(
                review_round,
                actor=by,
                action="conflicts_proposed",
                label="按规则识别利益冲突",
                data={"count": proposed},
            )
        elif name == "open_scoring":
            experts = {
                a.expert for a in review_round.assignments.exclude(state=A.DECLINED).select_related("expert")
            }
            notify(
                experts,
                kind="scoring_open",
                title=f"{review_round.name}已开始打分，截止{review_round.scoring_deadline:%Y年%-m月%-d日}",
                url=reverse("reviews:my_assignments"),
                dedupe_key=f"scoring-open:{review_round.pk}",
            )
    return review_round


def round_create(*, by, **fields) -> ReviewRound:
    _require_officer(by)
    with transaction.atomic():
        review_round = ReviewRound.objects.create(**fields)
        record(review_round, actor=by, action="create", label="创建评审轮次", to_state=review_round.state)
    return review_round


def round_update(*, review_round: ReviewRound, by, fields: dict) -> ReviewRound:
    """Parameters may change while the round is being set up; the criteria never after freezing."""
    _require_officer(by)
    with transaction.atomic():
        locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        if (
            locked.state != ReviewRound.State.SETUP
            and "criteria_set" in fields
            and (fields["criteria_set"] != locked.criteria_set)
        ):
            raise DomainError("评分标准已冻结，不能更换。")
        changed = {}
        for name, value in fields.items():
            if getattr(locked, name) != value:
                changed[name] = [str(getattr(locked, name)), str(value)]
                setattr(locked, name, value)
        if changed:
            locked.save()
            record(locked, actor=by, action="edit", label="修改评审轮次设置", data={"changed": changed})
    return locked


def criteria_replace(*, criteria_set: CriteriaSet, by, rows: list[dict]) -> CriteriaSet:
    """Replace the criteria of a set that is not frozen; weights must total 100."""
    _require_officer(by)
    specs = [
        aggregation.Criterion(
            code=r["code"],
            name=r["name"],
            weight=Decimal(r["weight"]),
            scale_max=int(r["scale_max"]),
            allow_na=bool(r.get("allow_na")),
        )
        for r in rows
    ]
    errors = aggregation.validate_criteria(specs)
    if errors:
        raise DomainError("；".join(errors))
    with transaction.atomic():
        locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
        if locked.frozen_at or locked.rounds.exclude(state=ReviewRound.State.SETUP).exists():
            raise DomainError("评分标准已冻结（评审已开始），不能修改；如需调整请新建版本。")
        locked.criteria.all().delete()
        Criterion.objects.bulk_create(
            [Criterion(criteria_set=locked, order=i, **r) for i, r in enumerate(rows)]
        )
        record(
            locked,
            actor=by,
            action="edit",
            label="修改评分标准",
            data={"criteria": [r["code"] for r in rows]},
        )
    return locked


def batch_start_expert_review(*, review_round: ReviewRound, by) -> int:
    """Send every application the province has accepted (forwarded) in the round's batch to review."""
    from applications.services import application_start_expert_review

    _require_officer(by)
    count = 0
    for application in Application.objects.filter(
        batch=review_round.batch, state=Application.State.FORWARDED
    ):
        application_start_expert_review(application=application, by=by)
        count += 1
    return count


def round_items(review_round: ReviewRound):
    """The applications a selection round reviews."""
    return Application.objects.filter(
        batch=review_round.batch,
        state__in=[
            Application.State.IN_EXPERT_REVIEW,
            Application.State.REVIEWED,
            Application.State.SHORTLISTED,
            Application.State.NOT_SELECTED,
            Application.State.IN_PUBLICITY,
            Application.State.SELECTED,
        ],
    ).select_related("organisation", "organisation__review_unit", "organisation__division")


# Expert pool ------------------------------------------------------------------------------------
def expert_create(*, by, name: str, employer: str, phone: str, email: str = "", **fields) -> Expert:
    """Add an expert to the pool with a portal account (username = 手机号; password set by reset link)."""
    _require_officer(by)
    User = get_user_model()
    with transaction.atomic():
        if Expert.objects.filter(phone=phone).exists():
            raise DomainError(f"手机号{phone}的专家已在专家库中。")
        user, created = User.objects.get_or_create(
            username=f"zj{phone}", defaults={"full_name": name, "email": email}
        )
        if created:
            user.set_password(secrets.token_urlsafe(16))
            user.save()
        expert = Expert.objects.create(
            user=user, name=name, employer=employer, phone=phone, email=email, **fields
        )
        from pilots.models import Organisation

        home, _ = Organisation.objects.get_or_create(
            name=employer, defaults={"kind": Organisation.Kind.EXPERT_HOME}
        )
        Membership.objects.get_or_create(user=user, organisation=home, role=Role.EXPERT)
        record(expert, actor=by, action="create", label="加入专家库")
    return expert


def expert_update(*, expert: Expert, by, fields: dict) -> Expert:
    _require_officer(by)
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        changed = {}
        for name, value in fields.items():
            if getattr(locked, name) != value:
                changed[name] = [str(getattr(locked, name)), str(value)]
                setattr(locked, name, value)
        if changed:
            locked.save()
            if "active" in changed:
                locked.user.is_active = locked.active
                locked.user.save(update_fields=["is_active"])
            record(locked, actor=by, action="edit", label="修改专家信息", data={"changed": changed})
    return locked


# Conflicts --------------------------------------------------------------------------------------
def rule_conflicts_for(expert: Expert, application: Application) -> list[tuple[str, str]]:
    """The conflicts the rules find between an expert and an application: (kind, detail)."""
    found = []
    org = application.organisation
    if expert.employer_organisation_id and expert.employer_organisation_id == org.pk:
        found.append((Conflict.Kind.EMPLOYER, f"专家就职于{org.name}"))
    agencies = {a.pk for a in application.delegated_agencies.all()}
    if expert.employer_organisation_id and expert.employer_organisation_id in agencies:
        found.append((Conflict.Kind.AGENCY, f"专家就职于为{org.name}编制材料的技术服务机构"))
    hosts = {d.pk for d in org.host_divisions.all()} | ({org.division_id} if org.division_id else set())
    if expert.division_id and expert.division_id in hosts:
        found.append((Conflict.Kind.SAME_COUNTY, "专家与申报单位在同一县（市、区）"))
    elif expert.review_unit_id and expert.review_unit_id == org.review_unit_id:
        found.append((Conflict.Kind.SAME_CITY, f"专家与申报单位同属{org.review_unit.name}"))
    return found


def conflicts_propose(*, review_round: ReviewRound) -> int:
    """Record every rule conflict of the round (idempotent)."""
    items = list(
        round_items(review_round).prefetch_related("delegated_agencies", "organisation__host_divisions")
    )
    experts = list(Expert.objects.filter(active=True))
    existing = set(review_round.conflicts.values_list("expert_id", "application_id", "kind"))
    new = []
    for expert in experts:
        for application in items:
            for kind, detail in rule_conflicts_for(expert, application):
                if (expert.user_id, application.pk, kind) not in existing:
                    new.append(
                        Conflict(
                            round=review_round,
                            expert_id=expert.user_id,
                            application=application,
                            kind=kind,
                            source=Conflict.Source.RULE,
                            detail=detail,
                        )
                    )
    Conflict.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def active_conflict_pairs(review_round: ReviewRound) -> set[tuple[int, int]]:
    return set(
        review_round.conflicts.filter(overridden_by__isnull=True).values_list("expert_id", "application_id")
    )


def conflict_override(*, conflict: Conflict, by, reason: str) -> Conflict:
    _require_officer(by)
    if not reason.strip():
        raise DomainError("排除利益冲突须填写理由。")
    with transaction.atomic():
        locked = Conflict.objects.select_for_update().get(pk=conflict.pk)
        if locked.source == Conflict.Source.DECLARED:
            raise DomainError("专家本人声明的利益冲突不能排除。")
        locked.overridden_by = by
        locked.override_reason = reason.strip()
        locked.save(update_fields=["overridden_by", "override_reason"])
        record(
            locked.round,
            actor=by,
            action="conflict_override",
            label="排除规则识别的利益冲突",
            reason=reason,
            data={"expert": locked.expert_id, "application": locked.application_id, "kind": locked.kind},
        )
    return locked


def declaration_submit(
    *, review_round: ReviewRound, by, conflicts: list[tuple[int, str, str]]
) -> Declaration:
    """The expert's declaration for the round: [] means no conflict; else (application id, kind, detail)."""
    if not Expert.objects.filter(user=by, active=True).exists():
        raise ActionNotPermitted()
    if review_round.state not in (
        ReviewRound.State.DECLARING,
        ReviewRound.State.ASSIGNING,
        ReviewRound.State.SCORING,
    ):
        raise DomainError("当前阶段不接受利益冲突申报。")
    item_ids = set(round_items(review_round).values_list("pk", flat=True))
    with transaction.atomic():
        if Declaration.objects.filter(round=review_round, expert=by).exists():
            raise DomainError("您已完成本轮利益冲突申报；如有新情况请在评审任务中声明。")
        for application_id, kind, _detail in conflicts:
            if application_id not in item_ids or kind not in Conflict.Kind.values:
                raise DomainError("申报内容无效，请刷新页面后重试。")
        declaration = Declaration.objects.create(round=review_round, expert=by, no_conflict=not conflicts)
        for application_id, kind, detail in conflicts:
            Conflict.objects.get_or_create(
                round=review_round,
                expert=by,
                application_id=application_id,
                kind=kind,
                defaults={"source": Conflict.Source.DECLARED, "detail": detail[:255]},
            )
            _release_conflicted_assignment(review_round, by, application_id)
        record(
            review_round,
            actor=by,
            action="declare",
            label="专家申报利益冲突",
            data={"no_conflict": not conflicts, "conflicts": [c[0] for c in conflicts], "internal": True},
        )
    return declaration


def _release_conflicted_assignment(review_round, expert, application_id) -> None:
    assignment = review_round.assignments.filter(expert=expert, application_id=application_id).first()
    if assignment and assignment.state != A.DECLINED:
        assignment.state = A.DECLINED
        assignment.decline_reason = "存在利益冲突（专家声明）"
        assignment.save(update_fields=["state", "decline_reason"])
        notify(
            _officers(),
            kind="assignment_declined",
            title=f"{expert}声明与一项评审任务存在利益冲突，请重新分配",
            url=reverse("reviews:detail", args=[review_round.pk]),
        )


# Assignment -------------------------------------------------------------------------------------
def _loads(review_round: ReviewRound) -> dict[int, int]:
    return dict(
        review_round.assignments.exclude(state=A.DECLINED)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )


def assignment_create(*, review_round: ReviewRound, expert, application: Application, by) -> ReviewAssignment:
    _require_officer(by)
    with transaction.atomic():
        locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        if locked.state not in (ReviewRound.State.ASSIGNING, ReviewRound.State.SCORING):
            raise DomainError("只能在“分配评审任务”或“专家打分”阶段分配任务。")
        if not Expert.objects.filter(user=expert, active=True).exists():
            raise DomainError("该专家不在专家库中或已停用。")
        if not round_items(locked).filter(pk=application.pk).exists():
            raise DomainError("该申报书不在本轮评审范围内。")
        if (expert.pk, application.pk) in active_conflict_pairs(locked):
            raise DomainError(f"{expert}与{application.organisation.name}存在利益冲突，不能分配。")
        if _loads(locked).get(expert.pk, 0) >= locked.max_per_expert:
            raise DomainError(f"{expert}的评审任务已达上限（{locked.max_per_expert}项）。")
        taken = locked.assignments.filter(application=application).exclude(state=A.DECLINED)
        if taken.count() >= locked.experts_per_item:
            raise DomainError(f"{application.organisation.name}已分配{locked.experts_per_item}位专家。")
        if taken.filter(expert=expert).exists():
            raise DomainError("该专家已分配此申报书。")
        assignment, created = ReviewAssignment.objects.get_or_create(
            round=locked,
            expert=expert,
            application=application,
            defaults={"assigned_by": by},
        )
        if not created:  # a declined assignment given again: start afresh
            assignment.state, assignment.decline_reason, assignment.assigned_by = A.ASSIGNED, "", by
            assignment.save(update_fields=["state", "decline_reason", "assigned_by"])
        record(
            locked,
            actor=by,
            action="assign",
            label="分配评审任务",
            data={"expert": expert.pk, "application": application.pk, "internal": True},
        )
        notify(
            [expert],
            kind="assigned",
            title=f"您有新的评审任务：{locked.name}",
            url=reverse("reviews:my_assignments"),
        )
    return assignment


def assignment_auto(*, review_round: ReviewRound, by) -> dict:
    """Fill every application up to `experts_per_item`, least-loaded eligible experts first.

    Eligible: active in the pool, declared for the round without a conflict on that item, no active
    rule conflict, below `max_per_expert`. Returns what was filled and what could not be.
    """
    _require_officer(by)
    with transaction.atomic():
        locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        if locked.state not in (ReviewRound.State.ASSIGNING, ReviewRound.State.SCORING):
            raise DomainError("只能在“分配评审任务”或“专家打分”阶段分配任务。")
        conflicts = active_conflict_pairs(locked)
        experts = list(
            Expert.objects.filter(active=True).values_list("user_id", flat=True).order_by("user_id")
        )
        loads = {e: 0 for e in experts} | _loads(locked)
        existing: dict[int, set[int]] = {}
        for expert_id, application_id in locked.assignments.exclude(state=A.DECLINED).values_list(
            "expert_id", "application_id"
        ):
            existing.setdefault(application_id, set()).add(expert_id)
        declined = set(locked.assignments.filter(state=A.DECLINED).values_list("expert_id", "application_id"))
        new, unfilled = [], []
        for application_id in round_items(locked).order_by("pk").values_list("pk", flat=True):
            have = existing.get(application_id, set())
            need = locked.experts_per_item - len(have)
            candidates = sorted(
                (
                    e
                    for e in experts
                    if e not in have
                    and (e, application_id) not in conflicts
                    and (e, application_id) not in declined
                    and loads[e] < locked.max_per_expert
                ),
                key=lambda e: (loads[e], e),
            )
            for expert_id in candidates[: max(need, 0)]:
                new.append(
                    ReviewAssignment(
                        round=locked, expert_id=expert_id, application_id=application_id, assigned_by=by
                    )
                )
                loads[expert_id] += 1
            if need > len(candidates):
                unfilled.append((application_id, need - len(candidates)))
        ReviewAssignment.objects.bulk_create(new)
        record(
            locked,
            actor=by,
            action="auto_assign",
            label="自动分配评审任务",
            data={"created": len(new), "unfilled": unfilled, "internal": True},
        )
        users = get_user_model().objects.filter(pk__in={a.expert_id for a in new})
        notify(
            users,
            kind="assigned",
            title=f"您有新的评审任务：{locked.name}",
            url=reverse("reviews:my_assignments"),
        )
    return {"created": len(new), "unfilled": unfilled}


def assignment_remove(*, assignment: ReviewAssignment, by) -> None:
    _require_officer(by)
    with transaction.atomic():
        locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.state == A.SUBMITTED:
            raise DomainError("专家已提交评分，不能撤销该任务。")
        record(
            locked.round,
            actor=by,
            action="unassign",
            label="撤销评审任务",
            data={"expert": locked.expert_id, "application": locked.application_id, "internal": True},
        )
        locked.delete()


def assignment_respond(
    *, assignment: ReviewAssignment, by, accept: bool, reason: str = "", conflict_kind: str = ""
) -> ReviewAssignment:
    """The expert confirms (no conflict with this item) or declines with a reason, before opening it."""
    with transaction.atomic():
        locked = ReviewAssignment.objects.select_for_update().select_related("round").get(pk=assignment.pk)
        if locked.expert_id != by.pk:
            raise ActionNotPermitted()
        if locked.state != A.ASSIGNED:
            raise DomainError("该任务已确认或已谢绝。")
        if accept:
            locked.state, locked.declared_at = A.ACCEPTED, timezone.now()
            label = "确认评审任务（声明无利益冲突）"
        else:
            if not reason.strip():
                raise DomainError("谢绝评审任务须填写理由。")
            locked.state, locked.decline_reason, locked.declared_at = (
                A.DECLINED,
                reason.strip(),
                timezone.now(),
            )
            label = "谢绝评审任务"
            if conflict_kind:
                if conflict_kind not in Conflict.Kind.values:
                    raise DomainError("无效的利益冲突类型。")
                Conflict.objects.get_or_create(
                    round=locked.round,
                    expert=by,
                    application=locked.application,
                    kind=conflict_kind,
                    defaults={"source": Conflict.Source.DECLARED, "detail": reason.strip()[:255]},
                )
            notify(
                _officers(),
                kind="assignment_declined",
                title=f"{by}谢绝了一项评审任务，请重新分配",
                url=reverse("reviews:detail", args=[locked.round_id]),
            )
        locked.save(update_fields=["state", "decline_reason", "declared_at"])
        record(
            locked.round,
            actor=by,
            action="respond",
            label=label,
            reason=reason,
            data={"application": locked.application_id, "accept": accept, "internal": True},
        )
    return locked


# Scoring ----------------------------------------------------------------------------------------
def _sheet_from(assignment: ReviewAssignment) -> dict:
    return {
        s.criterion.code: (None if s.is_na else s.value)
        for s in assignment.scores.select_related("criterion")
    }


def scores_save(
    *, assignment: ReviewAssignment, by, values: dict, opinion: str, submit: bool, change_reason: str = ""
) -> ReviewAssignment:
    """Save (and optionally submit) an expert's sheet.

    values: {criterion code: {"value": Decimal|None, "na": bool, "comment": str}}. A submitted sheet may
    be changed until the scores are revealed; each resubmission is a new version with a reason.
    """
    with transaction.atomic():
        locked = (
            ReviewAssignment.objects.select_for_update()
            .select_related("round__criteria_set")
            .get(pk=assignment.pk)
        )
        if locked.expert_id != by.pk:
            raise ActionNotPermitted()
        if locked.round.state != ReviewRound.State.SCORING:
            raise DomainError("当前不在打分阶段，评分不能修改。")
        if locked.state not in (A.ACCEPTED, A.SUBMITTED):
            raise DomainError("请先确认评审任务（声明无利益冲突）后再打分。")
        resubmission = locked.state == A.SUBMITTED
        if resubmission and not change_reason.strip():
            raise DomainError("修改已提交的评分须填写修改理由。")
        criteria = list(locked.round.criteria_set.criteria.all())
        by_code = {c.code: c for c in criteria}
        sheet, errors = {}, []
        for code, entry in values.items():
            criterion = by_code.get(code)
            if criterion is None:
                errors.append("存在未知的评分项。")
                continue
            value = None if entry.get("na") else entry.get("value")
            if (
                value is not None
                and criterion.scale_max
                and (
                    value <= criterion.scale_max * EXTREME_LOW or value >= criterion.scale_max * EXTREME_HIGH
                )
                and not (entry.get("comment") or "").strip()
            ):
                errors.append(f"「{criterion.name}」评分为{value}分（极端分值），须填写评语说明理由。")
            if entry.get("na") and not criterion.allow_na:
                errors.append(f"「{criterion.name}」不允许选择“不适用”。")
            elif value is not None and not 0 <= value <= criterion.scale_max:
                errors.append(f"「{criterion.name}」的分值应在0至{criterion.scale_max}分之间。")
            if entry.get("na") or value is not None:
                sheet[code] = value
        specs = [c.as_spec() for c in criteria]
        if submit and not errors:
            errors += aggregation.validate_sheet(sheet, specs)
            if not opinion.strip():
                errors.append("提交评分须填写综合意见。")
        if errors:
            raise DomainError("；".join(dict.fromkeys(errors)))
        for code, entry in values.items():
            criterion = by_code[code]
            na = bool(entry.get("na"))
            Score.objects.update_or_create(
                assignment=locked,
                criterion=criterion,
                defaults={
                    "value": None if na else entry.get("value"),
                    "is_na": na,
                    "comment": (entry.get("comment") or "").strip(),
                },
            )
        locked.overall_opinion = opinion.strip()
        fields = ["overall_opinion"]
        if submit:
            total = aggregation.weighted_total(sheet, specs)
            locked.state, locked.submitted_at, locked.version = (
                A.SUBMITTED,
                timezone.now(),
                locked.version + 1,
            )
            fields += ["state", "submitted_at", "version"]
            ScoreVersion.objects.create(
                assignment=locked,
                number=locked.version,
                total=total,
                reason=change_reason.strip(),
                data={
                    "scores": {k: (None if v is None else str(v)) for k, v in sheet.items()},
                    "comments": {k: (e.get("comment") or "") for k, e in values.items()},
                    "opinion": locked.overall_opinion,
                },
            )
        locked.save(update_fields=fields)
        if submit:
            record(
                locked.round,
                actor=by,
                action="score_submit",
                label="修改已提交的评分" if resubmission else "提交评分",
                reason=change_reason,
                data={"application": locked.application_id, "version": locked.version, "internal": True},
            )
            _finish_item_if_complete(locked, by)
    return locked


def _finish_item_if_complete(assignment: ReviewAssignment, by) -> None:
    """When every expert of an application has submitted, the application is marked reviewed."""
    from applications.services import application_finish_review

    application = assignment.application
    pending = assignment.round.assignments.filter(application=application).exclude(
        state__in=[A.SUBMITTED, A.DECLINED]
    )
    enough = assignment.round.assignments.filter(application=application, state=A.SUBMITTED).count()
    if not pending.exists() and enough >= assignment.round.experts_per_item:
        application.refresh_from_db()
        if application.state == Application.State.IN_EXPERT_REVIEW:
            officers = _officers()
            if officers:
                application_finish_review(application=application, by=officers[0])


# Decision ---------------------------------------------------------------------------------------
def decision_propose(*, review_round: ReviewRound, by, shortlist: list[int], reasons: dict[int, str]) -> int:
    """The ecology department proposes, from the ranking, who is shortlisted and who is not."""
    from applications.services import application_finish_review, application_propose_decision

    _require_officer(by)
    if review_round.state not in (ReviewRound.State.AGGREGATED, ReviewRound.State.DECIDED):
        raise DomainError("须先揭示并汇总评分，再提出入选建议。")
    count = 0
    with transaction.atomic():
        for application in round_items(review_round).filter(
            state__in=[Application.State.IN_EXPERT_REVIEW, Application.State.REVIEWED]
        ):
            if application.state == Application.State.IN_EXPERT_REVIEW:
                application_finish_review(application=application, by=by)
                application.refresh_from_db()
            proposal = (
                Application.Proposal.SHORTLIST
                if application.pk in shortlist
                else Application.Proposal.DECLINE
            )
            application_propose_decision(
                application=application, by=by, proposal=proposal, reason=reasons.get(application.pk, "")
            )
            count += 1
    return count
