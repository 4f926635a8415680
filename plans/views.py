"""Plan pages: the pilot's plan page and its edit pages, the province's decisions, the local approval, the
ledger, the lists and the change requests. Small function views; writes go through plans.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.actions import run
from core.errors import DomainError
from core.security import deny_section
from core.uploads import serve_file

from . import permissions, services
from .forms import (
    BaselineForm,
    ChangeFilter,
    ChapterForm,
    DecisionForm,
    DocumentForm,
    ExtensionForm,
    FileForm,
    FundingFormSet,
    GeneralForm,
    LocalApprovalForm,
    OpinionForm,
    PlanFilter,
    ProjectChangeForm,
    ProjectFormSet,
    ReturnForm,
    TargetChangeForm,
    TargetFormSet,
)
from .models import CHAPTER_GUIDANCE, ChangeRequest, Chapter, KeyProject, Plan, PlanBaseline
from .resources import change_list_xlsx, plan_list_xlsx
from .selectors import (
    changes_visible_to,
    get_change_for_user,
    get_pilot_plan_for_user,
    ledger_versions,
    plans_visible_to,
    target_path,
)
from .snapshot import construction_years, diff, inventory_for, serialize


def _plan_or_404(pilot, plan):
    if plan is None:
        raise Http404(gettext("建设方案尚未开始编制"))
    return plan


def _editable_or_404(request, pilot_pk):
    pilot, plan = get_pilot_plan_for_user(request.user, pilot_pk)
    plan = _plan_or_404(pilot, plan)
    if not permissions.can_edit_plan(request.user, plan):
        messages.error(request, gettext("建设方案当前不能修改。"))
        return pilot, plan, False
    return pilot, plan, True


def _try(http_request, func, /, **kwargs) -> bool:
    """Run a service; a refusal becomes a message next to the form (the form is re-rendered)."""
    try:
        func(**kwargs)
    except DomainError as error:
        messages.error(http_request, error.message)
        return False
    return True


@login_required
def plan_page(request, pilot_pk: int):
    pilot, plan = get_pilot_plan_for_user(request.user, pilot_pk)
    context = {"pilot": pilot, "plan": plan, "can_start": False}
    if plan is None:
        context["can_start"] = permissions.can_submit_plan(request.user, Plan(pilot=pilot))
        return render(request, "plans/plan.html", context)
    versions = list(
        plan.versions.select_related("submitted_by", "decision", "decision__decided_by").order_by("number")
    )
    comparisons = [
        {"old": older, "new": newer, "changes": diff(older.snapshot, newer.snapshot)}
        for older, newer in zip(versions, versions[1:], strict=False)
    ]
    chapters = {c.key: c for c in plan.chapters.all()}
    can_edit = permissions.can_edit_plan(request.user, plan)
    pending = None
    if versions and can_edit:
        pending = diff(versions[-1].snapshot, serialize(plan))
    latest_decision = versions[-1].decision if versions and hasattr(versions[-1], "decision") else None
    context.update(
        {
            "chapters": [
                {
                    "key": key,
                    "label": label,
                    "guidance": CHAPTER_GUIDANCE[key],
                    "chapter": chapters.get(key),
                    "comment": (latest_decision.chapter_comments.get(key) if latest_decision else ""),
                }
                for key, label in Chapter.choices
            ],
            "years": construction_years(plan),
            "targets": plan.targets.select_related("indicator"),
            "projects": plan.key_projects.all(),
            "funding": plan.funding.all(),
            "baseline": PlanBaseline.objects.filter(plan=plan).first(),
            "inventory": inventory_for(plan),
            "versions": list(reversed(versions)),
            "comparisons": list(reversed(comparisons)),
            "pending_changes": pending,
            "latest_decision": latest_decision,
            "can_edit": can_edit,
            "can_submit": permissions.can_submit_plan(request.user, plan)
            and plan.state in permissions.EDITABLE_STATES,
            "missing": services.missing_for_submission(plan) if can_edit else [],
            "can_decide": permissions.can_decide_plan(request.user, plan)
            and plan.state == Plan.State.SUBMITTED,
            "can_record_approval": permissions.can_record_local_approval(request.user, plan)
            and plan.state == Plan.State.FILED
            and pilot.state == pilot.State.PLAN_FILED,
            "return_form": ReturnForm(),
            "file_form": FileForm(),
        }
    )
    return render(request, "plans/plan.html", context)


@login_required
@require_POST
def plan_start(request, pilot_pk: int):
    pilot, plan = get_pilot_plan_for_user(request.user, pilot_pk)
    run(request, services.plan_start, success=gettext("已开始编制建设方案。"), pilot=pilot, by=request.user)
    return redirect("plans:plan", pilot_pk=pilot.pk)


@login_required
def plan_general(request, pilot_pk: int):
    pilot, plan, ok = _editable_or_404(request, pilot_pk)
    if not ok:
        return redirect("plans:plan", pilot_pk=pilot.pk)
    form = GeneralForm(request.POST or None, initial={"title": plan.title, "form": plan.form})
    doc_form = DocumentForm()
    saved = request.method == "POST" and form.is_valid()
    if saved and _try(request, services.plan_save_general, plan=plan, by=request.user, **form.cleaned_data):
        messages.success(request, gettext("已保存。"))
        return redirect("plans:plan", pilot_pk=pilot.pk)
    return render(
        request, "plans/edit_general.html", {"pilot": pilot, "plan": plan, "form": form, "doc_form": doc_form}
    )


@login_required
def plan_document(request, pilot_pk: int):
    """GET: download the uploaded document (permission-checked); POST: upload it."""
    pilot, plan = get_pilot_plan_for_user(request.user, pilot_pk)
    plan = _plan_or_404(pilot, plan)
    if request.method == "GET":
        if not plan.document:
            raise Http404(gettext("文件不存在"))
        return serve_file(
            plan.document, download_name=plan.document_name or "plan", content_type=plan.document_type
        )
    if not permissions.can_edit_plan(request.user, plan):
        raise Http404(gettext("建设方案当前不能修改"))
    doc_form = DocumentForm(request.POST, request.FILES)
    if doc_form.is_valid() and _try(
        request,
        services.plan_upload_document,
        plan=plan,
        uploaded=doc_form.cleaned_data["document"],
        by=request.user,
    ):
        messages.success(request, gettext("方案文本已上传。"))
        return redirect("plans:plan", pilot_pk=pilot.pk)
    form = GeneralForm(initial={"title": plan.title, "form": plan.form})
    return render(
        request,
        "plans/edit_general.html",
        {"pilot": pilot, "plan": plan, "form": form, "doc_form": doc_form},
        status=400,
    )


@login_required
def plan_chapter(request, pilot_pk: int, key: str):
    if key not in Chapter.values:
        raise Http404
    pilot, plan, ok = _editable_or_404(request, pilot_pk)
    if not ok:
        return redirect("plans:plan", pilot_pk=pilot.pk)
    chapter = plan.chapters.filter(key=key).first()
    form = ChapterForm(request.POST or None, initial={"body": chapter.body if chapter else ""})
    if (
        request.method == "POST"
        and form.is_valid()
        and _try(
            request,
            services.plan_save_chapter,
            plan=plan,
            key=key,
            body=form.cleaned_data["body"],
            by=request.user,
        )
    ):
        messages.success(request, gettext("章节已保存（不安全的标记已移除）。"))
        return redirect("plans:plan", pilot_pk=pilot.pk)
    return render(
        request,
        "plans/edit_chapter.html",
        {
            "pilot": pilot,
            "plan": plan,
            "form": form,
            "title": Chapter(key).label,
            "guidance": CHAPTER_GUIDANCE[key],
        },
    )


def _table_view(request, pilot_pk, *, formset_class, initial_rows, save, template_title, prefix):
    pilot, plan, ok = _editable_or_404(request, pilot_pk)
    if not ok:
        return redirect("plans:plan", pilot_pk=pilot.pk)
    years = construction_years(plan)
    kwargs = {"years": years}
    if formset_class is TargetFormSet:
        kwargs["keep"] = [t.indicator for t in plan.targets.select_related("indicator")]
    if request.method == "POST":
        formset = formset_class(request.POST, prefix=prefix, form_kwargs=kwargs)
        if formset.is_valid() and _try(request, save, plan=plan, rows=formset.rows(), by=request.user):
            messages.success(request, gettext("已保存。"))
            return redirect("plans:plan", pilot_pk=pilot.pk)
    else:
        formset = formset_class(initial=initial_rows(plan, years), prefix=prefix, form_kwargs=kwargs)
    return render(
        request,
        "plans/edit_table.html",
        {"pilot": pilot, "plan": plan, "formset": formset, "title": template_title, "years": years},
    )


def _target_rows(plan, years):
    rows = []
    for t in plan.targets.select_related("indicator"):
        row = {
            "indicator": t.indicator,
            "binding": "1" if t.binding else "0",
            "base_value": t.base_value,
            "data_source": t.data_source,
        }
        for y in years:
            row[f"y{y}"] = (t.values or {}).get(str(y))
        rows.append(row)
    return rows


def _project_rows(plan, years):
    rows = []
    for p in plan.key_projects.all():
        row = {
            "name": p.name,
            "task": p.task,
            "location": p.location,
            "owner_unit": p.owner_unit,
            "content": p.content,
            "expected_reduction_t": p.expected_reduction_t,
        }
        for y in years:
            entry = (p.investment_by_year or {}).get(str(y)) or {}
            row[f"invest_{y}"] = entry.get("amount")
            row[f"source_{y}"] = entry.get("source", "")
            row[f"milestone_{y}"] = (p.milestones or {}).get(str(y), "")
        rows.append(row)
    return rows


def _funding_rows(plan, years):
    return [
        {"year": f.year, "source": f.source, "amount": f.amount, "use": f.use} for f in plan.funding.all()
    ]


@login_required
def plan_targets(request, pilot_pk: int):
    return _table_view(
        request,
        pilot_pk,
        formset_class=TargetFormSet,
        initial_rows=_target_rows,
        save=services.plan_save_targets,
        template_title=gettext("目标指标表"),
        prefix="targets",
    )


@login_required
def plan_projects(request, pilot_pk: int):
    return _table_view(
        request,
        pilot_pk,
        formset_class=ProjectFormSet,
        initial_rows=_project_rows,
        save=services.plan_save_projects,
        template_title=gettext("重点工程项目表"),
        prefix="projects",
    )


@login_required
def plan_funding(request, pilot_pk: int):
    return _table_view(
        request,
        pilot_pk,
        formset_class=FundingFormSet,
        initial_rows=_funding_rows,
        save=services.plan_save_funding,
        template_title=gettext("资金筹措表"),
        prefix="funding",
    )


@login_required
def plan_baseline(request, pilot_pk: int):
    pilot, plan, ok = _editable_or_404(request, pilot_pk)
    if not ok:
        return redirect("plans:plan", pilot_pk=pilot.pk)
    baseline = PlanBaseline.objects.filter(plan=plan).first()
    initial = {}
    if baseline is not None:
        initial = {k: getattr(baseline, k) for k in BaselineForm.FIELDS}
        initial.update({f"fuel_{u.fuel}": u.quantity for u in baseline.energy_uses.all()})
    form = BaselineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, energy = form.values()
        if _try(
            request, services.plan_save_baseline, plan=plan, by=request.user, fields=fields, energy=energy
        ):
            messages.success(request, gettext("已保存，基准年碳排放已重新核算。"))
            return redirect("plans:plan", pilot_pk=pilot.pk)
    return render(
        request,
        "plans/edit_baseline.html",
        {"pilot": pilot, "plan": plan, "form": form, "base_year": pilot.batch.base_year},
    )


@login_required
@require_POST
def plan_submit(request, pilot_pk: int):
    pilot, plan = get_pilot_plan_for_user(request.user, pilot_pk)
    plan = _plan_or_404(pilot, plan)
    run(
        request,
        services.plan_submit,
        success=gettext("建设方案已报送，PDF正在生成。"),
        plan=plan,
        by=request.user,
    )
    return redirect("plans:plan", pilot_pk=pilot.pk)


@login_required
@require_POST
def plan_decide(request, pilot_pk: int, outcome: str):
    pilot, plan = get_pilot_plan_for_user(request.user, pilot_pk)
    plan = _plan_or_404(pilot, plan)
    if not permissions.can_decide_plan(request.user, plan):
        raise Http404
    if outcome == "return":
        form = ReturnForm(request.POST)
        if form.is_valid() and _try(
            request,
            services.plan_return,
            plan=plan,
            by=request.user,
            comment=form.cleaned_data["comment"],
            chapter_comments=form.chapter_comments(),
        ):
            messages.success(request, gettext("已退回修改。"))
            return redirect("plans:plan", pilot_pk=pilot.pk)
    elif outcome == "file":
        form = FileForm(request.POST)
        if form.is_valid() and _try(
            request, services.plan_file, plan=plan, by=request.user, **form.cleaned_data
        ):
            messages.success(request, gettext("已审核备案，目标台账已生成。"))
            return redirect("plans:plan", pilot_pk=pilot.pk)
    else:
        raise Http404
    return render(
        request,
        "plans/decide.html",
        {"pilot": pilot, "plan": plan, "form": form, "outcome": outcome},
        status=400,
    )


@login_required
def version_pdf(request, pilot_pk: int, number: int):
    pilot, plan = get_pilot_plan_for_user(request.user, pilot_pk)
    plan = _plan_or_404(pilot, plan)
    version = plan.versions.filter(number=number).first()
    if version is None:
        raise Http404
    if not version.pdf:
        messages.info(request, gettext("方案PDF正在生成，请稍候刷新。"))
        return redirect("plans:plan", pilot_pk=pilot.pk)
    name = gettext("%(name)s建设方案（第%(n)s版）.pdf") % {"name": pilot.organisation.name, "n": number}
    return serve_file(version.pdf, download_name=name, content_type="application/pdf")


@login_required
def local_approval(request, pilot_pk: int):
    pilot, plan = get_pilot_plan_for_user(request.user, pilot_pk)
    plan = _plan_or_404(pilot, plan)
    if not permissions.can_record_local_approval(request.user, plan):
        raise Http404
    form = LocalApprovalForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _try(
            request, services.plan_record_local_approval, plan=plan, by=request.user, **form.cleaned_data
        )
    ):
        messages.success(request, gettext("已登记审议印发情况，试点进入建设实施阶段。"))
        return redirect("plans:plan", pilot_pk=pilot.pk)
    return render(request, "plans/local_approval.html", {"pilot": pilot, "plan": plan, "form": form})


@login_required
def minutes_file(request, pilot_pk: int):
    pilot, plan = get_pilot_plan_for_user(request.user, pilot_pk)
    plan = _plan_or_404(pilot, plan)
    if not plan.minutes:
        raise Http404
    return serve_file(
        plan.minutes, download_name=plan.minutes_name or "minutes", content_type=plan.minutes_type
    )


@login_required
def ledger(request, pilot_pk: int):
    pilot, plan = get_pilot_plan_for_user(request.user, pilot_pk)
    if not permissions.can_view_ledger(request.user, pilot):
        raise Http404
    versions = ledger_versions(pilot)
    years = construction_years(plan) if plan else []
    return render(
        request,
        "plans/ledger.html",
        {
            "pilot": pilot,
            "plan": plan,
            "versions": versions,
            "years": years,
            "can_request": permissions.can_request_change(request.user, pilot)
            and pilot.state in (pilot.State.PLAN_FILED, pilot.State.IMPLEMENTING),
            "changes": changes_visible_to(request.user).filter(pilot=pilot),
        },
    )


@login_required
def plan_list(request):
    if not permissions.can_list_plans(request.user) and not _is_city(request.user):
        deny_section("plans.list")
    filters = PlanFilter(request.GET, plans_visible_to(request.user), user=request.user)
    if request.GET.get("export") == "xlsx":
        return plan_list_xlsx(filters.queryset, user=request.user, filters=filters)
    page = Paginator(filters.queryset, 50).get_page(request.GET.get("page"))
    return render(request, "plans/list.html", {"page": page, "filters": filters})


def _is_pilot_staff(user) -> bool:
    from organisations.models import Role
    from organisations.roles import scope_of

    return bool(scope_of(user).orgs(Role.APPLICANT))


def _is_city(user) -> bool:
    from organisations.roles import scope_of

    return bool(scope_of(user).review_units)


@login_required
def change_list(request):
    if not (
        permissions.can_list_plans(request.user) or _is_city(request.user) or _is_pilot_staff(request.user)
    ):
        deny_section("plans.changes")
    filters = ChangeFilter(request.GET, changes_visible_to(request.user), user=request.user)
    if request.GET.get("export") == "xlsx":
        return change_list_xlsx(filters.queryset, user=request.user, filters=filters)
    page = Paginator(filters.queryset, 50).get_page(request.GET.get("page"))
    return render(request, "plans/change_list.html", {"page": page, "filters": filters})


CHANGE_FORMS = {
    ChangeRequest.Kind.TARGET: TargetChangeForm,
    ChangeRequest.Kind.PROJECT: ProjectChangeForm,
    ChangeRequest.Kind.EXTENSION: ExtensionForm,
}


@login_required
def change_new(request, pilot_pk: int, kind: str):
    pilot, plan = get_pilot_plan_for_user(request.user, pilot_pk)
    if kind not in CHANGE_FORMS or plan is None or not permissions.can_request_change(request.user, pilot):
        raise Http404
    years = construction_years(plan)
    kwargs = {}
    if kind == ChangeRequest.Kind.TARGET:
        kwargs = {"paths": target_path(pilot), "years": years}
    elif kind == ChangeRequest.Kind.PROJECT:
        kwargs = {"projects": KeyProject.objects.filter(plan=plan), "years": years}
    form = CHANGE_FORMS[kind](request.POST or None, request.FILES or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        params = {
            "pilot": pilot,
            "by": request.user,
            "kind": kind,
            "reasons": d["reasons"],
            "evidence": d.get("evidence"),
        }
        if kind == ChangeRequest.Kind.TARGET:
            params.update(indicator=d["indicator"], target_values=form.values(), binding=d["binding"] == "1")
        elif kind == ChangeRequest.Kind.PROJECT:
            params.update(project=d["project"], project_changes=form.changes())
        else:
            params.update(due_kind=d["due_kind"], due_year=d["due_year"], new_due_date=d["new_due_date"])
        try:
            change = services.change_request_create(**params)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("申请已提交，等待市级意见。"))
            return redirect("plans:change", pk=change.pk)
    return render(
        request,
        "plans/change_new.html",
        {"pilot": pilot, "plan": plan, "form": form, "kind_label": ChangeRequest.Kind(kind).label},
    )


@login_required
def change_detail(request, pk: int):
    change = get_change_for_user(request.user, pk)
    opinion_form = decision_form = None
    if change.state == ChangeRequest.State.SUBMITTED and permissions.can_give_city_opinion(
        request.user, change
    ):
        opinion_form = OpinionForm(request.POST if request.POST.get("step") == "opinion" else None)
    if change.state == ChangeRequest.State.CITY_REVIEWED and permissions.can_decide_change(
        request.user, change
    ):
        decision_form = DecisionForm(request.POST if request.POST.get("step") == "decision" else None)
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "opinion" and opinion_form is not None and opinion_form.is_valid():
            if _try(
                request,
                services.change_give_city_opinion,
                request=change,
                by=request.user,
                supports=opinion_form.cleaned_data["supports"] == "1",
                opinion=opinion_form.cleaned_data["opinion"],
            ):
                messages.success(request, gettext("市级意见已出具。"))
                return redirect("plans:change", pk=change.pk)
        elif step == "decision" and decision_form is not None and decision_form.is_valid():
            if _try(
                request,
                services.change_decide,
                request=change,
                by=request.user,
                approve=decision_form.cleaned_data["decision"] == "approve",
                reason=decision_form.cleaned_data["reason"],
            ):
                messages.success(request, gettext("已办理。"))
                return redirect("plans:change", pk=change.pk)
        elif opinion_form is None and decision_form is None:
            raise Http404
    return render(
        request,
        "plans/change_detail.html",
        {"change": change, "opinion_form": opinion_form, "decision_form": decision_form},
    )


@login_required
def change_evidence(request, pk: int):
    change = get_change_for_user(request.user, pk)
    if not change.evidence:
        raise Http404
    return serve_file(
        change.evidence, download_name=change.evidence_name or "evidence", content_type=change.evidence_type
    )
