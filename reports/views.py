from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.actions import run

from . import services
from .models import AnnualReport
from .selectors import get_report_for_user, reports_visible_to


@login_required
def report_list(request):
    reports = reports_visible_to(request.user)
    if request.GET.get("state") in AnnualReport.State.values:  # the dashboard links here by state
        reports = reports.filter(state=request.GET["state"])
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "reports/list.html", {"page": page})


@login_required
def report_detail(request, pk: int):
    return render(request, "reports/detail.html", {"report": get_report_for_user(request.user, pk)})


@login_required
@require_POST
def report_action(request, pk: int, name: str):
    report = get_report_for_user(request.user, pk)
    run(
        request,
        services.report_transition,
        success=gettext("已办理。"),
        report=report,
        name=name,
        by=request.user,
        reason=request.POST.get("reason", ""),
    )
    return redirect("reports:detail", pk=pk)
