from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from core.actions import run
from core.errors import ActionNotPermitted, DomainError
from core.security import deny_section, get_in_scope_or_404
from core.transitions import actions_for
from core.uploads import serve_file
from organisations.models import Organisation, Role
from organisations.roles import scope_of

from . import permissions, services
from .filters import ApplicationFilter
from .forms import AttachmentForm, BatchForm, RecommendForm
from .models import Application, Attachment, Batch
from .resources import application_list_xlsx
from .selectors import applications_visible_to, get_application_for_user

PAGE_SIZE = 50


@login_required
def application_list(request):
    applications = applications_visible_to(request.user)
    filters = ApplicationFilter(request.GET, applications, user=request.user)
    if request.GET.get("export") == "xlsx":
        return application_list_xlsx(filters.queryset, user=request.user, filters=filters)
    page = Paginator(
        filters.queryset.order_by("organisation__review_unit__order", "-submitted_at", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "applications/list.html", {"page": page, "filters": filters})


@login_required
def application_detail(request, pk: int):
    return _render_detail(request, get_application_for_user(request.user, pk))


def _render_detail(request, application, *, recommend_form=None, status=200):
    """The application's page; after a refused recommendation, with the form as the officer typed it."""
    from .progress import next_step, steps
    from .views_form import section_nav

    can_edit = permissions.can_edit_application(request.user, application)
    # The transitions are worked out once per page (their guards run queries); the template splits them.
    # 拟入选/不予入选 are never run one application at a time: the proposal and the finance department's
    # confirmation are joint decisions on the whole round (reviews:batch_decision), recorded as rows.
    special = {"recommend", "shortlist", "decline"}
    all_actions = actions_for(application, request.user)
    context = {
        "application": application,
        "attachments": application.attachments.select_related("uploaded_by"),
        "can_edit": can_edit,
        "recommend_form": recommend_form or RecommendForm(),
        "attachment_form": AttachmentForm(),
        "missing": application.missing_for_submission() if application.is_editable else [],
        "nav": section_nav(application, ""),
        "steps": steps(application),
        "next_step": next_step(application, request.user),
        "city_screening_batch": permissions.can_screen_application(request.user, application),
        "available": [a for a in all_actions if a.name not in special],
        "special_actions": [a for a in all_actions if a.name == "recommend"],
        "joint_decision": application.state in ("in_expert_review", "reviewed")
        and scope_of(request.user).has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER),
    }
    return render(request, "applications/detail.html", context, status=status)


