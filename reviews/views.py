from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.actions import run
from pilots.models import Role
from pilots.roles import scope_of

from . import services
from .selectors import get_round_for_user, rounds_visible_to


@login_required
def round_list(request):
    return render(request, "reviews/list.html", {"rounds": rounds_visible_to(request.user)})


@login_required
def round_detail(request, pk: int):
    review_round = get_round_for_user(request.user, pk)
    assignments = review_round.assignments.select_related(
        "expert", "application__organisation", "pilot__organisation"
    )
    if not scope_of(request.user).has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        assignments = assignments.filter(expert=request.user)
    return render(request, "reviews/detail.html", {"round": review_round, "assignments": assignments})


@login_required
@require_POST
def round_action(request, pk: int, name: str):
    review_round = get_round_for_user(request.user, pk)
    run(
        request,
        services.round_transition,
        success="已办理。",
        review_round=review_round,
        name=name,
        by=request.user,
        reason=request.POST.get("reason", ""),
    )
    return redirect("reviews:detail", pk=pk)
