from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.actions import run
from core.errors import DomainError
from core.security import deny_section
from core.uploads import serve_file
from organisations.models import ReviewUnit
from pilots.selectors import get_pilot_for_user, pilots_visible_to

from . import accounting, charts, ledger, permissions, services
from .checks import previous_report, run_checks
from .forms import (
    GENERAL_FIELDS,
    SECTIONS,
    TASK_FIELDS,
    ActualsForm,
    CaseForm,
    CreateForm,
    EnergyForm,
    EvaluationForm,
    GeneralForm,
    OpinionForm,
    ProgressForm,
    TasksForm,
)
from .models import AnnualReport, IndicatorActual, ReportEvaluation, TypicalCase
from .resources import evaluations_sheet, overview_sheet
from .selectors import (
    REPORT_STATUS_LABELS,
    TARGET_ORDER,
    get_report_for_user,
    overview_entries,
    overview_lines,
    overview_rows,
    reports_visible_to,
    summarise,
    target_statuses,
)


@login_required
def report_list(request):
    reports = reports_visible_to(request.user)
    if request.GET.get("state") in AnnualReport.State.values:  # the dashboard links here by state
        reports = reports.filter(state=request.GET["state"])
    if (request.GET.get("year") or "").isdigit():
        reports = reports.filter(year=int(request.GET["year"]))
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    creatable = [p for p in pilots_visible_to(request.user) if permissions.can_draft_report(request.user, p)]
    return render(request, "reports/list.html", {"page": page, "can_create": bool(creatable)})


@login_required
def report_create(request):
    pilots = pilots_visible_to(request.user)
    allowed = [p.pk for p in pilots if permissions.can_draft_report(request.user, p)]
    if not allowed:
        deny_section("reports.create", message=gettext("无权填报"))
    queryset = pilots.filter(pk__in=allowed)
    form = CreateForm(request.POST or None, pilots=queryset, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                pilot=form.cleaned_data["pilot"], year=form.cleaned_data["year"], by=request.user
            )
        except DomainError as error:
            form.add_error("year", error.message)
        else:
            messages.success(request, gettext("已创建年度自评报告。"))
            return redirect("reports:edit", pk=report.pk, section="general")
    return render(request, "reports/create.html", {"form": form})


def _editable_report(request, pk):
    report = get_report_for_user(request.user, pk)
    if not permissions.can_draft_report(request.user, report.pilot):
        raise Http404(gettext("报告不存在"))
    return report


@login_required
def report_edit(request, pk: int, section: str):
    """The pilot's form, one section at a time (a fixed number of queries per section)."""
    report = _editable_report(request, pk)
    if section not in dict(SECTIONS):
        raise Http404(gettext("页面不存在"))
    can_edit = permissions.can_edit_report(request.user, report)
    post = request.POST if request.method == "POST" and can_edit else None
    files = request.FILES if post is not None else None
    context = {"report": report, "section": section, "sections": SECTIONS, "can_edit": can_edit}
    saved = False
    try:
        if section == "general":
            form = GeneralForm(post, instance=report)
            if post is not None and form.is_valid():
                services.report_update(
                    report=report,
                    by=request.user,
                    section=section,
                    fields={f: form.cleaned_data[f] for f in GENERAL_FIELDS},
                )
                saved = True
        elif section == "tasks":
            form = TasksForm(post, instance=report)
            if post is not None and form.is_valid():
                services.report_update(
                    report=report,
                    by=request.user,
                    section=section,
                    fields={f: form.cleaned_data[f] for f in TASK_FIELDS},
                )
                saved = True
        elif section == "energy":
            form = EnergyForm(post, instance=report, fuel_uses=list(report.fuel_uses.all()))
            if post is not None and form.is_valid():
                fields = {f: form.cleaned_data[f] for f in form.Meta.fields}
                services.report_update(report=report, by=request.user, section=section, fields=fields)
                services.report_set_fuels(report=report, by=request.user, quantities=form.quantities())
                saved = True
        elif section == "indicators":
            paths = ledger.target_path(report.pilot)
            actuals = {a.indicator.code: a for a in report.actuals.select_related("indicator")}
            form = ActualsForm(post, files, paths=paths, actuals=actuals)
            context["rows"] = target_statuses(paths, list(actuals.values()), report.year)
            if post is not None and form.is_valid():
                for code, path in paths.items():
                    value = form.cleaned_data.get(f"v_{code}")
                    if value is None:
                        continue
                    services.report_set_actual(
                        report=report,
                        by=request.user,
                        indicator=path.indicator,
                        value=value,
                        data_source=form.cleaned_data.get(f"s_{code}", ""),
                        quality=form.cleaned_data[f"q_{code}"],
                        explanation=form.cleaned_data.get(f"e_{code}", ""),
                        evidence=form.evidence.get(code),
                    )
                saved = True
        elif section == "projects":
            projects = ledger.key_projects(report.pilot)
            progress = {p.project_id_ref: p for p in report.project_progress.all()}
            form = ProgressForm(post, projects=projects, progress=progress, year=report.year)
            if post is not None and form.is_valid():
                for project in projects:
                    services.report_set_progress(
                        report=report,
                        by=request.user,
                        project_id=project.pk,
                        name=project.name,
                        milestone_met=form.cleaned_data[f"met_{project.pk}"],
                        note=form.cleaned_data[f"note_{project.pk}"],
                        investment=form.cleaned_data[f"inv_{project.pk}"],
                    )
                saved = True
        else:  # cases
            form = CaseForm(post, files)
            context["cases"] = list(report.cases.all())
            if post is not None and form.is_valid():
                services.report_add_case(
                    report=report,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    photo=form.cleaned_data["photo"],
                )
                saved = True
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reports:edit", pk=pk, section=section)
    if saved:
        messages.success(request, gettext("已保存。"))
        return redirect("reports:edit", pk=pk, section=section)
    if request.method == "POST" and not can_edit:
        messages.error(request, gettext("报告已提交，退回前不能修改。"))
    context["form"] = form
    context["checks"] = run_checks(report)
    return render(request, "reports/edit.html", context)


