"""The officers' review screens: expert pool, criteria, round set-up, conflicts, assignment, results,
decision, the finance department's confirmation, score sheets and publicity.

Small function views: pages read through selectors, actions are POST-only and call one service each
(core.actions.run turns a refusal into a message). Everything outside the user's scope is a 404.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from applications.models import Application, Batch
from core.actions import run
from core.audit import history_for
from core.errors import ActionNotPermitted, DomainError
from core.formats import enumeration_comma
from core.security import deny, deny_section, get_in_scope_or_404
from core.uploads import serve_file

from . import publicity, services
from .documents import count_workdays
from .forms import (
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    CriteriaSetForm,
    CriterionFormSet,
    ExpertForm,
    ExpertImportForm,
    ObjectionForm,
    ObjectionHandleForm,
    PublicityForm,
    RoundForm,
    levels_text,
)
from .models import (
    Conflict,
    CriteriaSet,
    Declaration,
    Expert,
    ExpertImportJob,
    Objection,
    ReviewAssignment,
    ReviewDocument,
    ReviewItem,
    ReviewRound,
)
from .permissions import can_answer_proposal, can_manage_round, can_see_results, require_round_manager
from .resources import ExpertResource, round_workbook_response
from .results import REVEALED_STATES, round_progress, round_results
from .selectors import (
    decision_counts,
    decision_history,
    get_round_for_user,
    latest_proposal,
    rounds_visible_to,
)

A = ReviewAssignment.State


def _require_officer(user) -> None:
    try:
        require_round_manager(user)
    except ActionNotPermitted:  # an officer-only page answers 404 to anyone else
        deny_section("reviews.officer")


def _managed_round(user, pk) -> ReviewRound:
    review_round = get_round_for_user(user, pk)
    if not can_manage_round(user, review_round):
        deny(review_round)
    return review_round


def _results_round(user, pk) -> ReviewRound:
    review_round = get_round_for_user(user, pk)
    if not can_see_results(user, review_round):
        deny(review_round)
    return review_round


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(
                request,
                gettext("%(label)s：%(error)s") % {"label": label, "error": error} if label else error,
            )


# Expert pool ------------------------------------------------------------------------------------
@login_required
def expert_list(request):
    _require_officer(request.user)
    experts = Expert.objects.select_related("review_unit", "division", "user").order_by("-active", "name")
    q = request.GET.get("q", "").strip()
    if q:
        experts = experts.filter(
            Q(name__icontains=q) | Q(employer__icontains=q) | Q(specialities__icontains=q) | Q(phone=q)
        )
    if request.GET.get("export") == "xlsx":
        return ExpertResource.as_xlsx_response(experts, q=q)
    page = Paginator(experts, 50).get_page(request.GET.get("page"))
    return render(request, "reviews/experts.html", {"page": page, "q": q, "import_form": ExpertImportForm()})


@login_required
def expert_template(request):
    _require_officer(request.user)
    return ExpertResource.template_response()


def _import_context(form, errors=()) -> dict:
    return {
        "form": form,
        "errors": list(errors),
        "max_rows": IMPORT_MAX_ROWS,
        "max_megabytes": IMPORT_MAX_BYTES // (1024 * 1024),
        "jobs": ExpertImportJob.objects.select_related("created_by")[:5],
    }


@login_required
def expert_import(request):
    """Check every row of the file (bounded: size and rows, stated on the page, checked before parsing);
    on any error show them all, by row and column, and import nothing; otherwise queue the import as a
    task and show its progress."""
    _require_officer(request.user)
    form = ExpertImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows, errors = ExpertResource.rows_from(upload.read())
        if not errors:
            try:
                job = services.expert_import_queue(by=request.user, rows=rows, file_name=upload.name)
            except DomainError as error:
                errors = [error.message]
            else:
                return redirect("reviews:expert_import_job", job_pk=job.pk)
    elif request.method == "POST":
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    status = 422 if errors else 200
    return render(request, "reviews/expert_import.html", _import_context(form, errors), status=status)


@login_required
def expert_import_job(request, job_pk: int):
    """An import's progress; the panel refreshes itself (htmx) until the job is done."""
    _require_officer(request.user)
    job = get_object_or_404(ExpertImportJob.objects.select_related("created_by"), pk=job_pk)
    partial = request.headers.get("HX-Request") == "true"
    template = "reviews/partials/import_progress.html" if partial else "reviews/expert_import_job.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def expert_activation(request, expert_pk: int):
    _require_officer(request.user)
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=expert_pk)
    if services.expert_activation_send(expert=expert, by=request.user):
        messages.success(request, gettext("激活邮件已发送至%(email)s。") % {"email": expert.user.email})
    else:
        messages.error(request, gettext("该专家已设置密码或未填写电子邮箱，无需发送激活邮件。"))
    return redirect("reviews:expert_edit", expert_pk=expert.pk)


