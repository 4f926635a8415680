from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.actions import run
from core.errors import DomainError
from core.security import deny_section
from core.uploads import serve_file
from core.xlsx import XLSX
from organisations.roles import scope_of

from . import permissions, services
from .escalation import late_escalations
from .excel import template_bytes, template_filename
from .filters import ResponseFilter
from .forms import AnswerForm, CircularForm, DispatchForm, QuestionForm, UploadForm, answer_field_name
from .models import Circular, Dispatch, DispatchResponse
from .resources import answer_table_xlsx
from .selection import resolve_pilots, selection_text
from .selectors import (
    answer_rows,
    answer_table_page,
    completeness_by_city,
    dispatches_visible_to,
    get_dispatch_for_user,
    get_response_for_user,
    is_overdue,
    responses_visible_to,
    with_answers,
)
from .targets import figures_against_targets

PAGE_SIZE = 100


def sees_table(user) -> bool:
    """The answer table and completeness: the province, finance, the DRC and city officers (their unit)."""
    return permissions.sees_all_dispatches(user) or bool(scope_of(user).review_units)


@login_required
def dispatch_list(request):
    dispatches = dispatches_visible_to(request.user).order_by("-due_date", "-pk")
    page = Paginator(dispatches, 50).get_page(request.GET.get("page"))
    mine = {}
    if not sees_table(request.user):
        mine = {r.dispatch_id: r for r in responses_visible_to(request.user).filter(dispatch__in=list(page))}
    return render(
        request,
        "dispatches/list.html",
        {
            "page": page,
            "items": [(d, mine.get(d.pk)) for d in page],
            "show_own": not sees_table(request.user),
            "can_create": permissions.can_manage_dispatches(request.user),
        },
    )


@login_required
def dispatch_create(request):
    if not permissions.can_manage_dispatches(request.user):
        deny_section("dispatches.manage")
    form = DispatchForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            dispatch = services.dispatch_create(by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("调度已创建，请添加问题后发起。"))
            return redirect("dispatches:detail", pk=dispatch.pk)
    return render(request, "dispatches/create.html", {"form": form})


def _chart_data(cities) -> dict:
    return {
        "cities": [c.name for c in cities],
        "expected": [c.expected for c in cities],
        "answered": [c.answered for c in cities],
        "on_time": [c.on_time for c in cities],
        "labels": {
            "expected": gettext("应报"),
            "answered": gettext("已报"),
            "on_time": gettext("按时报送"),
        },
    }


@login_required
def dispatch_detail(request, pk: int):
    dispatch = get_dispatch_for_user(request.user, pk)
    questions = list(dispatch.questions.select_related("indicator"))
    if dispatch.state == Dispatch.State.DRAFTING:
        return render(
            request,
            "dispatches/drafting.html",
            {
                "dispatch": dispatch,
                "questions": questions,
                "question_form": QuestionForm(initial={"required": True}),
                "pilot_count": resolve_pilots(dispatch).count(),
                "selection": selection_text(dispatch),
                "can_manage": permissions.can_manage_dispatches(request.user),
            },
        )
    if not sees_table(request.user):
        own = list(responses_visible_to(request.user, dispatch))
        if len(own) == 1:
            return redirect("dispatches:response", pk=own[0].pk)
        return render(request, "dispatches/own_responses.html", {"dispatch": dispatch, "responses": own})
    responses = responses_visible_to(request.user, dispatch).order_by(
        "pilot__organisation__review_unit__order", "pilot__organisation__name", "pk"
    )
    filters = ResponseFilter(request.GET, responses, user=request.user, dispatch=dispatch)
    if request.GET.get("export") == "xlsx":
        return answer_table_xlsx(
            dispatch, with_answers(filters.queryset), questions=questions, user=request.user, filters=filters
        )
    page = Paginator(answer_table_page(filters.queryset), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = answer_rows(page, questions)
    cities, total = completeness_by_city(responses)
    circular = Circular.objects.filter(dispatch=dispatch).first()
    return render(
        request,
        "dispatches/detail.html",
        {
            "dispatch": dispatch,
            "questions": questions,
            "page": page,
            "rows": rows,
            "filters": filters,
            "cities": cities,
            "total": total,
            "chart": _chart_data(cities),
            "overdue": is_overdue(dispatch),
            "circular": circular,
            "circular_form": CircularForm(initial={"issued_on": timezone.localdate()}),
            "can_manage": permissions.can_manage_dispatches(request.user),
            "selection": selection_text(dispatch),
        },
    )


@login_required
@require_POST
def question_add(request, pk: int):
    dispatch = get_dispatch_for_user(request.user, pk)
    if not permissions.can_manage_dispatches(request.user):
        deny_section("dispatches.manage")
    form = QuestionForm(request.POST)
    if form.is_valid():
        run(
            request,
            services.question_add,
            success=gettext("问题已添加。"),
            dispatch=dispatch,
            by=request.user,
            **form.cleaned_data,
        )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
    return redirect("dispatches:detail", pk=pk)


@login_required
@require_POST
def question_remove(request, pk: int, question_pk: int):
    dispatch = get_dispatch_for_user(request.user, pk)
    if not permissions.can_manage_dispatches(request.user):
        deny_section("dispatches.manage")
    question = get_object_or_404(dispatch.questions, pk=question_pk)
    run(
        request, services.question_remove, success=gettext("问题已删除。"), question=question, by=request.user
    )
    return redirect("dispatches:detail", pk=pk)


@login_required
@require_POST
def dispatch_action(request, pk: int, name: str):
    dispatch = get_dispatch_for_user(request.user, pk)
    if name == "open":
        run(
            request,
            services.dispatch_open,
            success=gettext("调度已发起，已通知相关试点单位。"),
            dispatch=dispatch,
            by=request.user,
        )
    elif name == "close":
        run(
            request,
            services.dispatch_close,
            success=gettext("调度已结束。"),
            dispatch=dispatch,
            by=request.user,
        )
    else:
        raise Http404
    return redirect("dispatches:detail", pk=pk)


@login_required
@require_POST
def dispatch_urge(request, pk: int):
    dispatch = get_dispatch_for_user(request.user, pk)
    try:
        sent, skipped = services.dispatch_urge(dispatch=dispatch, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        message = gettext("已向%(sent)s个未报送的试点单位催报。") % {"sent": sent}
        if skipped:
            message += gettext("%(skipped)s个单位今日已催报过，未重复发送。") % {"skipped": skipped}
        messages.success(request, message)
    return redirect("dispatches:detail", pk=pk)


@login_required
@require_POST
def circular_issue(request, pk: int):
    dispatch = get_dispatch_for_user(request.user, pk)
    form = CircularForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label}：{error}" if field in form.fields else error
                )
        return redirect("dispatches:detail", pk=pk)
    run(
        request,
        services.circular_issue,
        success=gettext("通报已印发，PDF正在生成。"),
        dispatch=dispatch,
        by=request.user,
        **form.cleaned_data,
    )
    return redirect("dispatches:detail", pk=pk)