@login_required
@require_POST
def case_delete(request, pk: int, case_id: int):
    report = _editable_report(request, pk)
    run(
        request,
        services.report_delete_case,
        success=gettext("已删除。"),
        report=report,
        by=request.user,
        case_id=case_id,
    )
    return redirect("reports:edit", pk=pk, section="cases")


def _pilot_chart(report, figures, paths) -> dict:
    """Emissions and intensity by year (base year, then each report) against the ledger's path."""
    reports = list(
        AnnualReport.objects.filter(pilot=report.pilot, year__lte=report.year)
        .filter(~Q(state=AnnualReport.State.DRAFT) | Q(pk=report.pk))
        .prefetch_related("fuel_uses")
        .order_by("year")
    )
    chosen = figures.factor_set
    inventories = [(r, accounting.inventory(accounting.report_activity(r), chosen)) for r in reports]
    rows = charts.emission_rows(
        figures.base, figures.base_year, inventories, paths.get(charts.INTENSITY_PATH)
    )
    return charts.chart_data(rows)


@login_required
def report_detail(request, pk: int):
    report = get_report_for_user(request.user, pk)
    vintage = accounting.CURRENT if request.GET.get("vintage") == "current" else accounting.BASE
    fuel_uses = list(report.fuel_uses.all())
    actuals = list(report.actuals.select_related("indicator"))
    paths = ledger.target_path(report.pilot)
    figures = accounting.carbon_figures(report, vintage=vintage)
    evaluation = ReportEvaluation.objects.filter(report=report).select_related("by").first()
    context = {
        "report": report,
        "fuel_uses": fuel_uses,
        "rows": target_statuses(paths, actuals, report.year),
        "progress": list(report.project_progress.all()),
        "cases": list(report.cases.all()),
        "opinions": list(report.city_opinions.select_related("by")),
        "evaluation": evaluation,
        "figures": figures,
        "vintage": vintage,
        "checks": run_checks(report, fuel_uses=fuel_uses, actuals=actuals, previous=previous_report(report)),
        "can_opinion": permissions.can_add_city_opinion(request.user, report),
        "can_evaluate": permissions.can_evaluate_report(request.user, report) and evaluation is None,
        "can_edit": permissions.can_edit_report(request.user, report),
        "opinion_form": OpinionForm(),
        "evaluation_form": EvaluationForm(),
        "chart": _pilot_chart(report, figures, paths) if figures else None,
    }
    return render(request, "reports/detail.html", context)


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


@login_required
@require_POST
def city_opinion(request, pk: int):
    report = get_report_for_user(request.user, pk)
    if not permissions.can_add_city_opinion(request.user, report):
        raise Http404(gettext("报告不存在"))
    run(
        request,
        services.report_add_city_opinion,
        success=gettext("已提交市级意见。"),
        report=report,
        by=request.user,
        text=request.POST.get("text", ""),
    )
    return redirect("reports:detail", pk=pk)


