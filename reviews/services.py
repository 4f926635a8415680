"""Writes for expert review: rounds, criteria, experts, conflicts, assignment, scoring, decisions.

Every change locks what it changes, checks the officer's or expert's permission, writes an audit entry
and notifies after commit, like every other service of the portal.
"""

import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop

from applications.models import Application
from core.actors import system_user
from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.formats import chinese_date, chinese_label, enumeration_comma, semicolon
from core.notifications import notify
from core.transitions import perform_transition
from organisations.models import Membership, Role
from organisations.roles import users_with_role
from pilots.models import Pilot

from . import aggregation
from .models import (
    Conflict,
    CriteriaSet,
    Criterion,
    Declaration,
    Expert,
    ReviewAssignment,
    ReviewDocument,
    ReviewItem,
    ReviewRound,
    Score,
    ScoreVersion,
    SelectionDecision,
    VetoFinding,
)
from .permissions import require_round_manager as _require_officer

A = ReviewAssignment.State


OPEN_ASSIGNMENT_STATES = (A.ASSIGNED, A.ACCEPTED, A.SUBMITTED)
EXTREME_LOW, EXTREME_HIGH = Decimal("0.3"), Decimal("0.95")


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
        raise DomainError(gettext("未知的操作。"))
    with transaction.atomic():
        review_round = perform_transition(ReviewRound, review_round.pk, name, by=by, reason=reason)
        if name == "freeze_criteria":
            items_materialise(review_round)  # the round leaves set-up: its items are fixed now
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
                label=gettext_noop("按规则识别利益冲突"),
                data={"count": proposed},
            )
        elif name == "open_scoring":
            experts = {
                a.expert for a in review_round.assignments.exclude(state=A.DECLINED).select_related("expert")
            }
            notify(
                experts,
                kind="scoring_open",
                title=f"{review_round.name}已开始打分，截止{chinese_date(review_round.scoring_deadline)}",
                url=reverse("reviews:my_assignments"),
                dedupe_key=f"scoring-open:{review_round.pk}",
            )
        elif name in ("aggregate", "aggregate_incomplete"):
            # Scores are final once revealed: each expert's sheet goes to PDF for signature now.
            _request_score_sheets(review_round)
    return review_round


ROUND_FIELDS = {
    "name",
    "batch",
    "purpose",
    "criteria_set",
    "experts_per_item",
    "max_per_expert",
    "scoring_deadline",
    "aggregation_method",
    "tie_break",
    "disagreement_threshold",
    "departure_threshold",
}
# Declared before anyone sees a score: fixed once scoring has opened.
DECLARED_FIELDS = ("aggregation_method", "tie_break", "disagreement_threshold", "departure_threshold")


def _check_round_fields(fields: dict, purpose: str) -> None:
    unknown = set(fields) - ROUND_FIELDS
    if unknown:
        raise DomainError(gettext("存在无效的评审轮次设置项。"))
    criteria_set = fields.get("criteria_set")
    if criteria_set is not None and criteria_set.purpose != purpose:
        raise DomainError(gettext("所选评分标准的用途与评审轮次不一致。"))
    if "departure_threshold" in fields and not 0 < (fields["departure_threshold"] or 0) <= 100:
        raise DomainError(gettext("偏离自评分说明阈值应大于0且不超过100%。"))
    for name in ("experts_per_item", "max_per_expert"):
        if name in fields and not (fields[name] or 0) >= 1:
            raise DomainError(gettext("每项专家人数和每位专家最多评审数须至少为1。"))
    if "aggregation_method" in fields or "tie_break" in fields:
        try:  # the ranking validates its own method and tie-break chain (Chinese messages)
            aggregation.rank(
                [], fields.get("aggregation_method", "trimmed_mean"), fields.get("tie_break") or []
            )
        except ValueError as error:
            raise DomainError(gettext("同分排序规则无效：%(error)s") % {"error": error}) from error


def round_create(*, by, **fields) -> ReviewRound:
    _require_officer(by)
    _check_round_fields(fields, fields.get("purpose", ReviewRound.Purpose.SELECTION))
    with transaction.atomic():
        review_round = ReviewRound.objects.create(**fields)
        items_materialise(review_round)
        record(
            review_round,
            actor=by,
            action="create",
            label=gettext_noop("创建评审轮次"),
            to_state=review_round.state,
        )
    return review_round


def round_update(*, review_round: ReviewRound, by, fields: dict) -> ReviewRound:
    """Parameters may change while the round is being set up; the criteria never after freezing, and
    the declared aggregation method, tie-break chain and disagreement threshold never once scoring
    has opened."""
    _require_officer(by)
    with transaction.atomic():
        locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        _check_round_fields(
            {"aggregation_method": locked.aggregation_method, "tie_break": locked.tie_break, **fields},
            fields.get("purpose", locked.purpose),
        )
        if (
            locked.state != ReviewRound.State.SETUP
            and "criteria_set" in fields
            and (fields["criteria_set"] != locked.criteria_set)
        ):
            raise DomainError(gettext("评分标准已冻结，不能更换。"))
        if (
            locked.state != ReviewRound.State.SETUP
            and fields.get("purpose", locked.purpose) != locked.purpose
        ):
            raise DomainError(gettext("评审已开始，不能更改评审用途。"))
        if locked.state in (
            ReviewRound.State.SCORING,
            ReviewRound.State.AGGREGATED,
            ReviewRound.State.DECIDED,
        ):
            frozen = [n for n in DECLARED_FIELDS if n in fields and fields[n] != getattr(locked, n)]
            if frozen:
                raise DomainError(gettext("打分已开始，汇总方法、同分排序规则和分歧阈值已公布，不能修改。"))
        if locked.state == ReviewRound.State.DECIDED:
            raise DomainError(gettext("评审已形成结论，不能再修改设置。"))
        changed = {}
        for name, value in fields.items():
            if getattr(locked, name) != value:
                changed[name] = [str(getattr(locked, name)), str(value)]
                setattr(locked, name, value)
        if changed:
            locked.save()
            record(
                locked,
                actor=by,
                action="edit",
                label=gettext_noop("修改评审轮次设置"),
                data={"changed": changed},
            )
    return locked


