from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.actions import run
from core.errors import DomainError
from core.lists import filtered_list
from core.security import get_in_scope_or_404

from . import disqualification, permissions, services
from .filters import DisqualificationFilter, PilotFilter
from .forms import DisqualificationDecisionForm
from .resources import disqualification_xlsx, pilot_list_xlsx
from .selectors import disqualification_proposals_visible_to, get_pilot_for_user, pilots_visible_to


@login_required
def pilot_list(request):
    filters = PilotFilter(request.GET, pilots_visible_to(request.user), user=request.user)
    if request.GET.get("export") == "xlsx":
        return pilot_list_xlsx(filters.queryset, user=request.user, filters=filters)
    page = Paginator(filters.queryset, 50).get_page(request.GET.get("page"))
    return render(request, "pilots/list.html", {"page": page, "filters": filters})


@login_required
def pilot_detail(request, pk: int):
    pilot = get_pilot_for_user(request.user, pk)
    reports = pilot.annual_reports.all()
    return render(
        request,
        "pilots/detail.html",
        {
            "pilot": pilot,
            "reports": reports,
            "exclude_actions": PLAN_ACTIONS + "," + ACCEPTANCE_ACTIONS,
        },
    )


# The plan stages (start_plan, submit_plan, return_plan, file_plan, record_local_approval) are run from the
# plan pages (plans.views), together with the plan's own state.
PLAN_ACTIONS = "start_plan,submit_plan,return_plan,file_plan,record_local_approval"
# The acceptance stages are run by their procedures, never by a bare button: the request and the city's
# forward or return by acceptance.services (with the self-evaluation and the decision rows), the start of
# the review by the round that reviews the pilot (reviews.services.round_add_pilots), the grade and the
# naming or failure by the two-key decision after publicity (naming.services).
ACCEPTANCE_ACTIONS = (
    "request_acceptance,forward_acceptance,return_acceptance,start_acceptance_review,accept,fail_acceptance"
)
SIMPLE_ACTIONS = {"disqualify"}


@login_required
@require_POST
def pilot_action(request, pk: int, name: str):
    pilot = get_pilot_for_user(request.user, pk)
    reason = request.POST.get("reason", "")
    if name in SIMPLE_ACTIONS:
        run(
            request,
            services.pilot_transition,
            success=gettext("已办理。"),
            pilot=pilot,
            name=name,
            by=request.user,
            reason=reason,
        )
    else:
        raise Http404
    return redirect("pilots:detail", pk=pk)


@login_required
def disqualification_list(request):
    if not permissions.can_decide_disqualification(request.user):
        raise Http404
    return filtered_list(
        request,
        filter_class=DisqualificationFilter,
        queryset=disqualification_proposals_visible_to(request.user),
        template="pilots/disqualification_list.html",
        export=disqualification_xlsx,
    )


@login_required
def disqualification_detail(request, pk: int):
    proposal = get_in_scope_or_404(disqualification_proposals_visible_to(request.user), pk=pk)
    form = DisqualificationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disqualification.disqualification_decide(
                proposal=proposal,
                by=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                extended_to=form.cleaned_data.get("extended_to"),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("已办理。"))
            return redirect("pilots:disqualification_detail", pk=pk)
    return render(
        request,
        "pilots/disqualification_detail.html",
        {"proposal": proposal, "form": form, "pending": proposal.state == proposal.State.PENDING},
        status=422 if form.errors else 200,
    )
