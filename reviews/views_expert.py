"""The expert's screens: my tasks, the round's conflict declaration, confirming a task, scoring.

What an expert may open follows reviews.selectors (expert_may_open: assigned, declared for the round,
confirmed, no active conflict with the subject), the rule the application and pilot pages also ask: the scoring form and the other experts' scores are served
only under that rule, and anything outside it is a 404, like every other page of the portal.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.actions import run
from core.security import deny, deny_section
from organisations.models import Role
from organisations.roles import scope_of

from . import aggregation, services
from .models import Conflict, Criterion, Declaration, ReviewAssignment, ReviewRound, ScoreVersion
from .permissions import can_see_other_scores, is_pool_expert
from .selectors import (
    assignments_of_expert,
    expert_may_open,
    get_assignment_for_expert,
    get_round_for_user,
    rounds_visible_to,
)

A = ReviewAssignment.State
OTHER_LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _require_expert(user) -> None:
    if not scope_of(user).has(Role.EXPERT):
        deny_section("reviews.expert")


def _can_open(user, assignment: ReviewAssignment) -> bool:
    """The subject behind the task is open to this expert (the rule of the application and pilot pages)."""
    return expert_may_open(user, assignment)


def _overdue(assignment: ReviewAssignment, today) -> bool:
    deadline = assignment.round.scoring_deadline
    return bool(deadline and deadline < today and assignment.state in (A.ASSIGNED, A.ACCEPTED))


def running_total(sheet: dict, criteria: list[Criterion]) -> Decimal | None:
    """The weighted total (0–100) over the criteria scored so far: n/a and blanks are left out and the
    remaining weights fill 100, so it is the final total once every criterion is in (scoring.js does the
    same in the browser)."""
    specs = [replace(c.as_spec(), allow_na=True) for c in criteria]
    try:
        return aggregation.weighted_total({s.code: sheet.get(s.code) for s in specs}, specs)
    except ValueError:
        return None


# My tasks ----------------------------------------------------------------------------------------
@login_required
def my_assignments(request):
    _require_expert(request.user)
    declared = set(Declaration.objects.filter(expert=request.user).values_list("round_id", flat=True))
    rows = list(assignments_of_expert(request.user))
    today = timezone.localdate()
    for a in rows:
        a.declared = a.round_id in declared
        a.declarable = a.round.state in services.DECLARABLE_STATES
        a.overdue = _overdue(a, today)
    to_declare = []
    if is_pool_expert(request.user):
        to_declare = list(
            rounds_visible_to(request.user)
            .filter(state__in=services.DECLARABLE_STATES)
            .exclude(pk__in=declared)
            .order_by("-created_at")
        )
    return render(request, "reviews/expert/list.html", {"assignments": rows, "to_declare": to_declare})


# Declaration -------------------------------------------------------------------------------------
@login_required
def declare(request, pk: int):
    if not is_pool_expert(request.user):
        deny_section("reviews.declaration")
    review_round = get_round_for_user(request.user, pk)
    declaration = Declaration.objects.filter(round=review_round, expert=request.user).first()
    items = list(
        services.round_items(review_round).order_by(
            "application__organisation__review_unit__order",
            "pilot__organisation__review_unit__order",
            "application_id",
            "pilot_id",
        )
    )
    posted = request.POST if request.method == "POST" else None
    if posted is not None and declaration is not None:
        messages.error(request, gettext("您已完成本轮利益冲突申报；如有新情况，请在相应评审任务中申请回避。"))
        posted = None
    if posted is not None:
        conflicts, problem = _declared_conflicts(posted, items)
        if problem:
            messages.error(request, problem)
        elif run(
            request,
            services.declaration_submit,
            success=gettext("利益冲突申报已提交。"),
            review_round=review_round,
            by=request.user,
            conflicts=conflicts,
        ):
            return redirect("reviews:my_assignments")
    declared = []
    if declaration is not None:
        declared = list(
            Conflict.objects.filter(round=review_round, expert=request.user, source=Conflict.Source.DECLARED)
            .select_related(*(f"item__{r}" for r in services.ITEM_RELATED))
            .order_by("item__application__organisation__name", "item__pilot__organisation__name")
        )
    ticked = set(posted.getlist("conflict")) if posted else set()
    for item in items:
        item.ticked = str(item.pk) in ticked
        item.kind = posted.get(f"kind-{item.pk}", "") if posted else ""
        item.detail = posted.get(f"detail-{item.pk}", "") if posted else ""
    context = {
        "round": review_round,
        "declaration": declaration,
        "declared": declared,
        "items": items,
        "open": review_round.state in services.DECLARABLE_STATES,
        "kinds": Conflict.Kind.choices,
        "choice": posted.get("choice", "") if posted else "",
        "pledge": bool(posted and posted.get("pledge")),
    }
    return render(request, "reviews/expert/declare.html", context)


def _declared_conflicts(post, items) -> tuple[list[tuple[int, str, str]], str]:
    """(conflicts for declaration_submit, or the reason the form cannot be sent as it stands)."""
    choice = post.get("choice")
    ticked = [i for i in items if str(i.pk) in set(post.getlist("conflict"))]
    if choice not in ("none", "conflict"):
        return [], gettext("请选择“无利益冲突”或“存在利益冲突”。")
    if choice == "none" and ticked:
        return [], gettext("您选择了“无利益冲突”，但勾选了申报单位；请核对后重新提交。")
    if choice == "conflict" and not ticked:
        return [], gettext("请勾选与您存在利益冲突的申报单位，并选择冲突类型。")
    if not post.get("pledge"):
        return [], gettext("请勾选承诺：以上申报真实、完整。")
    return [(i.pk, post.get(f"kind-{i.pk}", ""), post.get(f"detail-{i.pk}", "")) for i in ticked], ""


# One task ----------------------------------------------------------------------------------------
@dataclass
class Row:
    criterion: Criterion
    value: str = ""
    na: bool = False
    comment: str = ""
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)
    # An acceptance round: the indicator (rule, binding) and the pilot's self-score beside the input.
    indicator: object = None  # indicators.AcceptanceItem
    own: object = None  # reviews.self_scores.SelfScore
    limit: Decimal | None = None  # the departure that needs no explanation


def _acceptance_rows(review_round: ReviewRound, assignment: ReviewAssignment, rows: list[Row]) -> dict:
    """Put each indicator and the pilot's self-score beside the expert's input; the bounds the page
    marks become the departure bounds (an explanation is needed beyond them)."""
    from indicators.models import AcceptanceItem

    from .acceptance import departure_limit
    from .self_scores import self_evaluations_for

    pilot_id = assignment.item.pilot_id
    evaluation = self_evaluations_for([pilot_id]).get(pilot_id)
    own = evaluation.items if evaluation else {}
    indicators = {
        i.indicator.code: i
        for i in AcceptanceItem.objects.filter(
            category__system_id=review_round.acceptance_system_id
        ).select_related("indicator", "category")
    }
    for row in rows:
        c = row.criterion
        row.indicator, row.own = indicators.get(c.code), own.get(c.code)
        row.limit = departure_limit(review_round, c).normalize()
        if row.own is not None and row.own.value is not None:
            row.low = (row.own.value - row.limit - Decimal("0.01")).normalize()
            row.high = (row.own.value + row.limit + Decimal("0.01")).normalize()
        else:
            row.low, row.high = Decimal(-1), Decimal(c.scale_max + 1)
    return {"evaluation": evaluation, "threshold": review_round.departure_threshold.normalize()}


def _veto_rows(review_round: ReviewRound, assignment: ReviewAssignment, posted=None) -> list[dict]:
    found = {f.code: f.note for f in assignment.veto_findings.all()}
    rows = []
    for veto in review_round.acceptance_system.vetoes.all():
        if posted is not None:
            raised, note = posted.get(f"veto-{veto.code}") == "1", posted.get(f"veto-note-{veto.code}", "")
        else:
            raised, note = veto.code in found, found.get(veto.code, "")
        rows.append({"veto": veto, "raised": raised, "note": note})
    return rows


@dataclass
class Column:
    label: str
    scores: list = field(default_factory=list)
    total: Decimal | None = None
    own: bool = False


def _criteria(review_round: ReviewRound) -> list[Criterion]:
    if review_round.criteria_set_id is None:
        return []
    return list(review_round.criteria_set.criteria.all())


def _rows(assignment: ReviewAssignment, criteria: list[Criterion], posted=None) -> list[Row]:
    stored = {s.criterion_id: s for s in assignment.scores.all()}
    rows = []
    for c in criteria:
        low, high = services.extreme_bounds(c)
        row = Row(criterion=c, low=low.normalize(), high=high.normalize())
        if posted is not None:
            row.value = posted.get(f"score-{c.code}", "")
            row.na = posted.get(f"na-{c.code}") == "1"
            row.comment = posted.get(f"comment-{c.code}", "")
        elif (score := stored.get(c.pk)) is not None:
            row.value = "" if score.value is None else format(score.value.normalize(), "f")
            row.na, row.comment = score.is_na, score.comment
        rows.append(row)
    return rows


def _columns(assignment: ReviewAssignment, criteria: list[Criterion]) -> list[Column]:
    """Own and other experts' latest submitted sheets on the same item, the others anonymised
    (专家A, 专家B … in the order of their tasks; a label says nothing about who it is)."""
    tasks = list(
        ReviewAssignment.objects.filter(
            round_id=assignment.round_id, item_id=assignment.item_id, state=A.SUBMITTED
        ).order_by("pk")
    )
    latest: dict[int, ScoreVersion] = {}
    for version in ScoreVersion.objects.filter(assignment__in=tasks).order_by("number"):
        latest[version.assignment_id] = version
    columns, n = [], 0
    for task in tasks:
        version = latest.get(task.pk)
        if version is None:
            continue
        own = task.pk == assignment.pk
        if own:
            label = gettext("本人")
        else:
            label, n = (
                gettext("专家%(OTHER_LABELS)s%(value)s")
                % {"OTHER_LABELS": OTHER_LABELS[n % 26], "value": n // 26 or ""},
                n + 1,
            )
        scores = version.data.get("scores", {})
        columns.append(
            Column(
                label=label,
                scores=[scores.get(c.code, "") for c in criteria],
                total=version.total,
                own=own,
            )
        )
    columns.sort(key=lambda c: not c.own)
    return columns


def _others(assignment: ReviewAssignment, criteria: list[Criterion]) -> dict:
    columns = _columns(assignment, criteria)
    rows = [(c, [col.scores[i] for col in columns]) for i, c in enumerate(criteria)]
    return {"columns": columns, "score_rows": rows}


def _context(user, assignment: ReviewAssignment, posted=None) -> dict:
    review_round = assignment.round
    can_open = _can_open(user, assignment)
    context = {
        "assignment": assignment,
        "round": review_round,
        "name": assignment.item.display_name,
        "declared": Declaration.objects.filter(round=review_round, expert=user).exists(),
        "conflicted": services.has_active_conflict(user, assignment.item),
        "can_open": can_open,
        "kinds": Conflict.Kind.choices,
        "overdue": _overdue(assignment, timezone.localdate()),
    }
    if not can_open:
        return context
    criteria = _criteria(review_round)
    sheet = services._sheet_from(assignment)
    application = assignment.item.application
    context.update(
        {
            # The selection material's versions; an acceptance item's material is the pilot's page.
            "application": application,
            "snapshot": application.snapshots.order_by("-number").first() if application else None,
            "rows": _rows(assignment, criteria, posted),
            "total": running_total(sheet, criteria) if criteria else None,
            "answered": len(sheet),
            "criteria_count": len(criteria),
            "opinion": posted.get("opinion", "") if posted is not None else assignment.overall_opinion,
            "change_reason": posted.get("change_reason", "") if posted is not None else "",
            "scoring_open": review_round.state == ReviewRound.State.SCORING,
            "versions": list(assignment.versions.order_by("-number")),
        }
    )
    if review_round.acceptance_system_id is not None:
        context["acceptance"] = _acceptance_rows(review_round, assignment, context["rows"])
        context["veto_rows"] = _veto_rows(review_round, assignment, posted)
        context["visits"] = assignment.item.site_visits.prefetch_related("photos")
    if can_see_other_scores(user, assignment):
        context.update(_others(assignment, criteria))
    return context


@login_required
def assignment(request, pk: int):
    task = get_assignment_for_expert(request.user, pk)
    return render(request, "reviews/expert/assignment.html", _context(request.user, task))


@login_required
@require_POST
def assignment_respond(request, pk: int):
    task = get_assignment_for_expert(request.user, pk)
    accept = request.POST.get("decision") == "accept"
    if accept:
        success = gettext("已确认评审任务，现在可以查阅申报材料并打分。")
    elif task.state == A.ACCEPTED:
        success = gettext("已申请回避，省生态环境厅将重新分配该任务。")
    else:
        success = gettext("已谢绝该评审任务。")
    run(
        request,
        services.assignment_respond,
        success=success,
        assignment=task,
        by=request.user,
        accept=accept,
        reason=request.POST.get("reason", ""),
        conflict_kind=request.POST.get("conflict_kind", ""),
    )
    return redirect("reviews:my_assignment", pk=pk)


@login_required
@require_POST
def assignment_scores(request, pk: int):
    task = get_assignment_for_expert(request.user, pk)
    if not _can_open(request.user, task):
        deny(task)
    post = request.POST
    submit = post.get("action") == "submit"
    values = {
        c.code: {
            "value": post.get(f"score-{c.code}", ""),
            "na": post.get(f"na-{c.code}") == "1",
            "comment": post.get(f"comment-{c.code}", ""),
        }
        for c in _criteria(task.round)
    }
    vetoes = None
    if task.round.acceptance_system_id is not None:
        vetoes = {
            v.code: post.get(f"veto-note-{v.code}", "")
            for v in task.round.acceptance_system.vetoes.all()
            if post.get(f"veto-{v.code}") == "1"
        }
    if task.state == A.SUBMITTED:
        success = gettext("修改已提交，已生成新的评分版本。")
    else:
        success = gettext("评分已提交。") if submit else gettext("草稿已保存。")
    saved = run(
        request,
        services.scores_save,
        success=success,
        assignment=task,
        by=request.user,
        values=values,
        opinion=post.get("opinion", ""),
        submit=submit,
        change_reason=post.get("change_reason", ""),
        vetoes=vetoes,
    )
    if saved:
        return redirect("reviews:my_assignment", pk=pk)
    # Refused: nothing was saved; show the page again with what the expert typed.
    return render(
        request, "reviews/expert/assignment.html", _context(request.user, task, posted=post), status=422
    )


@login_required
def assignment_others(request, pk: int):
    task = get_assignment_for_expert(request.user, pk)
    if not (_can_open(request.user, task) and can_see_other_scores(request.user, task)):
        deny(task)
    context = {
        "assignment": task,
        "round": task.round,
        "name": task.item.display_name,
        **_others(task, _criteria(task.round)),
    }
    return render(request, "reviews/expert/others.html", context)