@login_required
def circular_pdf(request, pk: int):
    dispatch = get_dispatch_for_user(request.user, pk)
    if not sees_table(request.user):
        deny_section("dispatches.circular")
    circular = Circular.objects.filter(dispatch=dispatch).first()
    if circular is None or not circular.file:
        raise Http404(gettext("通报PDF正在生成"))
    return serve_file(circular.file, download_name=f"{circular}.pdf", content_type="application/pdf")


# Responses --------------------------------------------------------------------------------------
def _response_context(request, response: DispatchResponse, form=None, upload_errors=None) -> dict:
    questions = list(response.dispatch.questions.select_related("indicator"))
    answers = {a.question_id: a for a in response.answers.all()}
    editable = permissions.can_edit_response(request.user, response)
    if form is None:
        form = AnswerForm(questions=questions, answers=answers, disabled=not editable)
    comparisons = figures_against_targets(response, questions, answers)
    items = [
        (question, form[answer_field_name(question)], answers.get(question.pk), comparisons.get(question.pk))
        for question in questions
    ]
    return {
        "response": response,
        "dispatch": response.dispatch,
        "selection": selection_text(response.dispatch),
        "form": form,
        "items": items,
        "editable": editable,
        "can_submit": editable and permissions.can_submit_response(request.user, response),
        "upload_form": UploadForm(),
        "upload_errors": upload_errors or [],
        "escalations": late_escalations(response),
    }


@login_required
def response_detail(request, pk: int):
    response = get_response_for_user(request.user, pk)
    if request.method != "POST":
        return render(request, "dispatches/response.html", _response_context(request, response))
    questions = list(response.dispatch.questions.all())
    answers = {a.question_id: a for a in response.answers.all()}
    form = AnswerForm(request.POST, questions=questions, answers=answers)
    form.is_valid()
    try:
        services.response_save(response=response, by=request.user, values=form.raw_values())
    except services.AnswersInvalid as error:
        for question in questions:
            if question.pk in error.errors:
                form.add_error(answer_field_name(question), error.errors[question.pk])
        messages.error(request, error.message)
        return render(
            request, "dispatches/response.html", _response_context(request, response, form), status=200
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("dispatches:response", pk=pk)
    if request.POST.get("submit") == "1":
        if run(
            request, services.response_submit, success=gettext("已提交。"), response=response, by=request.user
        ):
            return redirect("dispatches:response", pk=pk)
        return redirect("dispatches:response", pk=pk)
    messages.success(request, gettext("已保存草稿。"))
    return redirect("dispatches:response", pk=pk)


@login_required
@require_POST
def response_action(request, pk: int, name: str):
    response = get_response_for_user(request.user, pk)
    if name == "submit":
        run(
            request, services.response_submit, success=gettext("已提交。"), response=response, by=request.user
        )
    elif name == "reopen":
        run(
            request,
            services.response_reopen,
            success=gettext("已退回试点单位修改。"),
            response=response,
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    else:
        raise Http404
    return redirect("dispatches:response", pk=pk)


@login_required
def response_template(request, pk: int):
    response = get_response_for_user(request.user, pk)
    if not permissions.can_edit_response(request.user, response):
        raise Http404
    result = HttpResponse(template_bytes(response), content_type=XLSX)
    from urllib.parse import quote

    result["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(template_filename(response))}"
    return result


@login_required
@require_POST
def response_upload(request, pk: int):
    response = get_response_for_user(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, gettext("请选择要上传的Excel文件。"))
        return redirect("dispatches:response", pk=pk)
    try:
        services.response_import(response=response, by=request.user, uploaded=form.cleaned_data["file"])
    except DomainError as error:
        errors = getattr(error, "errors", None) or [error.message]
        messages.error(request, gettext("上传未导入，未保存任何数据。"))
        response = get_response_for_user(request.user, pk)
        return render(
            request,
            "dispatches/response.html",
            _response_context(request, response, upload_errors=errors),
            status=400,
        )
    messages.success(request, gettext("模板已导入，请核对后提交。"))
    return redirect("dispatches:response", pk=pk)