@login_required
def application_create(request):
    """Start an application for one of the user's applicant organisations (usually exactly one)."""
    organisations = list(
        Organisation.objects.filter(pk__in=scope_of(request.user).orgs(Role.APPLICANT)).order_by("name")
    )
    if not organisations:
        deny_section("applications.create")
    batch = get_object_or_404(Batch, pk=request.GET.get("batch") or request.POST.get("batch"))
    if request.method == "POST":
        chosen = next((o for o in organisations if str(o.pk) == request.POST.get("organisation")), None)
        if chosen is None:
            messages.error(request, gettext("请选择申报单位。"))
            return redirect(f"{reverse('applications:create')}?batch={batch.pk}")
        try:
            application = services.application_create(batch=batch, organisation=chosen, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("dashboard:dashboard")
        messages.success(request, gettext("申报书已创建，请逐项填写。"))
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/create.html", {"batch": batch, "organisations": organisations})


@login_required
@require_POST
def attachment_upload(request, pk: int):
    application = get_application_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("applications:detail", pk=pk)
    data = form.cleaned_data
    run(
        request,
        services.attachment_add,
        success=gettext("附件已上传。"),
        application=application,
        by=request.user,
        kind=data["kind"],
        title=data["title"],
        uploaded=data["file"],
        content_type=data["content_type"],
        extension=data["extension"],
    )
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    application = get_application_for_user(request.user, pk)
    attachment = get_in_scope_or_404(Attachment.objects.filter(application=application), pk=attachment_pk)
    run(
        request,
        services.attachment_remove,
        success=gettext("附件已删除。"),
        attachment=attachment,
        by=request.user,
    )
    return redirect("applications:detail", pk=pk)


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    application = get_application_for_user(request.user, pk)
    attachment = get_in_scope_or_404(Attachment.objects.filter(application=application), pk=attachment_pk)
    return serve_file(
        attachment.file, download_name=attachment.original_name, content_type=attachment.content_type
    )


# One POST action per transition; each calls its service.
ACTIONS = {
    "submit": (
        lambda app, user, post: services.application_submit(application=app, by=user),
        gettext_lazy(
            "申报书已提交，已报送市级生态环境局审核。申报表PDF正在后台生成，稍后可在“提交版本”中下载。"
        ),
    ),
    "withdraw": (
        lambda app, user, post: services.application_withdraw(
            application=app, by=user, reason=post.get("reason", "")
        ),
        gettext_lazy("申报已撤回。"),
    ),
    "return_for_revision": (
        lambda app, user, post: services.application_return(
            application=app, by=user, reason=post.get("reason", "")
        ),
        gettext_lazy("已退回申报单位修改。"),
    ),
    "reject": (
        lambda app, user, post: services.application_reject(
            application=app, by=user, reason=post.get("reason", "")
        ),
        gettext_lazy("已作出不予推荐决定。"),
    ),
    "forward": (
        lambda app, user, post: services.application_forward(application=app, by=user),
        gettext_lazy("已报送省生态环境厅。"),
    ),
    "return_to_city": (
        lambda app, user, post: services.application_return_to_city(
            application=app, by=user, reason=post.get("reason", "")
        ),
        gettext_lazy("已退回市级生态环境局。"),
    ),
    "start_expert_review": (
        lambda app, user, post: services.application_start_expert_review(application=app, by=user),
        gettext_lazy("已提交专家评审。"),
    ),
    "finish_review": (
        lambda app, user, post: services.application_finish_review(application=app, by=user),
        gettext_lazy("已标记评审完成。"),
    ),
    "publicise": (
        lambda app, user, post: services.application_publicise(application=app, by=user),
        gettext_lazy("已列入公示。"),
    ),
    "uphold_objection": (
        lambda app, user, post: services.application_uphold_objection(
            application=app, by=user, reason=post.get("reason", "")
        ),
        gettext_lazy("已记录异议成立。"),
    ),
}


@login_required
@require_POST
def application_action(request, pk: int, name: str):
    application = get_application_for_user(request.user, pk)
    if name not in ACTIONS:
        raise Http404
    func, success = ACTIONS[name]
    run(request, lambda: func(application, request.user, request.POST), success=success)
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def application_recommend(request, pk: int):
    """Recommend with the opinion and the rank; a refused one (invalid, or refused by the guards) is shown
    again on the application's page as typed, with the message."""
    application = get_application_for_user(request.user, pk)
    form = RecommendForm(request.POST)
    if form.is_valid():
        try:
            services.application_recommend(
                application=application,
                by=request.user,
                opinion=form.cleaned_data["opinion"],
                rank=form.cleaned_data["rank"],
            )
        except ActionNotPermitted as error:  # nothing to keep for someone who may not recommend
            messages.error(request, error.message)
            return redirect("applications:detail", pk=pk)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("已推荐。"))
            return redirect("applications:detail", pk=pk)
    messages.error(request, gettext("推荐未保存，请按提示修改；您填写的内容已保留。"))
    application.refresh_from_db()
    return _render_detail(request, application, recommend_form=form, status=422)


# Batches (provincial officer) ------------------------------------------------------------------
def _require_batch_manager(user):
    if not permissions.can_manage_batches(user):
        deny_section("applications.batches")


@login_required
def batch_list(request):
    _require_batch_manager(request.user)
    return render(request, "applications/batch_list.html", {"batches": Batch.objects.all()})


@login_required
def batch_detail(request, pk: int):
    _require_batch_manager(request.user)
    batch = get_object_or_404(Batch, pk=pk)
    counts = {row["state"]: row["n"] for row in batch.applications.values("state").annotate(n=Count("pk"))}
    rows = [(label, counts.get(value, 0)) for value, label in Application.State.choices]
    return render(request, "applications/batch_detail.html", {"batch": batch, "state_counts": rows})


@login_required
def batch_create(request):
    _require_batch_manager(request.user)
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch = services.batch_create(by=request.user, **form.cleaned_data)
        messages.success(request, gettext("申报批次已创建。"))
        return redirect("applications:batch_detail", pk=batch.pk)
    return render(request, "applications/batch_form.html", {"form": form})


@login_required
def batch_edit(request, pk: int):
    _require_batch_manager(request.user)
    batch = get_object_or_404(Batch, pk=pk)
    form = BatchForm(request.POST or None, instance=batch)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and run(
            request,
            services.batch_update,
            success=gettext("申报批次已保存。"),
            batch=batch,
            by=request.user,
            fields=form.cleaned_data,
        )
    )
    if saved:
        return redirect("applications:batch_detail", pk=pk)
    return render(request, "applications/batch_form.html", {"form": form, "batch": batch})


@login_required
@require_POST
def batch_action(request, pk: int, name: str):
    _require_batch_manager(request.user)
    batch = get_object_or_404(Batch, pk=pk)
    run(
        request,
        services.batch_transition,
        success=gettext("已办理。"),
        batch=batch,
        name=name,
        by=request.user,
        reason=request.POST.get("reason", ""),
    )
    return redirect("applications:batch_detail", pk=pk)
