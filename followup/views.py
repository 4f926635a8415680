"""Pages of follow-up and guidance: small function views; every object through a scoped selector (404
outside the user's scope), every write through a service (core.actions.run turns refusals into messages)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.actions import run
from core.errors import DomainError
from core.lists import filtered_list, page_of
from core.security import deny_section
from core.uploads import serve_file
from pilots.models import Pilot
from pilots.selectors import pilots_visible_to
from reviews.models import Expert

from . import permissions, resources, selectors, services
from .filters import GuidanceVisitFilter, VisitFilter, WorkPlanFilter
from .forms import (
    GroupForm,
    GuidanceResponseForm,
    GuidanceVisitForm,
    ResponseForm,
    TaskFormSet,
    UploadForm,
    VisitForm,
    WorkPlanCreateForm,
    WorkPlanForm,
    cleaned_tasks,
)
from .models import VisitAttachment


def _form_error(request, error: DomainError, form=None):
    if form is not None:
        form.add_error(None, error.message)
    else:
        messages.error(request, error.message)


# Yearly work plans ---------------------------------------------------------------------------------
@login_required
def work_plan_list(request):
    return filtered_list(
        request,
        filter_class=WorkPlanFilter,
        queryset=selectors.work_plans_visible_to(request.user),
        template="followup/work_plan_list.html",
        export=resources.work_plan_list_xlsx,
        context=lambda: {"can_create": selectors.pilots_for_work_plan(request.user).exists()},
    )


@login_required
def work_plan_create(request):
    pilots = selectors.pilots_for_work_plan(request.user)
    if not pilots.exists():
        deny_section("followup.work_plan")
    form = WorkPlanCreateForm(
        request.POST or None, pilots=pilots, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        try:
            work_plan = services.work_plan_create(
                pilot=form.cleaned_data["pilot"], year=form.cleaned_data["year"], by=request.user
            )
        except DomainError as error:
            _form_error(request, error, form)
        else:
            messages.success(request, gettext("年度工作方案已创建，请填写年度任务。"))
            return redirect("followup:work_plan_edit", pk=work_plan.pk)
    return render(request, "followup/work_plan_create.html", {"form": form})


@login_required
def work_plan_detail(request, pk: int):
    work_plan = selectors.get_work_plan_for_user(request.user, pk)
    return render(
        request,
        "followup/work_plan_detail.html",
        {"work_plan": work_plan, "can_edit": permissions.can_edit_work_plan(request.user, work_plan)},
    )


@login_required
def work_plan_edit(request, pk: int):
    work_plan = selectors.get_work_plan_for_user(request.user, pk)
    if not permissions.can_edit_work_plan(request.user, work_plan):
        if not permissions.can_draft_work_plan_for(request.user, work_plan.pilot):
            raise Http404
        messages.error(
            request,
            gettext("年度工作方案当前状态为「%(state)s」，不能修改。")
            % {"state": work_plan.get_state_display()},
        )
        return redirect("followup:work_plan_detail", pk=pk)
    initial = [
        {"task": t.task, "responsible_unit": t.responsible_unit, "deadline": t.deadline}
        for t in work_plan.tasks.all()
    ]
    form = WorkPlanForm(request.POST or None, instance=work_plan)
    formset = TaskFormSet(request.POST or None, initial=initial, prefix="tasks")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.work_plan_save(
                work_plan=work_plan,
                by=request.user,
                summary=form.cleaned_data["summary"],
                tasks=cleaned_tasks(formset),
            )
        except DomainError as error:
            _form_error(request, error, form)
        else:
            messages.success(request, gettext("年度工作方案已保存。"))
            return redirect("followup:work_plan_detail", pk=pk)
    return render(
        request, "followup/work_plan_edit.html", {"work_plan": work_plan, "form": form, "formset": formset}
    )


@login_required
@require_POST
def work_plan_action(request, pk: int, name: str):
    work_plan = selectors.get_work_plan_for_user(request.user, pk)
    if name not in services.WORK_PLAN_TRANSITIONS:
        raise Http404
    run(
        request,
        services.work_plan_transition,
        success=gettext("已办理。"),
        work_plan=work_plan,
        name=name,
        by=request.user,
        reason=request.POST.get("reason", ""),
    )
    return redirect("followup:work_plan_detail", pk=pk)


# City follow-up visits -----------------------------------------------------------------------------
@login_required
def visit_list(request):
    return filtered_list(
        request,
        filter_class=VisitFilter,
        queryset=selectors.visits_visible_to(request.user),
        template="followup/visit_list.html",
        export=resources.visit_list_xlsx,
        context=lambda: {"can_create": selectors.pilots_for_visit(request.user).exists()},
    )


@login_required
def visit_create(request):
    pilots = selectors.pilots_for_visit(request.user)
    if not pilots.exists():
        deny_section("followup.visit")
    form = VisitForm(request.POST or None, pilots=pilots, initial={"pilot": request.GET.get("pilot")})
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_create(by=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(request, error, form)
        else:
            messages.success(request, gettext("督导记录已登记。"))
            return redirect("followup:visit_detail", pk=visit.pk)
    return render(request, "followup/visit_create.html", {"form": form})


@login_required
def visit_detail(request, pk: int):
    visit = selectors.get_visit_for_user(request.user, pk)
    user = request.user
    return render(
        request,
        "followup/visit_detail.html",
        {
            "visit": visit,
            "overdue": visit.is_overdue(),
            "can_upload": permissions.can_edit_visit(user, visit),
            "can_respond": permissions.can_respond_visit(user, visit),
            "upload_form": UploadForm(),
            "response_form": ResponseForm(initial={"response": visit.response}),
        },
    )


@login_required
@require_POST
def visit_upload(request, pk: int):
    visit = selectors.get_visit_for_user(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("followup:visit_detail", pk=pk)
    data = form.cleaned_data
    run(
        request,
        services.visit_attachment_add,
        success=gettext("附件已上传。"),
        visit=visit,
        by=request.user,
        uploaded=data["file"],
        content_type=data["content_type"],
        extension=data["extension"],
        title=data["title"],
    )
    return redirect("followup:visit_detail", pk=pk)


@login_required
def visit_download(request, pk: int, attachment_pk: int):
    visit = selectors.get_visit_for_user(request.user, pk)
    attachment = get_object_or_404(VisitAttachment, pk=attachment_pk, visit=visit)
    return serve_file(
        attachment.file, download_name=attachment.original_name, content_type=attachment.content_type
    )


@login_required
@require_POST
def visit_respond(request, pk: int):
    visit = selectors.get_visit_for_user(request.user, pk)
    run(
        request,
        services.visit_respond,
        success=gettext("整改情况已报送。"),
        visit=visit,
        by=request.user,
        response=request.POST.get("response", ""),
    )
    return redirect("followup:visit_detail", pk=pk)


@login_required
@require_POST
def visit_action(request, pk: int, name: str):
    visit = selectors.get_visit_for_user(request.user, pk)
    if name != "close":
        raise Http404
    run(
        request,
        services.visit_close,
        success=gettext("已销号。"),
        visit=visit,
        by=request.user,
        note=request.POST.get("reason", ""),
    )
    return redirect("followup:visit_detail", pk=pk)


# Expert guidance -----------------------------------------------------------------------------------
@login_required
def group_list(request):
    groups = selectors.groups_visible_to(request.user)
    return render(
        request,
        "followup/group_list.html",
        {
            "page": page_of(request, groups),
            "can_manage": permissions.can_manage_guidance(request.user),
        },
    )


@login_required
def group_create(request):
    if not permissions.can_manage_guidance(request.user):
        deny_section("followup.guidance")
    form = GroupForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(by=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(request, error, form)
        else:
            messages.success(request, gettext("帮扶指导组已组建。"))
            return redirect("followup:group_detail", pk=group.pk)
    return render(request, "followup/group_create.html", {"form": form})


@login_required
def group_detail(request, pk: int):
    group = selectors.get_group_for_user(request.user, pk)
    can_manage = permissions.can_manage_guidance(request.user, group)
    context = {
        "group": group,
        "can_manage": can_manage,
        "visits": selectors.guidance_visits_visible_to(request.user).filter(group=group),
        "can_record": permissions.can_record_guidance_visit(request.user, group),
    }
    if can_manage:
        members = {e.pk for e in group.experts.all()}
        assigned = {p.pk for p in group.pilots.all()}
        context["pool"] = [e for e in Expert.objects.filter(active=True) if e.pk not in members]
        context["candidates"] = [
            p for p in pilots_visible_to(request.user).order_by("organisation__name") if p.pk not in assigned
        ]
    if context["can_record"]:
        context["visit_form"] = GuidanceVisitForm(group=group, initial={"visit_date": timezone.localdate()})
    return render(request, "followup/group_detail.html", context)


@login_required
@require_POST
def group_add_expert(request, pk: int):
    group = selectors.get_group_for_user(request.user, pk)
    expert = get_object_or_404(Expert, pk=request.POST.get("expert") or 0)
    run(
        request,
        services.group_add_expert,
        success=gettext("专家已加入。"),
        group=group,
        expert=expert,
        by=request.user,
    )
    return redirect("followup:group_detail", pk=pk)


@login_required
@require_POST
def group_remove_expert(request, pk: int):
    group = selectors.get_group_for_user(request.user, pk)
    expert = get_object_or_404(group.experts.all(), pk=request.POST.get("expert") or 0)
    run(
        request,
        services.group_remove_expert,
        success=gettext("专家已移出。"),
        group=group,
        expert=expert,
        by=request.user,
    )
    return redirect("followup:group_detail", pk=pk)


@login_required
@require_POST
def group_assign_pilot(request, pk: int):
    group = selectors.get_group_for_user(request.user, pk)
    pilot = get_object_or_404(Pilot.objects.select_related("organisation"), pk=request.POST.get("pilot") or 0)
    run(
        request,
        services.group_assign_pilot,
        success=gettext("已指派。"),
        group=group,
        pilot=pilot,
        by=request.user,
    )
    return redirect("followup:group_detail", pk=pk)


@login_required
def group_pilot(request, pk: int, pilot_pk: int):
    """A pilot assigned to the group, as the group's experts see it: its basic facts and the group's
    records with it (nothing else of the pilot)."""
    group = selectors.get_group_for_user(request.user, pk)
    pilot = selectors.get_group_pilot(group, pilot_pk)
    visits = selectors.guidance_visits_visible_to(request.user).filter(group=group, pilot=pilot)
    return render(request, "followup/group_pilot.html", {"group": group, "pilot": pilot, "visits": visits})


@login_required
def guidance_visit_create(request, pk: int):
    group = selectors.get_group_for_user(request.user, pk)
    if not permissions.can_record_guidance_visit(request.user, group):
        raise Http404
    form = GuidanceVisitForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.guidance_visit_record(group=group, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(request, error, form)
        else:
            messages.success(request, gettext("帮扶指导记录已登记。"))
            return redirect("followup:guidance_visit_detail", pk=visit.pk)
    return render(request, "followup/guidance_visit_create.html", {"group": group, "form": form})


@login_required
def guidance_visit_list(request):
    return filtered_list(
        request,
        filter_class=GuidanceVisitFilter,
        queryset=selectors.guidance_visits_visible_to(request.user),
        template="followup/guidance_visit_list.html",
        export=resources.guidance_visit_list_xlsx,
    )


@login_required
def guidance_visit_detail(request, pk: int):
    visit = selectors.get_guidance_visit_for_user(request.user, pk)
    return render(
        request,
        "followup/guidance_visit_detail.html",
        {
            "visit": visit,
            "can_respond": permissions.can_respond_guidance_visit(request.user, visit),
            "response_form": GuidanceResponseForm(initial={"response": visit.response}),
        },
    )


@login_required
@require_POST
def guidance_visit_respond(request, pk: int):
    visit = selectors.get_guidance_visit_for_user(request.user, pk)
    run(
        request,
        services.guidance_visit_respond,
        success=gettext("落实情况已报送。"),
        visit=visit,
        by=request.user,
        response=request.POST.get("response", ""),
    )
    return redirect("followup:guidance_visit_detail", pk=pk)
