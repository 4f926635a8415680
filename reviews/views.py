from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from applications.models import Application
from core.actions import run
from organisations.models import Role
from organisations.roles import scope_of

from . import services
from .models import Expert, ReviewAssignment, ReviewRound
from .permissions import can_manage_round, can_see_results
from .results import tie_break_label
from .selectors import decision_counts, get_round_for_user, rounds_visible_to

A = ReviewAssignment.State
STEPS = [
    (ReviewRound.State.SETUP, gettext_lazy("设置评审")),
    (ReviewRound.State.DECLARING, gettext_lazy("利益冲突申报")),
    (ReviewRound.State.ASSIGNING, gettext_lazy("分配任务")),
    (ReviewRound.State.SCORING, gettext_lazy("专家打分")),
    (ReviewRound.State.AGGREGATED, gettext_lazy("汇总与建议")),
    (ReviewRound.State.DECIDED, gettext_lazy("形成结论")),
]
NEXT_STEP = {
    ReviewRound.State.SETUP: gettext_lazy(
        "设置打分截止日期和评分标准（权重合计100），确认汇总方法与同分排序规则，然后冻结评分标准、开始利益冲突申报。"
    ),
    ReviewRound.State.DECLARING: gettext_lazy(
        "专家在阅看材料前申报利益冲突；核对规则识别的冲突，必要时说明理由后排除，然后进入任务分配。"
    ),
    ReviewRound.State.ASSIGNING: gettext_lazy(
        "在分配矩阵中手动或自动分配任务（回避冲突、均衡负载），补齐缺额后开始打分。"
    ),
    ReviewRound.State.SCORING: gettext_lazy(
        "跟踪打分进度；全部提交后揭示并汇总评分。确需提前汇总的，须说明理由。"
    ),
    ReviewRound.State.AGGREGATED: gettext_lazy(
        "在汇总面板核对各项得分、分歧与并列，据排名提出拟入选建议，由省财政厅会签确认。"
    ),
    ReviewRound.State.DECIDED: gettext_lazy(
        "会签确认后发布拟入选名单公示，处理异议，期满确定并公布试点名单。"
    ),
}


@login_required
def round_list(request):
    context = {"rounds": rounds_visible_to(request.user), "manage": can_manage_round(request.user)}
    return render(request, "reviews/list.html", context)


def criteria_names(review_round: ReviewRound) -> dict[str, str]:
    if not any(k.startswith("criterion:") for k in review_round.tie_break or []):
        return {}
    return {c.code: c.display_name for c in review_round.criteria_set.criteria.all()}


def _stepper(review_round: ReviewRound) -> list[tuple[str, str]]:
    position = [s for s, _ in STEPS].index(review_round.state)
    return [
        (label, "done" if i < position else "current" if i == position else "")
        for i, (_, label) in enumerate(STEPS)
    ]


def _overview(review_round: ReviewRound) -> dict:
    """The numbers of the officer's hub, a fixed handful of queries."""
    items = services.round_applications(review_round)  # the hub's counts are the selection's (for now)
    by_state = dict(
        review_round.assignments.values("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    conflicts = review_round.conflicts.aggregate(
        active=Count("pk", filter=Q(overridden_by__isnull=True)),
        overridden=Count("pk", filter=Q(overridden_by__isnull=False)),
    )
    item_states = dict(items.values("state").annotate(n=Count("pk")).values_list("state", "n"))
    total_items = sum(item_states.values())
    open_tasks = by_state.get(A.ASSIGNED, 0) + by_state.get(A.ACCEPTED, 0)
    return {
        "items": total_items,
        "forwarded": Application.objects.filter(
            batch_id=review_round.batch_id, state=Application.State.FORWARDED
        ).count(),
        "assigned": open_tasks + by_state.get(A.SUBMITTED, 0),
        "submitted": by_state.get(A.SUBMITTED, 0),
        "open_tasks": open_tasks,
        "declined": by_state.get(A.DECLINED, 0),
        "needed": total_items * review_round.experts_per_item,
        "conflicts": conflicts["active"],
        "overridden": conflicts["overridden"],
        "declarations": review_round.declarations.count(),
        "pool": Expert.objects.filter(active=True).count(),
    }


@login_required
def round_detail(request, pk: int):
    review_round = get_round_for_user(request.user, pk)
    manage = can_manage_round(request.user, review_round)
    results_visible = can_see_results(request.user, review_round)
    context = {
        "round": review_round,
        "manage": manage,
        "results_visible": results_visible,
        "steps": _stepper(review_round),
        "next_step": NEXT_STEP.get(review_round.state, "") if manage else "",
        "tie_break_labels": [
            tie_break_label(k, criteria_names(review_round)) for k in review_round.tie_break or []
        ],
    }
    if manage or results_visible:
        context["overview"] = _overview(review_round)
        if review_round.purpose == ReviewRound.Purpose.SELECTION:
            context["counts"] = decision_counts(review_round)
    if not scope_of(request.user).has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        context["assignments"] = review_round.assignments.filter(expert=request.user).select_related(
            "expert", *(f"item__{r}" for r in services.ITEM_RELATED)
        )
    return render(request, "reviews/detail.html", context)


@login_required
@require_POST
def round_action(request, pk: int, name: str):
    review_round = get_round_for_user(request.user, pk)
    run(
        request,
        services.round_transition,
        success=gettext("已办理。"),
        review_round=review_round,
        name=name,
        by=request.user,
        reason=request.POST.get("reason", ""),
    )
    return redirect("reviews:detail", pk=pk)