@login_required
def expert_edit(request, expert_pk: int | None = None):
    _require_officer(request.user)
    expert = get_object_or_404(Expert, pk=expert_pk) if expert_pk else None
    form = ExpertForm(request.POST or None, instance=expert)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items()}
        if expert is None:
            ok = run(
                request,
                services.expert_create,
                success=gettext("专家已加入专家库。"),
                by=request.user,
                **fields,
            )
        else:
            fields["active"] = request.POST.get("active") == "on"
            ok = run(
                request,
                services.expert_update,
                success=gettext("专家信息已保存。"),
                expert=expert,
                by=request.user,
                fields=fields,
            )
        if ok:
            return redirect("reviews:experts")
    history = list(history_for(expert)) if expert else []
    return render(request, "reviews/expert_form.html", {"form": form, "expert": expert, "history": history})


# Criteria sets ----------------------------------------------------------------------------------
@login_required
def criteria_list(request):
    _require_officer(request.user)
    sets = CriteriaSet.objects.annotate(
        n=Count("criteria", distinct=True), used=Count("rounds", distinct=True)
    ).prefetch_related("criteria")  # is_valid reads them
    return render(request, "reviews/criteria_list.html", {"sets": sets.order_by("name", "-version")})


@login_required
def criteria_new(request):
    _require_officer(request.user)
    source = CriteriaSet.objects.filter(pk=request.GET.get("from") or request.POST.get("from")).first()
    initial = (
        {"name": source.name, "purpose": source.purpose, "description": source.description} if source else {}
    )
    form = CriteriaSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            criteria_set = services.criteria_set_create(
                by=request.user, copy_from=source, **form.cleaned_data
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, gettext("已新建%(criteria_set)s，请编辑评分项。") % {"criteria_set": criteria_set}
            )
            return redirect("reviews:criteria_edit", set_pk=criteria_set.pk)
    return render(request, "reviews/criteria_new.html", {"form": form, "source": source})


@login_required
def criteria_edit(request, set_pk: int):
    _require_officer(request.user)
    criteria_set = get_object_or_404(CriteriaSet, pk=set_pk)
    criteria = list(criteria_set.criteria.all())
    frozen = (
        bool(criteria_set.frozen_at) or criteria_set.rounds.exclude(state=ReviewRound.State.SETUP).exists()
    )
    initial = [
        {
            "code": c.code,
            "name": c.name,
            "description": c.description,
            "weight": c.weight,
            "scale_max": c.scale_max,
            "allow_na": c.allow_na,
            "levels": levels_text(c.levels),
        }
        for c in criteria
    ]
    formset = CriterionFormSet(request.POST or None, initial=initial, prefix="c")
    if request.method == "POST" and formset.is_valid():
        rows = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("code")
        ]
        for row in rows:
            row.pop("DELETE", None)
        if run(
            request,
            services.criteria_replace,
            success=gettext("评分标准已保存。"),
            criteria_set=criteria_set,
            by=request.user,
            rows=rows,
        ):
            return redirect("reviews:criteria_edit", set_pk=set_pk)
    total = sum((c.weight for c in criteria), 0)
    context = {
        "criteria_set": criteria_set,
        "criteria": criteria,
        "formset": formset,
        "frozen": frozen,
        "total": total,
    }
    return render(request, "reviews/criteria_edit.html", context)


