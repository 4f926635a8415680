"""Pages of the acceptance request: small function views; every object through a scoped selector (404
outside the user's scope), every write through a service (refusals shown in Chinese, input kept)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.actions import run
from core.errors import DomainError
from core.lists import filtered_list
from core.security import deny_section
from core.uploads import serve_file
from indicators.models import AcceptanceAdjustment, AcceptanceVeto

from . import permissions, resources, selectors, services
from .filters import RequestFilter
from .forms import DecisionForm, PrepareForm, RecommendForm, UploadForm, parse_edit
from .models import AcceptanceRequest, Attachment, ProjectCompletion, Recommendation


@login_required
def request_list(request):
    """The city's requests to check (its pilots'), the province's forwarded ones, the pilot's own."""
    return filtered_list(
        request,
        filter_class=RequestFilter,
        queryset=selectors.requests_visible_to(request.user),
        template="acceptance/request_list.html",
        export=resources.request_list_xlsx,
        context=lambda: {
            "can_prepare": selectors.pilots_to_prepare(request.user).exists(),
            "can_recommend": permissions.can_recommend(request.user),
        },
    )


@login_required
def request_prepare(request):
    pilots = selectors.pilots_to_prepare(request.user)
    if not pilots.exists():
        deny_section("acceptance.prepare")
    form = PrepareForm(request.POST or None, pilots=pilots)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_prepare(pilot=form.cleaned_data["pilot"], by=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
            status = 422
        else:
            messages.success(request, gettext("验收申请已创建，请核对各项指标并上传佐证材料。"))
            return redirect("acceptance:edit", pk=created.pk)
    return render(request, "acceptance/request_prepare.html", {"form": form}, status=status)


def _page_context(obj, user) -> dict:
    evaluation = selectors.evaluation_of(obj)
    attachments = selectors.attachments_of(obj)
    by_line: dict[int, list] = {}
    by_claim: dict[int, list] = {}
    for a in attachments:
        if a.line_id:
            by_line.setdefault(a.line_id, []).append(a)
        if a.claim_id:
            by_claim.setdefault(a.claim_id, []).append(a)
    for lr in evaluation.lines:
        lr.files = by_line.get(lr.line.pk, [])
    claims = selectors.claims_of(obj)
    for c in claims:
        c.files = by_claim.get(c.pk, [])
    return {
        "req": obj,
        "evaluation": evaluation,
        "claims": claims,
        "projects": selectors.projects_of(obj),
        "verification": [a for a in attachments if a.kind == Attachment.Kind.VERIFICATION],
        "vetoes": list(AcceptanceVeto.objects.filter(system=obj.system_id)),
        "can_edit": permissions.can_edit_request(user, obj),
        "can_submit": obj.is_editable and permissions.can_submit_request(user, obj),
        "can_decide": obj.state == AcceptanceRequest.State.SUBMITTED
        and permissions.can_decide_request(user, obj),
        "decision_form": DecisionForm(),
    }


@login_required
def request_detail(request, pk: int):
    obj = selectors.get_request_for_user(request.user, pk)
    return render(request, "acceptance/request_detail.html", _page_context(obj, request.user))


@login_required
def request_edit(request, pk: int):
    """The self-evaluation page: the lines with the live self-score and calculation, what blocks submission."""
    obj = selectors.get_request_for_user(request.user, pk)
    if not permissions.can_edit_request(request.user, obj):
        if not permissions.can_prepare_for(request.user, obj.pilot):
            raise Http404
        messages.error(
            request,
            gettext("验收申请当前状态为「%(state)s」，不能修改。") % {"state": obj.get_state_display()},
        )
        return redirect("acceptance:detail", pk=pk)
    status, errors, typed = 200, [], None
    if request.method == "POST":
        data, errors = parse_edit(
            request.POST,
            lines=selectors.lines_of(obj),
            projects=selectors.projects_of(obj),
            adjustments=AcceptanceAdjustment.objects.filter(system=obj.system_id),
            vetoes=AcceptanceVeto.objects.filter(system=obj.system_id),
        )
        if not errors:
            try:
                services.request_update(request=obj, by=request.user, **data)
            except DomainError as error:
                errors = [error.message]
            else:
                messages.success(request, gettext("自评价已保存。"))
                return redirect("acceptance:edit", pk=pk)
        status, typed = 422, request.POST
    context = _page_context(obj, request.user)
    adjustments = list(AcceptanceAdjustment.objects.filter(system=obj.system_id))
    _fill_values(context, adjustments, typed)
    context.update(
        {
            "errors": errors,
            "typed": typed,
            "adjustments": adjustments,
            "status_choices": ProjectCompletion.Status.choices,
            "kinds": Attachment.Kind.choices,
        }
    )
    return render(request, "acceptance/request_edit.html", context, status=status)


def _blank(value) -> str:
    return "" if value is None else str(value)


def _fill_values(context, adjustments, typed) -> None:
    """The values the form shows: what the user typed (after a refused save), else what is stored."""
    for lr in context["evaluation"].lines:
        line = lr.line
        lr.v_actual = typed.get(f"actual-{line.pk}", "") if typed else _blank(line.actual)
        lr.v_target = typed.get(f"target-{line.pk}", "") if typed else _blank(line.target)
        lr.v_note = typed.get(f"note-{line.pk}", "") if typed else line.note
    for p in context["projects"]:
        p.v_status = typed.get(f"status-{p.pk}", "") if typed else p.status
        p.v_invest = typed.get(f"invest-{p.pk}", "") if typed else _blank(p.actual_investment)
        p.v_note = typed.get(f"pnote-{p.pk}", "") if typed else p.note
    claimed = {c.adjustment.code: c for c in context["claims"]}
    for a in adjustments:
        claim = claimed.get(a.code)
        a.v_points = typed.get(f"claim-{a.code}", "") if typed else _blank(claim.points if claim else None)
        a.v_expl = typed.get(f"claimx-{a.code}", "") if typed else (claim.explanation if claim else "")


@login_required
@require_POST
def request_upload(request, pk: int):
    obj = selectors.get_request_for_user(request.user, pk)
    if not permissions.can_prepare_for(request.user, obj.pilot):
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("acceptance:edit", pk=pk)
    data = form.cleaned_data
    line = claim = None
    if data["kind"] == Attachment.Kind.EVIDENCE and data["line"]:
        line = obj.lines.filter(pk=data["line"]).first()
    if data["kind"] == Attachment.Kind.CLAIM and data["claim"]:
        claim = obj.claims.filter(pk=data["claim"]).first()
    try:
        services.attachment_add(
            request=obj,
            by=request.user,
            kind=data["kind"],
            uploaded=data["file"],
            content_type=data["content_type"],
            extension=data["extension"],
            line=line,
            claim=claim,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("附件已上传。"))
    return redirect("acceptance:edit", pk=pk)


@login_required
def request_download(request, pk: int, attachment_pk: int):
    obj = selectors.get_request_for_user(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, request=obj)
    return serve_file(
        attachment.file, download_name=attachment.original_name, content_type=attachment.content_type
    )


@login_required
@require_POST
def request_remove_file(request, pk: int, attachment_pk: int):
    obj = selectors.get_request_for_user(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, request=obj)
    run(
        request,
        services.attachment_remove,
        success=gettext("附件已删除。"),
        attachment=attachment,
        by=request.user,
    )
    return redirect("acceptance:edit", pk=pk)


@login_required
@require_POST
def request_submit(request, pk: int):
    obj = selectors.get_request_for_user(request.user, pk)
    try:
        services.request_submit(request=obj, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("acceptance:edit", pk=pk)
    messages.success(request, gettext("验收申请已提交市级生态环境局。"))
    return redirect("acceptance:detail", pk=pk)


def _decide(request, pk: int, func, success: str):
    obj = selectors.get_request_for_user(request.user, pk)
    if not permissions.can_decide_request(request.user, obj):
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            func(request=obj, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect("acceptance:detail", pk=pk)
    context = _page_context(obj, request.user)
    context["decision_form"] = form
    return render(request, "acceptance/request_detail.html", context, status=422)


@login_required
@require_POST
def request_forward(request, pk: int):
    return _decide(request, pk, services.request_forward, gettext("验收申请已审核报省。"))


@login_required
@require_POST
def request_return(request, pk: int):
    return _decide(request, pk, services.request_return, gettext("验收申请已退回。"))


@login_required
def recommendations(request):
    """The province's page: accepted pilots, recommend one to the national programme, download its dossier."""
    if not permissions.can_recommend(request.user):
        deny_section("acceptance.recommendations")
    status = 200
    form = RecommendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pilot = get_object_or_404(selectors.accepted_pilots(request.user), pk=form.cleaned_data["pilot"])
        try:
            services.recommend(pilot=pilot, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("已推荐，推荐材料正在生成。"))
            return redirect("acceptance:recommendations")
    if request.method == "POST":
        status = 422
    pilots = list(selectors.accepted_pilots(request.user))
    return render(request, "acceptance/recommendations.html", {"pilots": pilots, "form": form}, status=status)


@login_required
def dossier(request, pk: int):
    if not permissions.can_recommend(request.user):
        deny_section("acceptance.recommendations")
    recommendation = get_object_or_404(Recommendation.objects.select_related("pilot__organisation"), pk=pk)
    if not recommendation.dossier:
        raise Http404(gettext("推荐材料尚未生成"))
    return serve_file(
        recommendation.dossier, download_name=f"{recommendation}.pdf", content_type="application/pdf"
    )