@login_required
@require_POST
def evaluate(request, pk: int):
    report = get_report_for_user(request.user, pk)
    if not permissions.can_see_overview(request.user) or not permissions.can_receive_report(
        request.user, report
    ):
        raise Http404(gettext("报告不存在"))
    run(
        request,
        services.report_evaluate,
        success=gettext("已记录年度评估。"),
        report=report,
        by=request.user,
        rating=request.POST.get("rating", ""),
        opinion=request.POST.get("opinion", ""),
    )
    return redirect("reports:detail", pk=pk)


@login_required
def evidence(request, pk: int, actual_id: int):
    report = get_report_for_user(request.user, pk)
    actual = get_object_or_404(IndicatorActual, report=report, pk=actual_id)
    if not actual.evidence:
        raise Http404(gettext("文件不存在"))
    return serve_file(actual.evidence, download_name=actual.evidence_name, content_type=actual.evidence_type)


@login_required
def case_photo(request, pk: int, case_id: int):
    report = get_report_for_user(request.user, pk)
    case = get_object_or_404(TypicalCase, report=report, pk=case_id)
    if not case.photo:
        raise Http404(gettext("文件不存在"))
    return serve_file(case.photo, download_name=f"{case.title}{case.extension}", content_type=case.photo_type)


def _year(request) -> int:
    raw = request.GET.get("year") or ""
    today = timezone.localdate()
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today.year
    return year


OVERVIEW_PAGE_SIZE = 50


@login_required
def pilot_emissions(request, pilot_pk: int):
    """The pilot's emissions by year against its path: a section loaded into the pilot page (htmx), or a
    page of its own (without JavaScript). Only the reports the viewer may see are counted."""
    pilot = get_pilot_for_user(request.user, pilot_pk)
    reports = (
        reports_visible_to(request.user)
        .filter(pilot=pilot, state__in=charts.SHOWN)
        .prefetch_related("fuel_uses")
    )
    context = {"pilot": pilot, "emissions": charts.pilot_emissions(pilot, list(reports))}
    if request.headers.get("HX-Request"):
        return render(request, "reports/_pilot_emissions.html", context)
    return render(request, "reports/pilot_emissions.html", context)


@login_required
def overview_page(request):
    """The province's (or a city's) overview of every pilot for a year: the counts over all of them, the
    pilots 50 a page (the exports have every row)."""
    if not permissions.can_see_overview(request.user):
        deny_section("reports.overview", message=gettext("页面不存在"))
    year = _year(request)
    city = request.GET.get("city") or ""
    status = request.GET.get("status") or ""
    entries = overview_entries(request.user, year, city=city)
    if status in REPORT_STATUS_LABELS:
        entries = [e for e in entries if e.report_status == status]
    elif status in TARGET_ORDER:
        entries = [e for e in entries if e.target_status == status]
    if request.GET.get("export") == "xlsx":
        from core.xlsx import xlsx_response

        return xlsx_response(
            overview_sheet(overview_rows(entries, year), year),
            filename=gettext("%(year)s年度自评报告总览.xlsx") % {"year": year},
        )
    if request.GET.get("export") == "evaluations":
        from core.xlsx import xlsx_response

        return xlsx_response(
            evaluations_sheet(overview_rows(entries, year), year),
            filename=gettext("%(year)s年度目标任务完成情况评估.xlsx") % {"year": year},
        )
    summary = summarise(entries)
    page = Paginator(entries, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    target_labels = {k: ledger_label(k) for k in TARGET_ORDER}
    chart = {
        "reports": [
            {"name": str(REPORT_STATUS_LABELS[k]), "value": summary["totals"][k]}
            for k in REPORT_STATUS_LABELS
        ],
        "targets": [{"name": str(target_labels[k]), "value": summary["targets"][k]} for k in TARGET_ORDER],
        "cities": [c["name"] for c in summary["cities"]],
        "by_city": {
            str(REPORT_STATUS_LABELS[k]): [c[k] for c in summary["cities"]] for k in REPORT_STATUS_LABELS
        },
    }
    return render(
        request,
        "reports/overview.html",
        {
            "year": year,
            "years": list(range(2023, timezone.localdate().year + 1)),
            "page": page,
            "rows": overview_lines(overview_rows(page.object_list, year)),
            "summary": summary,
            "report_counts": [(k, v, summary["totals"][k]) for k, v in REPORT_STATUS_LABELS.items()],
            "target_counts": [(k, v, summary["targets"][k]) for k, v in target_labels.items()],
            "chart": chart,
            "cities": ReviewUnit.objects.order_by("order", "code"),
            "city": city,
            "status": status,
            "report_statuses": REPORT_STATUS_LABELS,
            "target_labels": target_labels,
        },
    )


def ledger_label(code: str):
    from plans.status import LABELS

    return LABELS[code]