# Round set-up -----------------------------------------------------------------------------------
@login_required
def round_new(request):
    _require_officer(request.user)
    acceptance = request.GET.get("purpose") == ReviewRound.Purpose.ACCEPTANCE
    purpose = ReviewRound.Purpose.ACCEPTANCE if acceptance else ReviewRound.Purpose.SELECTION
    form = RoundForm(
        request.POST or None,
        initial={"batch": request.GET.get("batch")},
        instance=ReviewRound(purpose=purpose),
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_round = services.round_create(by=request.user, purpose=purpose, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("评审轮次已创建。"))
            if acceptance:  # next: the indicator system and the pilots
                return redirect("reviews:acceptance_setup", pk=review_round.pk)
            return redirect("reviews:detail", pk=review_round.pk)
    return render(request, "reviews/round_form.html", {"form": form, "acceptance": acceptance})


@login_required
def round_edit(request, pk: int):
    review_round = _managed_round(request.user, pk)
    form = RoundForm(request.POST or None, instance=ReviewRound.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "batch"}
        if run(
            request,
            services.round_update,
            success=gettext("评审轮次设置已保存。"),
            review_round=review_round,
            by=request.user,
            fields=fields,
        ):
            return redirect("reviews:detail", pk=pk)
    return render(request, "reviews/round_form.html", {"form": form, "round": review_round})


@login_required
@require_POST
def round_start_review(request, pk: int):
    review_round = _managed_round(request.user, pk)
    run(
        request,
        services.batch_start_expert_review,
        success=gettext("已将本批次省厅受理的申报书提交专家评审。"),
        review_round=review_round,
        by=request.user,
    )
    return redirect("reviews:detail", pk=pk)


# Conflicts --------------------------------------------------------------------------------------
@login_required
def conflicts(request, pk: int):
    review_round = _managed_round(request.user, pk)
    rows = review_round.conflicts.select_related(
        "expert", *(f"item__{r}" for r in services.ITEM_RELATED), "overridden_by"
    ).order_by(
        "item__application__organisation__name", "item__pilot__organisation__name", "expert_id", "kind"
    )
    declared = Declaration.objects.filter(round=review_round).select_related("expert").order_by("declared_at")
    return render(
        request,
        "reviews/conflicts.html",
        {"round": review_round, "conflicts": rows, "declarations": declared},
    )


@login_required
@require_POST
def conflicts_refresh(request, pk: int):
    review_round = _managed_round(request.user, pk)
    run(
        request,
        services.conflicts_refresh,
        success=gettext("已按规则重新识别利益冲突。"),
        review_round=review_round,
        by=request.user,
    )
    return redirect("reviews:conflicts", pk=pk)


@login_required
@require_POST
def conflict_override(request, pk: int, conflict_pk: int):
    review_round = _managed_round(request.user, pk)
    conflict = get_in_scope_or_404(Conflict.objects.filter(round=review_round), pk=conflict_pk)
    run(
        request,
        services.conflict_override,
        success=gettext("已排除该利益冲突，理由已记入办理记录。"),
        conflict=conflict,
        by=request.user,
        reason=request.POST.get("reason", ""),
    )
    return redirect("reviews:conflicts", pk=pk)


# Assignment -------------------------------------------------------------------------------------
@login_required
def coverage(request, pk: int):
    """Who has what and what is missing: items × experts."""
    review_round = _managed_round(request.user, pk)
    items = list(services.round_items(review_round).order_by(*ReviewItem.BY_CITY_AND_NAME))
    assignments = list(review_round.assignments.all())
    assigned_experts = {a.expert_id for a in assignments}
    experts = list(
        Expert.objects.filter(Q(active=True) | Q(user_id__in=assigned_experts))
        .select_related("review_unit")
        .order_by("name")
    )
    conflicts: dict[tuple[int, int], list[Conflict]] = {}
    for c in review_round.conflicts.all():
        conflicts.setdefault((c.expert_id, c.item_id), []).append(c)
    by_pair = {(a.expert_id, a.item_id): a for a in assignments}
    loads = {e.user_id: 0 for e in experts}
    filled = {a.pk: 0 for a in items}
    for a in assignments:
        if a.state != A.DECLINED:
            loads[a.expert_id] = loads.get(a.expert_id, 0) + 1
            filled[a.item_id] = filled.get(a.item_id, 0) + 1
    declared = set(Declaration.objects.filter(round=review_round).values_list("expert_id", flat=True))
    can_assign = review_round.state in (ReviewRound.State.ASSIGNING, ReviewRound.State.SCORING)
    rows = []
    for item in items:
        cells = []
        for expert in experts:
            pair = (expert.user_id, item.pk)
            found = conflicts.get(pair, [])
            active = [c for c in found if c.is_active]
            assignment = by_pair.get(pair)
            open_slot = (
                can_assign
                and not active
                and (assignment is None or assignment.state == A.DECLINED)
                and expert.active
                and loads.get(expert.user_id, 0) < review_round.max_per_expert
                and filled[item.pk] < review_round.experts_per_item
            )
            cells.append(
                {
                    "expert": expert,
                    "assignment": assignment,
                    "conflicts": active,
                    "overridden": [c for c in found if not c.is_active],
                    "open": open_slot,
                }
            )
        rows.append(
            {
                "item": item,
                "cells": cells,
                "filled": filled[item.pk],
                "missing": max(review_round.experts_per_item - filled[item.pk], 0),
            }
        )
    columns = [
        {"expert": e, "load": loads.get(e.user_id, 0), "declared": e.user_id in declared} for e in experts
    ]
    context = {
        "round": review_round,
        "rows": rows,
        "columns": columns,
        "can_assign": can_assign,
        "missing_total": sum(r["missing"] for r in rows),
    }
    return render(request, "reviews/coverage.html", context)


@login_required
@require_POST
def assign(request, pk: int):
    review_round = _managed_round(request.user, pk)
    expert = get_object_or_404(get_user_model(), pk=request.POST.get("expert") or 0)
    item = get_object_or_404(services.round_items(review_round), pk=request.POST.get("item") or 0)
    run(
        request,
        services.assignment_create,
        success=gettext("已将%(name)s分配给%(display_name)s。")
        % {"name": item.display_name, "display_name": expert.display_name},
        review_round=review_round,
        expert=expert,
        item=item,
        by=request.user,
    )
    return redirect("reviews:coverage", pk=pk)


@login_required
@require_POST
def assign_auto(request, pk: int):
    review_round = _managed_round(request.user, pk)
    try:
        outcome = services.assignment_auto(review_round=review_round, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reviews:coverage", pk=pk)
    messages.success(
        request,
        gettext("已自动分配%(outcome)s项评审任务（回避利益冲突，按负载均衡）。")
        % {"outcome": outcome["created"]},
    )
    if outcome["unfilled"]:
        names = dict(
            Application.objects.filter(pk__in=[a for a, _ in outcome["unfilled"]]).values_list(
                "pk", "organisation__name"
            )
        )
        detail = enumeration_comma().join(
            gettext("%(name)s缺%(n)s位") % {"name": names.get(a, a), "n": n} for a, n in outcome["unfilled"]
        )
        messages.warning(
            request,
            gettext(
                "以下申报书可分配的专家不足（利益冲突或专家负载已满）：%(detail)s。请扩充专家库或调整上限。"
            )
            % {"detail": detail},
        )
    return redirect("reviews:coverage", pk=pk)


@login_required
@require_POST
def unassign(request, pk: int, assignment_pk: int):
    review_round = _managed_round(request.user, pk)
    assignment = get_in_scope_or_404(ReviewAssignment.objects.filter(round=review_round), pk=assignment_pk)
    run(
        request,
        services.assignment_remove,
        success=gettext("已撤销该评审任务。"),
        assignment=assignment,
        by=request.user,
    )
    return redirect("reviews:coverage", pk=pk)


# Results, exports, score sheets -----------------------------------------------------------------
@login_required
def results(request, pk: int):
    review_round = _results_round(request.user, pk)
    if review_round.state not in REVEALED_STATES:
        if request.GET.get("export"):
            raise Http404
        return render(
            request, "reviews/results.html", {"round": review_round, "progress": round_progress(review_round)}
        )
    outcome = round_results(review_round)
    if request.GET.get("export") == "xlsx":
        return round_workbook_response(review_round, outcome)
    return render(
        request,
        "reviews/results.html",
        {"round": review_round, "results": outcome, "can_manage": can_manage_round(request.user)},
    )


@login_required
def score_sheets(request, pk: int):
    review_round = _results_round(request.user, pk)
    experts = (
        get_user_model()
        .objects.filter(review_assignments__round=review_round, review_assignments__state=A.SUBMITTED)
        .annotate(
            n=Count(
                "review_assignments",
                filter=Q(review_assignments__round=review_round, review_assignments__state=A.SUBMITTED),
            )
        )
        .order_by("full_name", "pk")
    )
    documents = {d.expert_id: d for d in review_round.documents.filter(kind=ReviewDocument.Kind.SCORE_SHEET)}
    rows = [{"expert": e, "count": e.n, "document": documents.get(e.pk)} for e in experts]
    context = {
        "round": review_round,
        "rows": rows,
        "revealed": review_round.state in REVEALED_STATES,
        "can_manage": can_manage_round(request.user),
    }
    return render(request, "reviews/score_sheets.html", context)


@login_required
@require_POST
def score_sheets_request(request, pk: int):
    review_round = _managed_round(request.user, pk)
    run(
        request,
        services.score_sheets_request,
        success=gettext("专家评分表正在生成，请稍候刷新。"),
        review_round=review_round,
        by=request.user,
    )
    return redirect("reviews:score_sheets", pk=pk)


@login_required
def score_sheet_download(request, pk: int, expert_pk: int):
    """The officers (and the expert, for their own sheet) download the stored PDF."""
    review_round = get_round_for_user(request.user, pk)
    if not (can_see_results(request.user, review_round) or request.user.pk == expert_pk):
        deny(review_round)
    document = get_object_or_404(
        ReviewDocument, round=review_round, expert_id=expert_pk, kind=ReviewDocument.Kind.SCORE_SHEET
    )
    if not document.file:
        messages.info(request, gettext("评分表正在生成，请稍候刷新。"))
        return redirect("reviews:detail", pk=pk)
    name = gettext("专家评分表-%(name)s-%(display_name)s.pdf") % {
        "name": review_round.name,
        "display_name": document.expert.display_name,
    }
    return serve_file(document.file, download_name=name, content_type="application/pdf")


# Decision ---------------------------------------------------------------------------------------
def _decision_rows(review_round, results) -> list[dict]:
    """The ranking with each application's proposal and the reason recorded for it, read from the
    SelectionDecision rows (the latest proposal), in the order of the ranking."""
    proposal = latest_proposal(review_round)
    items = {item["application"]: item for item in (proposal.items if proposal else [])}
    rows = []
    for row in results.rows if results else []:
        application = row.item.application
        item = items.get(application.pk, {})
        rows.append(
            {
                "row": row,
                "application": application,
                "open": application.state in (Application.State.IN_EXPERT_REVIEW, Application.State.REVIEWED),
                "proposal": application.decision_proposal,
                "proposal_label": application.get_decision_proposal_display()
                if application.decision_proposal
                else "",
                # What the last proposal said of it (kept when finance returned it, to revise from).
                "last_proposal": item.get("proposal", ""),
                "reason": item.get("reason", ""),
                "departs": item.get("departs", False),
            }
        )
    return rows


def _decision_context(review_round) -> dict:
    counts = decision_counts(review_round)
    results = round_results(review_round) if review_round.state in REVEALED_STATES else None
    return {
        "round": review_round,
        "results": results,
        "rows": _decision_rows(review_round, results),
        "counts": counts,
        "history": list(decision_history(review_round)),
    }


@login_required
def batch_decision(request, batch_pk: int):
    """From an application's page to its batch's joint decision: the proposal page for the ecology
    department, the confirmation page for the finance department (404 for anyone else)."""
    rounds = rounds_visible_to(request.user).filter(batch_id=batch_pk, purpose=ReviewRound.Purpose.SELECTION)
    review_round = rounds.order_by("-pk").first()
    if review_round is None:
        raise Http404
    if can_manage_round(request.user, review_round):
        return redirect("reviews:decision", pk=review_round.pk)
    if can_answer_proposal(request.user, review_round):
        return redirect("reviews:confirmations", pk=review_round.pk)
    raise Http404


@login_required
def decision(request, pk: int):
    review_round = _managed_round(request.user, pk)
    if review_round.state not in REVEALED_STATES:
        messages.info(request, gettext("须先揭示并汇总评分，再提出入选建议。"))
        return redirect("reviews:detail", pk=pk)
    context = _decision_context(review_round)
    counts = context["counts"]
    # Proposing is open while the round awaits its conclusion, something is undecided and nothing is
    # already waiting for the finance department.
    context["can_propose"] = (
        review_round.state == ReviewRound.State.AGGREGATED
        and counts["undecided"] > 0
        and counts["awaiting_confirmation"] == 0
    )
    return render(request, "reviews/decision.html", context)


@login_required
@require_POST
def decision_propose(request, pk: int):
    review_round = _managed_round(request.user, pk)
    shortlist = [int(v) for v in request.POST.getlist("shortlist") if v.isdigit()]
    reasons = {
        int(key.removeprefix("reason_")): value
        for key, value in request.POST.items()
        if key.startswith("reason_") and key.removeprefix("reason_").isdigit()
    }
    ok = run(
        request,
        services.decision_propose,
        success=gettext("入选建议已提出，待省财政厅会签确认。"),
        review_round=review_round,
        by=request.user,
        shortlist=shortlist,
        reasons=reasons,
        note=request.POST.get("note", ""),
    )
    return redirect("reviews:confirmations" if ok else "reviews:decision", pk=pk)


@login_required
def confirmations(request, pk: int):
    """The finance department's page: the ranking, the scores, the proposal and its reasons, and the
    joint decision on it (confirm with an optional opinion, or return with a required one)."""
    review_round = _results_round(request.user, pk)
    context = _decision_context(review_round)
    context["can_answer"] = can_answer_proposal(request.user, review_round)
    context["revealed"] = review_round.state in REVEALED_STATES
    if not context["revealed"]:
        context["progress"] = round_progress(review_round)
    return render(request, "reviews/confirmations.html", context)


@login_required
@require_POST
def decision_confirm(request, pk: int):
    review_round = _results_round(request.user, pk)
    run(
        request,
        services.decision_confirm,
        success=gettext("已会签确认入选建议，申报单位已收到通知。"),
        review_round=review_round,
        by=request.user,
        opinion=request.POST.get("opinion", ""),
    )
    return redirect("reviews:confirmations", pk=pk)


@login_required
@require_POST
def decision_return(request, pk: int):
    review_round = _results_round(request.user, pk)
    run(
        request,
        services.decision_return,
        success=gettext("入选建议已退回省生态环境厅修改。"),
        review_round=review_round,
        by=request.user,
        opinion=request.POST.get("opinion", ""),
    )
    return redirect("reviews:confirmations", pk=pk)


# Publicity --------------------------------------------------------------------------------------
def _latest_documents(batch) -> list[ReviewDocument]:
    """The newest version of the batch's publicity notice and its pilot list (what the links serve)."""
    latest: dict[str, ReviewDocument] = {}
    for document in batch.review_documents.exclude(kind=ReviewDocument.Kind.SCORE_SHEET):
        latest.setdefault(document.kind, document)  # ordered newest version first
    return list(latest.values())


@login_required
def publicity_page(request, pk: int):
    return _render_publicity(request, _managed_round(request.user, pk))


def _render_publicity(request, review_round, *, open_form=None, objection_form=None, status=200):
    """The publicity page; after a refused form, that form as the officer typed it (nothing is lost)."""
    batch = Batch.objects.get(pk=review_round.batch_id)
    # In the order of the published notice and pilot list (documents._ordered), so the numbered lists
    # here match the 序号 the public reads; the model's default order is newest first.
    applications = batch.applications.select_related("organisation", "organisation__review_unit").order_by(
        "organisation__review_unit__order", "organisation__kind", "organisation__name"
    )
    objections = Objection.objects.filter(item__application__batch=batch).select_related(
        "item__application__organisation", "recorded_by", "handled_by"
    )
    initial = {
        "contact": batch.publicity_contact,
        "address": batch.objection_address,
        "working_days": publicity.DEFAULT_WORKING_DAYS,
    }
    context = {
        "round": review_round,
        "batch": batch,
        "open_form": open_form or PublicityForm(initial=initial),
        "objection_form": objection_form or ObjectionForm(),
        "handle_form": ObjectionHandleForm(),
        "shortlisted": [a for a in applications if a.state == Application.State.SHORTLISTED],
        "in_publicity": [a for a in applications if a.state == Application.State.IN_PUBLICITY],
        "selected": [a for a in applications if a.state == Application.State.SELECTED],
        "objections": objections,
        "documents": _latest_documents(batch),
        "before_end": batch.publicity_end is not None and timezone.localdate() <= batch.publicity_end,
        # (working days, whether the holiday calendar lacked the year and Monday–Friday was assumed)
        "workdays": count_workdays(batch.publicity_start, batch.publicity_end)
        if batch.publicity_start
        else (0, False),
    }
    return render(request, "reviews/publicity.html", context, status=status)


def _refused_form(request, review_round, **forms):
    """A publicity form refused (invalid, or by the service): the page again, with what was typed."""
    messages.error(request, gettext("未保存，请按提示修改；您填写的内容已保留。"))
    return _render_publicity(request, review_round, **forms, status=422)


@login_required
@require_POST
def publicity_open(request, pk: int):
    review_round = _managed_round(request.user, pk)
    form = PublicityForm(request.POST)
    if form.is_valid():
        try:
            publicity.publicity_open(batch=review_round.batch, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("拟入选名单已公示。"))
            return redirect("reviews:publicity", pk=pk)
    return _refused_form(request, review_round, open_form=form)


@login_required
@require_POST
def objection_record(request, pk: int):
    review_round = _managed_round(request.user, pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        application = get_in_scope_or_404(
            Application.objects.filter(batch_id=review_round.batch_id), pk=data.pop("application")
        )
        try:
            publicity.objection_record(application=application, by=request.user, **data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("异议已登记。"))
            return redirect("reviews:publicity", pk=pk)
    return _refused_form(request, review_round, objection_form=form)


@login_required
@require_POST
def objection_handle(request, pk: int, objection_pk: int):
    review_round = _managed_round(request.user, pk)
    objection = get_in_scope_or_404(
        Objection.objects.filter(item__application__batch_id=review_round.batch_id), pk=objection_pk
    )
    form = ObjectionHandleForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:publicity", pk=pk)
    run(
        request,
        publicity.objection_handle,
        success=gettext("异议处理结果已记录。"),
        objection=objection,
        by=request.user,
        **form.cleaned_data,
    )
    return redirect("reviews:publicity", pk=pk)


@login_required
@require_POST
def publicity_confirm(request, pk: int):
    review_round = _managed_round(request.user, pk)
    run(
        request,
        publicity.publicity_confirm,
        success=gettext("试点名单已确定并公布，试点单位已创建，申报单位已收到通知。"),
        batch=review_round.batch,
        by=request.user,
        override_reason=request.POST.get("reason", ""),
    )
    return redirect("reviews:publicity", pk=pk)