def criteria_set_create(
    *, by, name: str, purpose: str, description: str = "", copy_from: CriteriaSet | None = None
) -> CriteriaSet:
    """A new criteria set, or a new version of one (its criteria copied) to edit while the old stays
    frozen with the rounds that used it."""
    _require_officer(by)
    name = name.strip()
    if not name:
        raise DomainError(gettext("请填写评分标准名称。"))
    if purpose not in ReviewRound.Purpose.values:
        raise DomainError(gettext("无效的评分标准用途。"))
    with transaction.atomic():
        latest = CriteriaSet.objects.filter(name=name).order_by("-version").first()
        criteria_set = CriteriaSet.objects.create(
            name=name,
            purpose=purpose,
            description=description.strip(),
            version=(latest.version + 1) if latest else 1,
        )
        if copy_from is not None:
            Criterion.objects.bulk_create(
                [
                    Criterion(
                        criteria_set=criteria_set,
                        code=c.code,
                        name=c.name,
                        description=c.description,
                        weight=c.weight,
                        scale_max=c.scale_max,
                        levels=c.levels,
                        allow_na=c.allow_na,
                        order=c.order,
                    )
                    for c in copy_from.criteria.all()
                ]
            )
        record(
            criteria_set,
            actor=by,
            action="create",
            label=gettext_noop("新建评分标准")
            if copy_from is None
            else format_lazy("{}：{}", gettext_noop("新建评分标准版本"), copy_from),
        )
    return criteria_set


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
        raise DomainError(semicolon().join(errors))
    with transaction.atomic():
        locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
        if locked.frozen_at or locked.rounds.exclude(state=ReviewRound.State.SETUP).exists():
            raise DomainError(gettext("评分标准已冻结（评审已开始），不能修改；如需调整请新建版本。"))
        locked.criteria.all().delete()
        Criterion.objects.bulk_create(
            [Criterion(criteria_set=locked, order=i, **r) for i, r in enumerate(rows)]
        )
        record(
            locked,
            actor=by,
            action="edit",
            label=gettext_noop("修改评分标准"),
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


# The application states a selection round reviews: an application leaving them (returned, withdrawn)
# leaves the round's items as it always did.
SELECTION_STATES = (
    Application.State.IN_EXPERT_REVIEW,
    Application.State.REVIEWED,
    Application.State.SHORTLISTED,
    Application.State.NOT_SELECTED,
    Application.State.IN_PUBLICITY,
    Application.State.SELECTED,
)
# The pilot states in which an acceptance review makes sense: the request forwarded to the province, or
# already under acceptance review (a second round after a failed or incomplete first one).
ACCEPTANCE_STATES = (Pilot.State.ACCEPTANCE_FORWARDED, Pilot.State.IN_ACCEPTANCE_REVIEW)
ITEM_RELATED = (
    "application__organisation",
    "application__organisation__review_unit",
    "application__organisation__division",
    "pilot__organisation",
    "pilot__organisation__review_unit",
    "pilot__organisation__division",
)


def round_items(review_round: ReviewRound):
    """The items a round reviews, with their subjects and organisations joined: for a selection round
    the applications of its batch under (or after) expert review, for an acceptance round the pilots
    added to it (round_add_pilots)."""
    items = ReviewItem.objects.filter(round_id=review_round.pk).select_related(*ITEM_RELATED)
    if review_round.purpose == ReviewRound.Purpose.SELECTION:
        items = items.filter(application__state__in=SELECTION_STATES)
    return items


def round_applications(review_round: ReviewRound):
    """The applications of a selection round's items (the joint decision and publicity read these)."""
    return Application.objects.filter(
        review_items__round_id=review_round.pk, state__in=SELECTION_STATES
    ).select_related("organisation", "organisation__review_unit", "organisation__division")


def items_materialise(review_round: ReviewRound) -> int:
    """Create the items of a selection round: one per application of its batch under (or after) expert
    review that has none yet. Idempotent; run when the round is created, when it leaves set-up, and when
    an application of the batch enters expert review (reviews.apps), so the set is the one the round
    always reviewed. An acceptance round's items are added by round_add_pilots."""
    if review_round.purpose != ReviewRound.Purpose.SELECTION:
        return 0
    missing = (
        Application.objects.filter(batch_id=review_round.batch_id, state__in=SELECTION_STATES)
        .exclude(review_items__round_id=review_round.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    created = ReviewItem.objects.bulk_create(
        [ReviewItem(round_id=review_round.pk, application_id=pk) for pk in missing], ignore_conflicts=True
    )
    return len(created)


def items_materialise_for_application(application: Application) -> int:
    """An application is entering expert review (the transition's signal, before the row is saved): it
    becomes an item of its batch's selection rounds that are not decided yet."""
    rounds = ReviewRound.objects.filter(
        batch_id=application.batch_id, purpose=ReviewRound.Purpose.SELECTION
    ).exclude(state=ReviewRound.State.DECIDED)
    created = ReviewItem.objects.bulk_create(
        [
            ReviewItem(round_id=pk, application_id=application.pk)
            for pk in rounds.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    return len(created)


def round_add_pilots(*, review_round: ReviewRound, pilots, by) -> list[ReviewItem]:
    """Put pilots under an acceptance round: each becomes an item (once). Only while the round is being
    set up, only pilots of the round's batch whose acceptance request reached the province."""
    _require_officer(by)
    with transaction.atomic():
        locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        if locked.purpose != ReviewRound.Purpose.ACCEPTANCE:
            raise DomainError(gettext("只有验收评审可以加入试点单位。"))
        if locked.state != ReviewRound.State.SETUP:
            raise DomainError(gettext("评审已开始，不能再加入试点单位。"))
        pilots = list(Pilot.objects.filter(pk__in=[p.pk for p in pilots]).select_related("organisation"))
        refused = [p for p in pilots if p.batch_id != locked.batch_id or p.state not in ACCEPTANCE_STATES]
        if refused:
            raise DomainError(
                gettext("%(names)s不是本批次已报省验收的试点单位，不能加入本轮验收评审。")
                % {"names": enumeration_comma().join(p.organisation.name for p in refused)}
            )
        from .acceptance import check_pilots_for_round

        check_pilots_for_round(locked, pilots)
        have = set(locked.items.filter(pilot__in=pilots).values_list("pilot_id", flat=True))
        added = [ReviewItem.objects.create(round=locked, pilot=p) for p in pilots if p.pk not in have]
        for item in added:
            # Put under review by the round that reviews it: the only way a pilot enters 验收评审中.
            if item.pilot.state == Pilot.State.ACCEPTANCE_FORWARDED:
                perform_transition(
                    Pilot, item.pilot_id, "start_acceptance_review", by=by, data={"round": locked.pk}
                )
        if added:
            record(
                locked,
                actor=by,
                action="add_pilots",
                label=gettext_noop("加入验收评审的试点单位"),
                data={
                    "pilots": [i.pilot_id for i in added],
                    "items": [i.pk for i in added],
                    "internal": True,
                },
            )
    return added


# Expert pool ------------------------------------------------------------------------------------
def _add_expert(*, name: str, employer: str, phone: str, email: str = "", activation: bool, **fields):
    """The pool's one way in: the expert, a portal account (username = "zj" + 手机号) with the expert role
    in an organisation for the employer, the audit entry. Returns (expert, whether the account is new).

    With `activation`, a new account gets an unusable password (no hashing: an import of a thousand rows
    once spent minutes hashing passwords nobody knew) and a mail with a link to set one (the password reset
    page, valid PASSWORD_RESET_TIMEOUT); `expert_activation_send` sends it again."""
    User = get_user_model()
    if Expert.objects.filter(phone=phone).exists():
        raise DomainError(gettext("手机号%(phone)s的专家已在专家库中。") % {"phone": phone})
    user, created = User.objects.get_or_create(
        username=f"zj{phone}", defaults={"full_name": name, "email": email}
    )
    if created:
        if activation:
            user.set_unusable_password()
        else:
            user.set_password(secrets.token_urlsafe(16))
        user.save()
    expert = Expert.objects.create(
        user=user, name=name, employer=employer, phone=phone, email=email, **fields
    )
    from organisations.models import Organisation

    home, _ = Organisation.objects.get_or_create(
        name=employer, defaults={"kind": Organisation.Kind.EXPERT_HOME}
    )
    Membership.objects.get_or_create(user=user, organisation=home, role=Role.EXPERT)
    return expert, created


def expert_create(*, by, name: str, employer: str, phone: str, email: str = "", **fields) -> Expert:
    """Add an expert to the pool with a portal account (username = 手机号; password set by reset link)."""
    _require_officer(by)
    with transaction.atomic():
        expert, _created = _add_expert(
            name=name, employer=employer, phone=phone, email=email, activation=False, **fields
        )
        record(expert, actor=by, action="create", label=gettext_noop("加入专家库"))
    return expert


def expert_activation_send(*, expert: Expert, by=None) -> bool:
    """Mail the expert a link to set the password of an account that has none yet (after an import).
    False when there is nothing to send: a password is set already, or no e-mail address is known."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    if by is not None:
        _require_officer(by)
    user = expert.user
    if user.has_usable_password() or not user.email or not user.is_active:
        return False
    url = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    notify(
        [user],
        kind="expert_activation",
        title=gettext("您已加入陕西省低碳近零碳试点评审专家库，请设置平台登录密码"),
        body=gettext(
            "用户名：%(username)s。请打开下面的链接设置密码，链接%(days)s天内有效；过期后请联系省生态环境厅重新发送。"
        )
        % {"username": user.username, "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)},
        url=url,
    )
    if by is not None:
        record(expert, actor=by, action="activation_send", label=gettext_noop("发送账号激活邮件"))
    return True


# The rows of an import are added in batches, each in its own short transaction: the database is never
# held for the whole file, and other users' requests pass between batches.
IMPORT_BATCH_SIZE = 25
# The task pauses this long between batches, so that a request waiting for SQLite's write lock (make run)
# gets it before the next batch does; on PostgreSQL a batch locks only its own rows.
IMPORT_PAUSE_SECONDS = 0.2
_IMPORT_KEYS = {
    "review_unit": "review_unit_id",
    "division": "division_id",
    "employer_organisation": "employer_organisation_id",
}


def _import_row(fields: dict) -> dict:
    """A checked row (reviews.resources) as JSON: places and organisations by key."""
    return {
        _IMPORT_KEYS.get(name, name): (value.pk if hasattr(value, "pk") else value)
        for name, value in fields.items()
    }


def expert_import_queue(*, by, rows: list[tuple[int, dict]], file_name: str = ""):
    """Queue an import of rows already checked, all of them (reviews.resources.ExpertResource.rows_from):
    a job row holds them, the task adds them (reviews.tasks.import_experts) and the page shows progress."""
    from core.queue import enqueue_on_commit

    from .models import ExpertImportJob
    from .tasks import import_experts

    _require_officer(by)
    if not rows:
        raise DomainError(gettext("文件中没有专家数据。"))
    with transaction.atomic():
        job = ExpertImportJob.objects.create(
            created_by=by,
            file_name=file_name[:255],
            total=len(rows),
            rows=[[number, _import_row(fields)] for number, fields in rows],
        )
        record(
            job,
            actor=by,
            action="queue",
            label=gettext_noop("提交专家库批量导入"),
            data={"rows": len(rows), "file": job.file_name},
        )
        enqueue_on_commit(import_experts, job.pk)
    return job


def expert_import_batch(job_id: int, size: int = IMPORT_BATCH_SIZE) -> bool:
    """Add the job's next `size` rows in one short transaction; True while rows remain.

    Idempotent: the job row is locked and `done` moves on in the same transaction as the experts, so a
    repeated or concurrent delivery of the task continues where the last batch committed. A row the pool
    refuses now (its mobile number entered meanwhile) is reported in the job and skipped. When the last
    batch is done, the import's audit entry is written with the counts."""
    from .models import ExpertImportJob

    with transaction.atomic():
        job = ExpertImportJob.objects.select_for_update().select_related("created_by").get(pk=job_id)
        if job.state == ExpertImportJob.State.DONE:
            return False
        by = job.created_by
        start = job.done
        for number, fields in job.rows[start : start + size]:
            try:
                with transaction.atomic():
                    expert, _created = _add_expert(activation=True, **fields)
                    record(
                        expert,
                        actor=by,
                        action="import",
                        label=gettext_noop("批量导入专家库"),
                        data={"job": job.pk, "row": number},
                    )
                    expert_activation_send(expert=expert)
            except (DomainError, IntegrityError) as error:
                message = error.message if isinstance(error, DomainError) else gettext("该行与已有数据冲突。")
                job.errors.append(
                    gettext("第%(number)s行：%(message)s") % {"number": number, "message": message}
                )
            else:
                job.created += 1
            job.done += 1
        job.state = ExpertImportJob.State.RUNNING if job.done < job.total else ExpertImportJob.State.DONE
        if job.state == ExpertImportJob.State.DONE:
            job.finished_at = timezone.now()
            record(
                job,
                actor=by,
                action="import",
                label=gettext_noop("完成专家库批量导入"),
                data={"rows": job.total, "created": job.created, "refused": len(job.errors)},
            )
        job.save(update_fields=["state", "done", "created", "errors", "finished_at", "updated_at"])
        return job.state != ExpertImportJob.State.DONE


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
            record(
                locked, actor=by, action="edit", label=gettext_noop("修改专家信息"), data={"changed": changed}
            )
    return locked


def rule_conflicts_for(expert: Expert, item: ReviewItem) -> list[tuple[str, str]]:
    """The conflicts the rules find between an expert and an item's subject (an application or a pilot:
    its organisation, county, city and delegated technical agencies): (kind, detail)."""
    found = []
    org = item.organisation
    if expert.employer_organisation_id and expert.employer_organisation_id == org.pk:
        found.append((Conflict.Kind.EMPLOYER, gettext("专家就职于%(name)s") % {"name": org.name}))
    agencies = {a.pk for a in item.delegated_agencies}
    if expert.employer_organisation_id and expert.employer_organisation_id in agencies:
        found.append(
            (Conflict.Kind.AGENCY, gettext("专家就职于为%(name)s编制材料的技术服务机构") % {"name": org.name})
        )
    hosts = {d.pk for d in org.host_divisions.all()} | ({org.division_id} if org.division_id else set())
    if expert.division_id and expert.division_id in hosts:
        found.append((Conflict.Kind.SAME_COUNTY, gettext("专家与申报单位在同一县（市、区）")))
    elif expert.review_unit_id and expert.review_unit_id == org.review_unit_id:
        found.append(
            (Conflict.Kind.SAME_CITY, gettext("专家与申报单位同属%(name)s") % {"name": org.review_unit.name})
        )
    return found


def conflicts_propose(*, review_round: ReviewRound) -> int:
    """Record every rule conflict of the round (idempotent)."""
    items = list(
        round_items(review_round).prefetch_related(
            "application__delegated_agencies",
            "application__organisation__host_divisions",
            "pilot__delegated_agencies",
            "pilot__organisation__host_divisions",
        )
    )
    experts = list(Expert.objects.filter(active=True))
    existing = set(review_round.conflicts.values_list("expert_id", "item_id", "kind"))
    new = []
    for expert in experts:
        for item in items:
            for kind, detail in rule_conflicts_for(expert, item):
                if (expert.user_id, item.pk, kind) not in existing:
                    new.append(
                        Conflict(
                            round=review_round,
                            expert_id=expert.user_id,
                            item=item,
                            kind=kind,
                            source=Conflict.Source.RULE,
                            detail=detail,
                        )
                    )
    Conflict.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def active_conflict_pairs(review_round: ReviewRound) -> set[tuple[int, int]]:
    return set(review_round.conflicts.filter(overridden_by__isnull=True).values_list("expert_id", "item_id"))


def conflict_override(*, conflict: Conflict, by, reason: str) -> Conflict:
    _require_officer(by)
    if not reason.strip():
        raise DomainError(gettext("排除利益冲突须填写理由。"))
    with transaction.atomic():
        locked = Conflict.objects.select_for_update().get(pk=conflict.pk)
        if locked.source == Conflict.Source.DECLARED:
            raise DomainError(gettext("专家本人声明的利益冲突不能排除。"))
        locked.overridden_by = by
        locked.override_reason = reason.strip()
        locked.save(update_fields=["overridden_by", "override_reason"])
        record(
            locked.round,
            actor=by,
            action="conflict_override",
            label=gettext_noop("排除规则识别的利益冲突"),
            reason=reason,
            data={
                "expert": locked.expert_id,
                "item": locked.item_id,
                "kind": locked.kind,
                "internal": True,
            },
        )
    return locked


def conflicts_refresh(*, review_round: ReviewRound, by) -> int:
    """Run the conflict rules again (experts or applications added since the criteria were frozen)."""
    _require_officer(by)
    with transaction.atomic():
        ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        items_materialise(review_round)
        count = conflicts_propose(review_round=review_round)
        record(
            review_round,
            actor=by,
            action="conflicts_proposed",
            label=gettext_noop("按规则识别利益冲突"),
            data={"count": count, "internal": True},
        )
    return count


DECLARABLE_STATES = (ReviewRound.State.DECLARING, ReviewRound.State.ASSIGNING, ReviewRound.State.SCORING)
RESPONDABLE_STATES = (ReviewRound.State.ASSIGNING, ReviewRound.State.SCORING)


def _lock_round_shared(pk) -> ReviewRound:
    """Hold the round while an expert writes, and read its state as committed.

    On PostgreSQL this is a FOR SHARE lock: experts' saves run side by side, but an officer's round
    transition (perform_transition locks the round FOR UPDATE) waits for the saves in progress, and a
    save that starts during the transition waits for it and then sees the new state. So a score is
    either in before the round is aggregated or refused after, never changed underneath the aggregation.
    The round is always locked before assignments and applications, as the officer's services do.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT 1 FROM "{ReviewRound._meta.db_table}" WHERE "id" = %s FOR SHARE', [pk])
    return ReviewRound.objects.select_related("criteria_set").get(pk=pk)


def has_active_conflict(expert, item: ReviewItem) -> bool:
    """The same test as reviews.selectors.expert_item_ids: a conflict with the item's subject, in any
    round (the same application or pilot under another item), not overridden."""
    from .selectors import conflicts_with_subject

    return conflicts_with_subject(item).filter(expert=expert, overridden_by__isnull=True).exists()


def _declare_conflict(review_round, expert, item_id, kind: str, detail: str) -> Conflict:
    """Record a conflict the expert declares. A rule conflict of the same kind that an officer had
    overridden becomes the expert's own declaration again: a declared conflict cannot be overridden."""
    conflict, _ = Conflict.objects.update_or_create(
        round=review_round,
        expert=expert,
        item_id=item_id,
        kind=kind,
        defaults={
            "source": Conflict.Source.DECLARED,
            "detail": detail[:255],
            "overridden_by": None,
            "override_reason": "",
        },
    )
    return conflict


def declaration_submit(
    *, review_round: ReviewRound, by, conflicts: list[tuple[int, str, str]]
) -> Declaration:
    """The expert's declaration for the round, made from the applicants' names before any material opens.

    conflicts: [] means no conflict; else (item id, conflict kind, detail), several kinds for one
    applicant allowed. A conflict releases any task the expert already holds on that applicant (the
    officers are told once, with the names) and keeps the applicant closed to the expert for good.
    """
    if not Expert.objects.filter(user=by, active=True).exists():
        raise ActionNotPermitted()
    with transaction.atomic():
        locked = _lock_round_shared(review_round.pk)
        if locked.state not in DECLARABLE_STATES:
            raise DomainError(
                gettext("本轮评审当前为「%(state)s」，不接受利益冲突申报。")
                % {"state": locked.get_state_display()}
            )
        if Declaration.objects.filter(round=locked, expert=by).exists():
            raise DomainError(gettext("您已完成本轮利益冲突申报；如有新情况，请在相应评审任务中申请回避。"))
        names = {item.pk: item.display_name for item in round_items(locked)}
        wanted: dict[tuple[int, str], str] = {}
        errors = []
        for item_id, kind, detail in conflicts:
            name = names.get(item_id)
            detail = (detail or "").strip()
            if name is None:
                errors.append(gettext("申报名单已变化，请刷新页面后重新申报。"))
            elif kind not in Conflict.Kind.values:
                errors.append(gettext("请为「%(name)s」选择利益冲突类型。") % {"name": name})
            elif kind == Conflict.Kind.OTHER and not detail:
                errors.append(gettext("「%(name)s」的冲突类型为“其他”，请说明具体情况。") % {"name": name})
            else:
                wanted[(item_id, kind)] = detail
        if errors:
            raise DomainError(semicolon().join(dict.fromkeys(errors)))
        try:
            with transaction.atomic():
                declaration = Declaration.objects.create(round=locked, expert=by, no_conflict=not wanted)
        except IntegrityError:  # the same declaration posted twice at once
            raise DomainError(
                gettext("您已完成本轮利益冲突申报；如有新情况，请在相应评审任务中申请回避。")
            ) from None
        for (item_id, kind), detail in wanted.items():
            _declare_conflict(locked, by, item_id, kind, detail)
        conflicted = sorted({item_id for item_id, _ in wanted})
        released = [
            a for a in (_release_conflicted_assignment(locked, by, pk) for pk in conflicted) if a is not None
        ]
        record(
            locked,
            actor=by,
            action="declare",
            label=gettext_noop("专家申报利益冲突"),
            data={
                "no_conflict": not wanted,
                "conflicts": [[pk, kind] for pk, kind in wanted],
                "released": [a.pk for a in released],
                "internal": True,
            },
        )
        if released:
            notify(
                users_with_role(Role.PROVINCE_OFFICER),
                kind="assignment_declined",
                title=f"{by.display_name}声明与{len(released)}项已分配的评审任务存在利益冲突，请重新分配",
                body="涉及：" + "、".join(names[a.item_id] for a in released),
                url=reverse("reviews:detail", args=[locked.pk]),
            )
    return declaration


def _release_conflicted_assignment(review_round, expert, item_id) -> ReviewAssignment | None:
    """Take a task off an expert who declared a conflict with its applicant; the caller tells the officers."""
    assignment = (
        review_round.assignments.select_for_update()
        .filter(expert=expert, item_id=item_id)
        .exclude(state=A.DECLINED)
        .first()
    )
    if assignment is None:
        return None
    assignment.state = A.DECLINED
    assignment.decline_reason = gettext("存在利益冲突（专家声明）")
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["state", "decline_reason", "declared_at"])
    return assignment


# Assignment -------------------------------------------------------------------------------------
def _loads(review_round: ReviewRound) -> dict[int, int]:
    return dict(
        review_round.assignments.exclude(state=A.DECLINED)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )


def assignment_create(*, review_round: ReviewRound, expert, item: ReviewItem, by) -> ReviewAssignment:
    _require_officer(by)
    with transaction.atomic():
        locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        if locked.state not in (ReviewRound.State.ASSIGNING, ReviewRound.State.SCORING):
            raise DomainError(gettext("只能在“分配评审任务”或“专家打分”阶段分配任务。"))
        if not Expert.objects.filter(user=expert, active=True).exists():
            raise DomainError(gettext("该专家不在专家库中或已停用。"))
        item = round_items(locked).filter(pk=item.pk).first()
        if item is None:
            raise DomainError(gettext("该申报书不在本轮评审范围内。"))
        conflicts_propose(review_round=locked)  # an expert added to the pool since freezing is checked too
        if (expert.pk, item.pk) in active_conflict_pairs(locked):
            raise DomainError(
                gettext("%(expert)s与%(name)s存在利益冲突，不能分配。")
                % {"expert": expert, "name": item.display_name}
            )
        if _loads(locked).get(expert.pk, 0) >= locked.max_per_expert:
            raise DomainError(
                gettext("%(expert)s的评审任务已达上限（%(max_per_expert)s项）。")
                % {"expert": expert, "max_per_expert": locked.max_per_expert}
            )
        taken = locked.assignments.filter(item=item).exclude(state=A.DECLINED)
        if taken.count() >= locked.experts_per_item:
            raise DomainError(
                gettext("%(name)s已分配%(experts_per_item)s位专家。")
                % {"name": item.display_name, "experts_per_item": locked.experts_per_item}
            )
        if taken.filter(expert=expert).exists():
            raise DomainError(gettext("该专家已分配此申报书。"))
        assignment, created = ReviewAssignment.objects.get_or_create(
            round=locked,
            expert=expert,
            item=item,
            defaults={"assigned_by": by},
        )
        if not created:  # a declined assignment given again: start afresh
            assignment.state, assignment.decline_reason, assignment.assigned_by = A.ASSIGNED, "", by
            assignment.save(update_fields=["state", "decline_reason", "assigned_by"])
        record(
            locked,
            actor=by,
            action="assign",
            label=gettext_noop("分配评审任务"),
            data={"expert": expert.pk, "item": item.pk, "internal": True},
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
            raise DomainError(gettext("只能在“分配评审任务”或“专家打分”阶段分配任务。"))
        items_materialise(locked)
        conflicts_propose(review_round=locked)
        conflicts = active_conflict_pairs(locked)
        experts = list(
            Expert.objects.filter(active=True).values_list("user_id", flat=True).order_by("user_id")
        )
        loads = {e: 0 for e in experts} | _loads(locked)
        existing: dict[int, set[int]] = {}
        for expert_id, item_id in locked.assignments.exclude(state=A.DECLINED).values_list(
            "expert_id", "item_id"
        ):
            existing.setdefault(item_id, set()).add(expert_id)
        declined = set(locked.assignments.filter(state=A.DECLINED).values_list("expert_id", "item_id"))
        new, unfilled = [], []
        # In the order of the subjects (the applications' order before items existed).
        subjects = round_items(locked).order_by("application_id", "pilot_id").values_list("pk", flat=True)
        for item_id in subjects:
            have = existing.get(item_id, set())
            need = locked.experts_per_item - len(have)
            candidates = sorted(
                (
                    e
                    for e in experts
                    if e not in have
                    and (e, item_id) not in conflicts
                    and (e, item_id) not in declined
                    and loads[e] < locked.max_per_expert
                ),
                key=lambda e: (loads[e], e),
            )
            for expert_id in candidates[: max(need, 0)]:
                new.append(
                    ReviewAssignment(round=locked, expert_id=expert_id, item_id=item_id, assigned_by=by)
                )
                loads[expert_id] += 1
            if need > len(candidates):
                unfilled.append((item_id, need - len(candidates)))
        ReviewAssignment.objects.bulk_create(new)
        record(
            locked,
            actor=by,
            action="auto_assign",
            label=gettext_noop("自动分配评审任务"),
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
            raise DomainError(gettext("专家已提交评分，不能撤销该任务。"))
        record(
            locked.round,
            actor=by,
            action="unassign",
            label=gettext_noop("撤销评审任务"),
            data={"expert": locked.expert_id, "item": locked.item_id, "internal": True},
        )
        locked.delete()


def assignment_respond(
    *, assignment: ReviewAssignment, by, accept: bool, reason: str = "", conflict_kind: str = ""
) -> ReviewAssignment:
    """The expert confirms a task (no conflict with this applicant) or declines it with a reason.

    Confirming needs the round's declaration first and no active conflict: only then does the material
    open. Declining is open before confirmation for any reason; after confirmation only as a recusal
    for a conflict found in the material (with its kind). A declared conflict is recorded as such.
    """
    reason = (reason or "").strip()
    if conflict_kind and conflict_kind not in Conflict.Kind.values:
        raise DomainError(gettext("无效的利益冲突类型。"))
    with transaction.atomic():
        review_round = _lock_round_shared(assignment.round_id)
        locked = (
            ReviewAssignment.objects.select_for_update(of=("self",))
            .select_related(*(f"item__{r}" for r in ITEM_RELATED))
            .get(pk=assignment.pk)
        )
        if locked.expert_id != by.pk:
            raise ActionNotPermitted()
        if review_round.state not in RESPONDABLE_STATES:
            raise DomainError(
                gettext("本轮评审当前为「%(state)s」，不能确认或谢绝评审任务。")
                % {"state": review_round.get_state_display()}
            )
        name = locked.item.display_name
        if accept:
            if locked.state != A.ASSIGNED:
                raise DomainError(gettext("该任务已确认或已谢绝。"))
            if not Declaration.objects.filter(round=review_round, expert=by).exists():
                raise DomainError(gettext("请先完成本轮利益冲突申报，再确认评审任务。"))
            if has_active_conflict(by, locked.item):
                raise DomainError(
                    gettext("您与「%(name)s」存在利益冲突，不能确认该任务；请谢绝并说明理由。")
                    % {"name": name}
                )
            locked.state, locked.declared_at = A.ACCEPTED, timezone.now()
            label = gettext("确认评审任务（声明无利益冲突）")
        else:
            if locked.state == A.ACCEPTED and not conflict_kind:
                raise DomainError(gettext("已确认的任务只能因利益冲突申请回避，请选择冲突类型并说明理由。"))
            if locked.state not in (A.ASSIGNED, A.ACCEPTED):
                raise DomainError(
                    gettext("该任务已谢绝。")
                    if locked.state == A.DECLINED
                    else gettext("评分已提交，不能谢绝；如有问题请联系省生态环境厅。")
                )
            if not reason:
                raise DomainError(gettext("谢绝评审任务须填写理由。"))
            if conflict_kind:
                _declare_conflict(review_round, by, locked.item_id, conflict_kind, reason)
            was_accepted = locked.state == A.ACCEPTED
            locked.state, locked.decline_reason, locked.declared_at = A.DECLINED, reason, timezone.now()
            label = gettext("因利益冲突申请回避") if was_accepted else gettext("谢绝评审任务")
            notify(
                users_with_role(Role.PROVINCE_OFFICER),
                kind="assignment_declined",
                title=f"{by.display_name}{'申请回避' if was_accepted else '谢绝了'}「{name}」的评审任务，请重新分配",
                body=f"理由：{reason}"
                + (
                    f"（利益冲突：{chinese_label(Conflict.Kind(conflict_kind).label)}）"
                    if conflict_kind
                    else ""
                ),
                url=reverse("reviews:detail", args=[review_round.pk]),
            )
        locked.save(update_fields=["state", "decline_reason", "declared_at"])
        record(
            review_round,
            actor=by,
            action="respond",
            label=label,
            reason=reason,
            data={
                "item": locked.item_id,
                "accept": accept,
                "conflict_kind": conflict_kind,
                "internal": True,
            },
        )
    return locked


# Scoring ----------------------------------------------------------------------------------------
SCORE_STEP = Decimal("0.01")


def extreme_bounds(criterion: Criterion) -> tuple[Decimal, Decimal]:
    """A score at or below the first bound, or at or above the second, needs a comment to be submitted."""
    return criterion.scale_max * EXTREME_LOW, criterion.scale_max * EXTREME_HIGH


def is_extreme(criterion: Criterion, value: Decimal) -> bool:
    low, high = extreme_bounds(criterion)
    return value <= low or value >= high


def _number(value: Decimal) -> str:
    """9.50 -> "9.5", 3.00 -> "3": how a score reads in a message."""
    text = format(value.normalize(), "f")
    return text if len(text) <= 12 else f"{value:.3g}"


def _parse_score(raw) -> Decimal | None:
    """A score as typed or passed: None when blank; ValueError when not a finite number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    try:
        value = Decimal(str(raw).strip()) if not isinstance(raw, Decimal) else raw
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


def _sheet_from(assignment: ReviewAssignment) -> dict:
    """The stored sheet {criterion code: value, or None for n/a}; criteria not yet scored are left out
    (a blank row is not an n/a)."""
    return {
        s.criterion.code: (None if s.is_na else s.value)
        for s in assignment.scores.select_related("criterion")
        if s.is_na or s.value is not None
    }


def scores_save(
    *,
    assignment: ReviewAssignment,
    by,
    values: dict,
    opinion: str,
    submit: bool,
    change_reason: str = "",
    vetoes: dict | None = None,
) -> ReviewAssignment:
    """Save (and optionally submit) an expert's sheet.

    values: {criterion code: {"value": Decimal | str | None, "na": bool, "comment": str}}; criteria left
    out keep what was saved before. Every save refuses a value outside 0..scale_max, more than two
    decimals, or n/a where the criterion does not allow it. Submitting also needs every criterion scored
    (or n/a), a comment for each extreme score and an overall opinion. A refusal changes nothing.

    Once submitted, the sheet can only be resubmitted, with a change reason, as a new ScoreVersion that
    the officers see (and are told about), and only while the round is scoring.

    An acceptance round (scored against an indicator system) has no extreme-score rule; instead every
    save needs the comment (explanation) of each indicator whose score departs from the pilot's
    self-score by more than the round's threshold, and `vetoes` ({veto code: note}, when given) replace
    the vetoes the expert found raised (reviews.acceptance).
    """
    opinion = (opinion or "").strip()
    change_reason = (change_reason or "").strip()
    if vetoes is not None:
        vetoes = {code: (note or "").strip() for code, note in vetoes.items()}
    with transaction.atomic():
        review_round = _lock_round_shared(assignment.round_id)
        locked = (
            ReviewAssignment.objects.select_for_update(of=("self",))
            .select_related(*(f"item__{r}" for r in ITEM_RELATED))
            .get(pk=assignment.pk)
        )
        if locked.expert_id != by.pk:
            raise ActionNotPermitted()
        if review_round.state != ReviewRound.State.SCORING:
            raise DomainError(
                gettext("本轮评审当前为「%(state)s」，不在打分阶段，评分不能修改。")
                % {"state": review_round.get_state_display()}
            )
        if locked.state not in (A.ACCEPTED, A.SUBMITTED):
            raise DomainError(gettext("请先确认评审任务（声明无利益冲突）后再打分。"))
        if not Declaration.objects.filter(round=review_round, expert=by).exists():
            raise DomainError(gettext("请先完成本轮利益冲突申报。"))
        if has_active_conflict(by, locked.item):
            raise DomainError(gettext("您与该申报单位存在利益冲突，不能打分。"))
        resubmission = locked.state == A.SUBMITTED
        if resubmission and not submit:
            raise DomainError(gettext("评分已提交，不能再保存为草稿；如需修改，请填写修改理由后重新提交。"))
        if resubmission and not change_reason:
            raise DomainError(gettext("修改已提交的评分须填写修改理由。"))
        criteria = list(review_round.criteria_set.criteria.all()) if review_round.criteria_set_id else []
        if not criteria:
            raise DomainError(gettext("本轮评审尚未设置评分标准。"))
        by_code = {c.code: c for c in criteria}
        stored = {s.criterion_id: s for s in locked.scores.all()}
        rows: dict[str, tuple[Decimal | None, bool, str]] = {
            c.code: (s.value, s.is_na, s.comment) for c in criteria if (s := stored.get(c.pk)) is not None
        }
        changed: dict[str, tuple[Decimal | None, bool, str]] = {}
        errors: list[str] = []
        for code, entry in values.items():
            criterion = by_code.get(code)
            if criterion is None:
                errors.append(gettext("评分表包含未知的评分项，请刷新页面后重试。"))
                continue
            na = bool(entry.get("na"))
            comment = (entry.get("comment") or "").strip()
            try:
                value = None if na else _parse_score(entry.get("value"))
            except ValueError:
                errors.append(gettext("「%(name)s」的分值不是有效数字。") % {"name": criterion.display_name})
                continue
            if na and not criterion.allow_na:
                errors.append(
                    gettext("「%(name)s」不允许选择“不适用”，请打分。") % {"name": criterion.display_name}
                )
            elif value is not None and not 0 <= value <= criterion.scale_max:
                errors.append(
                    gettext("「%(name)s」的分值应在0至%(scale_max)s分之间，您填写的是%(number)s分。")
                    % {
                        "name": criterion.display_name,
                        "scale_max": criterion.scale_max,
                        "number": _number(value),
                    }
                )
            elif value is not None and value != value.quantize(SCORE_STEP):
                errors.append(
                    gettext("「%(name)s」的分值最多保留两位小数。") % {"name": criterion.display_name}
                )
            else:
                value = None if value is None else value.quantize(SCORE_STEP)
                changed[code] = rows[code] = (value, na, comment)
        indicator_system = review_round.acceptance_system_id is not None
        if indicator_system and not errors:
            from .acceptance import departure_errors, veto_errors
            from .self_scores import self_evaluations_for

            own = self_evaluations_for([locked.item.pilot_id]).get(locked.item.pilot_id)
            if submit:  # a draft may be half-explained
                errors += departure_errors(review_round, criteria, rows, own.items if own else {})
            errors += veto_errors(review_round, vetoes or {})
        if submit and not errors:
            for criterion in criteria:
                value, na, comment = rows.get(criterion.code, (None, False, ""))
                if value is None and not na:
                    errors.append(gettext("「%(name)s」尚未打分。") % {"name": criterion.display_name})
                elif (
                    value is not None
                    and not indicator_system
                    and is_extreme(criterion, value)
                    and not comment
                ):
                    low, high = extreme_bounds(criterion)
                    errors.append(
                        gettext(
                            "「%(name)s」评分为%(number)s分，属极端分值（不高于%(number2)s分或不低于%(number3)s分），须填写评语说明理由。"
                        )
                        % {
                            "name": criterion.display_name,
                            "number": _number(value),
                            "number2": _number(low),
                            "number3": _number(high),
                        }
                    )
            if not opinion:
                errors.append(gettext("提交评分须填写综合意见。"))
        if errors:
            raise DomainError(semicolon().join(dict.fromkeys(errors)))
        for code, (value, na, comment) in changed.items():
            if value is None and not na and not comment:
                Score.objects.filter(assignment=locked, criterion=by_code[code]).delete()
            else:
                Score.objects.update_or_create(
                    assignment=locked,
                    criterion=by_code[code],
                    defaults={"value": value, "is_na": na, "comment": comment},
                )
        if indicator_system and vetoes is not None:
            current = {f.code: f for f in locked.veto_findings.all()}
            for code, finding in current.items():
                if code not in vetoes:
                    finding.delete()
            for code, note in vetoes.items():
                VetoFinding.objects.update_or_create(assignment=locked, code=code, defaults={"note": note})
        locked.overall_opinion = opinion
        fields = ["overall_opinion"]
        if submit:
            sheet = {
                code: (None if na else value)
                for code, (value, na, _c) in rows.items()
                if na or value is not None
            }
            specs = [c.as_spec() for c in criteria]
            problems = aggregation.validate_sheet(sheet, specs)
            if problems:  # the checks above should have caught it; never store a sheet that cannot be scored
                raise DomainError(semicolon().join(problems))
            data = {
                "scores": {c.code: (None if sheet[c.code] is None else str(sheet[c.code])) for c in criteria},
                "comments": {c.code: rows[c.code][2] for c in criteria},
                "opinion": opinion,
            }
            if indicator_system:
                data["vetoes"] = (
                    dict(sorted(vetoes.items()))
                    if vetoes is not None
                    else dict(locked.veto_findings.order_by("code").values_list("code", "note"))
                )
            previous = locked.versions.order_by("-number").first()
            if resubmission and previous is not None and previous.data == data:
                raise DomainError(
                    gettext("评分与已提交的第%(number)s版相同，无需重新提交。") % {"number": previous.number}
                )
            locked.state, locked.submitted_at, locked.version = (
                A.SUBMITTED,
                timezone.now(),
                locked.version + 1,
            )
            fields += ["state", "submitted_at", "version"]
            ScoreVersion.objects.create(
                assignment=locked,
                number=locked.version,
                total=aggregation.weighted_total(sheet, specs),
                reason=change_reason if resubmission else "",
                data=data,
            )
        locked.save(update_fields=fields)
        if submit:
            name = locked.item.display_name
            record(
                review_round,
                actor=by,
                action="score_submit",
                label=gettext_noop("修改已提交的评分") if resubmission else gettext_noop("提交评分"),
                reason=change_reason if resubmission else "",
                data={"item": locked.item_id, "version": locked.version, "internal": True},
            )
            if resubmission:
                notify(
                    users_with_role(Role.PROVINCE_OFFICER),
                    kind="score_changed",
                    title=f"{by.display_name}修改了对「{name}」已提交的评分（第{locked.version}版）",
                    body=f"修改理由：{change_reason}",
                    url=reverse("reviews:detail", args=[review_round.pk]),
                )
            _finish_item_if_complete(locked, by)
    return locked


def _finish_item_if_complete(assignment: ReviewAssignment, by) -> None:
    """When every expert of a selection item has submitted, its application is marked reviewed, once.

    The application row is locked before counting: experts submitting the last sheets at the same time
    queue here, and the later one, reading after the earlier has committed, sees every sheet. (Without
    the lock each would see the other's sheet as still pending, and the item would never finish.)
    """
    from applications.services import application_finish_review

    application_id = assignment.item.application_id
    if application_id is None:  # an acceptance item: the pilot's outcome is decided elsewhere
        return
    application = Application.objects.select_for_update().get(pk=application_id)
    if application.state != Application.State.IN_EXPERT_REVIEW:
        return
    states = list(
        ReviewAssignment.objects.filter(round_id=assignment.round_id, item_id=assignment.item_id).values_list(
            "state", flat=True
        )
    )
    if any(s in (A.ASSIGNED, A.ACCEPTED) for s in states):
        return
    if states.count(A.SUBMITTED) < ReviewRound.objects.get(pk=assignment.round_id).experts_per_item:
        return
    # An automatic step: recorded under the system actor, never credited to an officer.
    application_finish_review(application=application, by=system_user(), rule="reviews.all_sheets_submitted")


# Decision ---------------------------------------------------------------------------------------
def _departures(rows, shortlist: set[int]) -> list:
    """Rows whose proposal does not follow the ranking.

    Following the ranking with k applications shortlisted means taking the first k. A row ranked above
    the cut and left out, or below it and taken, departs; when the cut falls inside a group of tied
    rows, every row of that group departs (who is taken from a tie must be explained)."""
    if not shortlist:
        return []

    def position(row) -> float:
        return row.ranked.rank if row.ranked and row.ranked.rank is not None else float("inf")

    ordered = sorted(rows, key=position)
    cut = position(ordered[len(shortlist) - 1])
    group = [r for r in ordered if position(r) == cut]
    above = sum(1 for r in ordered if position(r) < cut)
    split = above + len(group) > len(shortlist)
    departures = []
    for row in ordered:
        taken = row.item.application.pk in shortlist
        if position(row) == cut:
            if split or not taken:
                departures.append(row)
        elif taken != (position(row) < cut):
            departures.append(row)
    return departures


def lock_decision_round(review_round: ReviewRound, *, purpose: str, refusal: str) -> ReviewRound:
    """The row lock of a two-key decision on a round (the selection's here, the acceptance's in
    `naming`): proposals, confirmations and returns of one round queue here, so of two officers deciding
    at once one wins and the other finds the state the first one left. `refusal` if the round is not of
    `purpose`."""
    locked = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if locked.purpose != purpose:
        raise DomainError(refusal)
    return locked


def _lock_selection_round(review_round: ReviewRound) -> ReviewRound:
    return lock_decision_round(
        review_round,
        purpose=ReviewRound.Purpose.SELECTION,
        refusal=gettext("只有遴选评审可以提出和会签入选建议。"),
    )


def decision_propose(
    *, review_round: ReviewRound, by, shortlist: list[int], reasons: dict[int, str], note: str = ""
) -> int:
    """The ecology department proposes, from the ranking, who is shortlisted and who is not.

    Every application still open gets a proposal. Following the ranking needs no further word (the
    reason recorded is the rank and score); any departure from it, a split tie included, needs its
    own reason for each application concerned. The proposal is kept as a SelectionDecision row (and
    each application carries its proposal) until the finance department confirms or returns it; a
    returned proposal is revised and proposed again (`note` says what changed)."""
    from applications.services import application_finish_review, application_propose_decision

    from .results import round_results

    _require_officer(by)
    if review_round.purpose != ReviewRound.Purpose.SELECTION:
        raise DomainError(gettext("只有遴选评审可以提出入选建议。"))
    with transaction.atomic():
        review_round = _lock_selection_round(review_round)
        if review_round.state == ReviewRound.State.DECIDED:
            raise DomainError(gettext("本轮已形成评审结论，不能再提出入选建议。"))
        if review_round.state != ReviewRound.State.AGGREGATED:
            raise DomainError(gettext("须先揭示并汇总评分，再提出入选建议。"))
        results = round_results(review_round)
        if any(
            r.item.application.state == Application.State.REVIEWED and r.item.application.decision_proposal
            for r in results.rows
        ):
            raise DomainError(
                gettext("已提出的入选建议正待省财政厅会签，不能重复提出；如需修改，请待其会签或退回。")
            )
        open_states = (Application.State.IN_EXPERT_REVIEW, Application.State.REVIEWED)
        rows = [r for r in results.rows if r.item.application.state in open_states]
        if not rows:
            raise DomainError(gettext("没有待提出建议的申报书（均已会签确认）。"))
        chosen = set(shortlist)
        if chosen - {r.item.application.pk for r in rows}:
            raise DomainError(gettext("所选申报书不在本轮待决定的范围内，请刷新页面后重试。"))
        reasons = {pk: (text or "").strip() for pk, text in reasons.items()}
        departing = {r.item.application.pk for r in _departures(rows, chosen)}
        unexplained = [
            r.name
            for r in rows
            if r.item.application.pk in departing and not reasons.get(r.item.application.pk)
        ]
        if unexplained:
            raise DomainError(
                gettext("以下申报单位的建议与评审排名不一致（或拆分了并列名次），须逐一说明理由：")
                + enumeration_comma().join(unexplained)
            )
        items = []
        for row in rows:
            application = row.item.application
            if application.state == Application.State.IN_EXPERT_REVIEW:
                application = application_finish_review(application=application, by=by)
            rank = row.ranked.rank if row.ranked and row.ranked.rank else None
            reason = reasons.get(application.pk) or (
                gettext("评审排名第%(rank)s名（%(method_label)s%(primary)s分）")
                % {"rank": rank, "method_label": results.method_label, "primary": row.primary}
                if rank
                else gettext("尚无有效评分")
            )
            proposal = (
                Application.Proposal.SHORTLIST if application.pk in chosen else Application.Proposal.DECLINE
            )
            application_propose_decision(application=application, by=by, proposal=proposal, reason=reason)
            items.append(
                {
                    "application": application.pk,
                    "name": row.name,
                    "proposal": str(proposal),
                    "reason": reason,
                    "rank": rank,
                    "score": "" if row.primary is None else str(row.primary),
                    "departs": application.pk in departing,
                }
            )
        decision = SelectionDecision.objects.create(
            round=review_round,
            kind=SelectionDecision.Kind.PROPOSE,
            by=by,
            opinion=(note or "").strip(),
            items=items,
        )
        record(
            review_round,
            actor=by,
            action="reviews.proposal.propose",
            label=gettext_noop("提出拟入选名单建议"),
            reason=decision.opinion,
            data={
                "decision": decision.pk,
                "shortlist": sorted(chosen),
                "declined": sorted(
                    r.item.application.pk for r in rows if r.item.application.pk not in chosen
                ),
                "departures": sorted(departing),
                "internal": True,
            },
        )
    return len(rows)


def _pending_applications(review_round: ReviewRound) -> list[Application]:
    """The applications of the proposal waiting for the finance department, locked."""
    return list(
        round_applications(review_round)
        .filter(state=Application.State.REVIEWED)
        .exclude(decision_proposal="")
        .select_for_update(of=("self",))
        .order_by("pk")
    )


def _answerable(review_round: ReviewRound, by) -> tuple[ReviewRound, list[Application], object]:
    """Permission, lock and guards shared by confirming and returning a proposal."""
    from .permissions import can_answer_proposal
    from .results import REVEALED_STATES

    if not can_answer_proposal(by, review_round):
        raise ActionNotPermitted()
    review_round = _lock_selection_round(review_round)
    if review_round.state not in REVEALED_STATES:
        raise DomainError(gettext("评审结果尚未产生（评分未揭示汇总），没有可会签的入选建议。"))
    pending = _pending_applications(review_round)
    if not pending:
        raise DomainError(gettext("省生态环境厅尚未提出入选建议（或建议已会签、已退回），没有可会签的内容。"))
    proposal = (
        SelectionDecision.objects.filter(round=review_round, kind=SelectionDecision.Kind.PROPOSE)
        .order_by("at", "pk")
        .last()
    )
    return review_round, pending, proposal


def decision_confirm(*, review_round: ReviewRound, by, opinion: str = "") -> SelectionDecision:
    """The finance department confirms the ecology department's proposal as it stands (联合决定):
    every application of it becomes 拟入选 or 未入选 and its applicant is told."""
    from applications.services import application_confirm_decision

    with transaction.atomic():
        review_round, pending, proposal = _answerable(review_round, by)
        for application in pending:
            application_confirm_decision(application=application, by=by)
        decision = SelectionDecision.objects.create(
            round=review_round,
            kind=SelectionDecision.Kind.CONFIRM,
            by=by,
            opinion=(opinion or "").strip(),
            proposal=proposal,
        )
        shortlisted = [a.pk for a in pending if a.decision_proposal == Application.Proposal.SHORTLIST]
        record(
            review_round,
            actor=by,
            action="reviews.proposal.confirm",
            label=gettext_noop("会签确认入选建议"),
            reason=decision.opinion,
            data={
                "decision": decision.pk,
                "shortlisted": shortlisted,
                "declined": [a.pk for a in pending if a.pk not in shortlisted],
                "internal": True,
            },
        )
        notify(
            users_with_role(Role.PROVINCE_OFFICER),
            kind="decision_confirmed",
            title=(
                f"省财政厅已会签确认{review_round.name}的入选建议（拟入选{len(shortlisted)}个）"
                + (f"：{decision.opinion}" if decision.opinion else "")
            ),
            url=reverse("reviews:confirmations", args=[review_round.pk]),
        )
    return decision


def decision_return(*, review_round: ReviewRound, by, opinion: str) -> SelectionDecision:
    """The finance department returns the proposal to the ecology department with its opinion; the
    applications go back to 评审完成 without a proposal, to be revised and proposed again."""
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError(gettext("退回入选建议须填写意见，说明不同意之处。"), code="reason_required")
    with transaction.atomic():
        review_round, pending, proposal = _answerable(review_round, by)
        Application.objects.filter(pk__in=[a.pk for a in pending]).update(
            decision_proposal="", decision_proposed_by=None, updated_at=timezone.now()
        )
        decision = SelectionDecision.objects.create(
            round=review_round,
            kind=SelectionDecision.Kind.RETURN,
            by=by,
            opinion=opinion,
            proposal=proposal,
        )
        record(
            review_round,
            actor=by,
            action="reviews.proposal.return",
            label=gettext_noop("退回入选建议"),
            reason=opinion,
            data={"decision": decision.pk, "applications": [a.pk for a in pending], "internal": True},
        )
        notify(
            users_with_role(Role.PROVINCE_OFFICER),
            kind="decision_returned",
            title=f"省财政厅退回了{review_round.name}的入选建议，请修改后重新提出",
            body=opinion,
            url=reverse("reviews:decision", args=[review_round.pk]),
        )
    return decision


# Generated documents ----------------------------------------------------------------------------
def request_document(*, kind: str, key: str, batch, review_round=None, expert=None, data=None, version=1):
    """Ask for a PDF once: the row is created (or found) now and rendered after commit by a task;
    a document already rendered is never rendered again."""
    from core.queue import enqueue_on_commit
    from core.uploads import new_token

    from .tasks import render_document

    document, _ = ReviewDocument.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "batch": batch,
            "round": review_round,
            "expert": expert,
            "data": data or {},
            "version": version,
            "token": new_token(),
        },
    )
    if not document.file:
        enqueue_on_commit(render_document, document.pk)
    return document


def _request_score_sheets(review_round: ReviewRound) -> int:
    experts = (
        get_user_model()
        .objects.filter(review_assignments__round=review_round, review_assignments__state=A.SUBMITTED)
        .distinct()
    )
    count = 0
    for expert in experts:
        request_document(
            kind=ReviewDocument.Kind.SCORE_SHEET,
            key=f"sheet:r{review_round.pk}:u{expert.pk}",
            batch=review_round.batch,
            review_round=review_round,
            expert=expert,
        )
        count += 1
    return count


def score_sheets_request(*, review_round: ReviewRound, by) -> int:
    """Render the score sheet of every expert who submitted (the missing ones only)."""
    _require_officer(by)
    if review_round.state not in (ReviewRound.State.AGGREGATED, ReviewRound.State.DECIDED):
        raise DomainError(gettext("评分揭示并汇总后方可生成专家评分表。"))
    with transaction.atomic():
        return _request_score_sheets(review_round)
