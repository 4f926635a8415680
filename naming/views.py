"""Pages of the acceptance decision: the province's proposal, the DRC's confirmation, the publicity and its
public page, the pilot's result and certificate. Small function views; every object through a scoped
selector (404 outside the scope), every write through a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.actions import run
from core.errors import DomainError
from core.lists import filtered_list
from core.security import deny_section
from core.uploads import serve_file
from pilots.models import Pilot
from reviews.models import Objection

from . import permissions, resources, selectors, services
from .filters import DecisionRoundFilter
from .forms import ConcludeForm, ObjectionForm, ObjectionHandleForm, ProposeForm, PublicityForm

KEPT = "未保存，请按提示修改；您填写的内容已保留。"


def _round(request, pk: int, check):
    review_round = selectors.get_decision_round_for_user(request.user, pk)
    if not check(request.user, review_round):
        deny_section("naming.decision")
    return review_round


# The two-key decision ------------------------------------------------------------------------------
@login_required
def round_list(request):
    """The acceptance rounds and where their decision stands (province and DRC; everyone else 404)."""
    return filtered_list(
        request,
        filter_class=DecisionRoundFilter,
        queryset=selectors.decision_rounds_for(request.user),
        template="naming/round_list.html",
        export=resources.round_list_xlsx,
        context=lambda: {"can_propose": permissions.can_propose_acceptance(request.user)},
    )


def _render_decision(request, review_round, form=None, status=200):
    pilots = list(selectors.decision_pilots(review_round))
    last = selectors.last_step(review_round)
    form = form or ProposeForm(pilots=pilots, suggested=selectors.suggested_grades(review_round))
    context = {
        "round": review_round,
        "form": form,
        "history": selectors.history(review_round),
        "last": last,
        "can_propose": bool(pilots)
        and review_round.state == review_round.State.AGGREGATED
        and (last is None or last.kind == "return"),
    }
    return render(request, "naming/decision.html", context, status=status)


@login_required
def decision(request, pk: int):
    return _render_decision(request, _round(request, pk, permissions.can_propose_acceptance))


@login_required
@require_POST
def decision_propose(request, pk: int):
    review_round = _round(request, pk, permissions.can_propose_acceptance)
    pilots = list(selectors.decision_pilots(review_round))
    form = ProposeForm(request.POST, pilots=pilots, suggested={})
    if form.is_valid():
        try:
            services.decision_propose(
                review_round=review_round,
                by=request.user,
                grades=form.grades(),
                reasons=form.reasons(),
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("验收等级建议已提出，待省发展改革委会签确认。"))
            return redirect("naming:decision", pk=pk)
    messages.error(request, gettext(KEPT))
    return _render_decision(request, review_round, form=form, status=422)


@login_required
def confirmations(request, pk: int):
    review_round = _round(request, pk, permissions.can_view_decision)
    context = {
        "round": review_round,
        "pending": selectors.pending_proposal(review_round),
        "history": selectors.history(review_round),
        "can_confirm": permissions.can_confirm_acceptance(request.user, review_round),
        "can_return": permissions.can_return_acceptance(request.user, review_round),
    }
    return render(request, "naming/confirmations.html", context)


@login_required
@require_POST
def decision_confirm(request, pk: int):
    review_round = _round(request, pk, permissions.can_confirm_acceptance)
    run(
        request,
        services.decision_confirm,
        success=gettext("已会签确认验收等级建议。"),
        review_round=review_round,
        by=request.user,
        opinion=request.POST.get("opinion", ""),
    )
    return redirect("naming:confirmations", pk=pk)


@login_required
@require_POST
def decision_return(request, pk: int):
    review_round = _round(request, pk, permissions.can_return_acceptance)
    run(
        request,
        services.decision_return,
        success=gettext("验收等级建议已退回修改。"),
        review_round=review_round,
        by=request.user,
        opinion=request.POST.get("opinion", ""),
    )
    return redirect("naming:confirmations", pk=pk)


# Publicity -----------------------------------------------------------------------------------------
def _render_publicity(request, review_round, *, status=200, **forms):
    publicity = selectors.publicity_of(review_round)
    listed = []
    if publicity is not None:
        listed = [i for i in publicity.decision.rows if i["pilot"] not in publicity.held]
    context = {
        "round": review_round,
        "publicity": publicity,
        "confirmed": selectors.confirmed_proposal(review_round),
        "listed": listed,
        "objections": Objection.objects.filter(item__round_id=review_round.pk).select_related(
            "item__pilot__organisation", "recorded_by", "handled_by"
        ),
        "open_form": forms.get("open_form") or PublicityForm(),
        "objection_form": forms.get("objection_form") or ObjectionForm(pilots=listed),
        "handle_form": ObjectionHandleForm(),
        "conclude_form": forms.get("conclude_form") or ConcludeForm(),
    }
    return render(request, "naming/publicity.html", context, status=status)


@login_required
def publicity(request, pk: int):
    return _render_publicity(request, _round(request, pk, permissions.can_decide_acceptance))


def _submit(request, review_round, form, name: str, call, success: str):
    """Run `call(form.cleaned_data)`; on refusal, the page again with the typed form (422)."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect("naming:publicity", pk=review_round.pk)
    messages.error(request, gettext(KEPT))
    return _render_publicity(request, review_round, status=422, **{name: form})


@login_required
@require_POST
def publicity_open(request, pk: int):
    review_round = _round(request, pk, permissions.can_decide_acceptance)
    return _submit(
        request,
        review_round,
        PublicityForm(request.POST),
        "open_form",
        lambda data: services.publicity_open(review_round=review_round, by=request.user, **data),
        gettext("验收结果公示已发布。"),
    )


@login_required
@require_POST
def objection_record(request, pk: int):
    review_round = _round(request, pk, permissions.can_decide_acceptance)
    publicity = selectors.publicity_of(review_round)
    if publicity is None:
        raise Http404
    form = ObjectionForm(request.POST, pilots=publicity.decision.items)

    def call(data):
        pilot = get_object_or_404(Pilot, pk=data.pop("pilot"))
        services.objection_record(publicity=publicity, pilot=pilot, by=request.user, **data)

    return _submit(request, review_round, form, "objection_form", call, gettext("异议已登记。"))


@login_required
@require_POST
def objection_handle(request, pk: int, objection_pk: int):
    review_round = _round(request, pk, permissions.can_decide_acceptance)
    objection = get_object_or_404(Objection, pk=objection_pk, item__round_id=review_round.pk)
    form = ObjectionHandleForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请填写核查处理情况。"))
    else:
        run(
            request,
            services.objection_handle,
            success=gettext("异议处理结果已记录。"),
            objection=objection,
            by=request.user,
            **form.cleaned_data,
        )
    return redirect("naming:publicity", pk=pk)


@login_required
@require_POST
def publicity_conclude(request, pk: int):
    review_round = _round(request, pk, permissions.can_decide_acceptance)
    publicity = selectors.publicity_of(review_round)
    if publicity is None:
        raise Http404
    return _submit(
        request,
        review_round,
        ConcludeForm(request.POST),
        "conclude_form",
        lambda data: services.publicity_conclude(publicity=publicity, by=request.user, **data),
        gettext("验收结果已确定，通过验收的试点单位已命名，命名证书正在生成。"),
    )


def public(request):
    """The results on publicity, open to everyone (no login)."""
    items = [
        (p, [i for i in p.decision.rows if i["pilot"] not in p.held]) for p in selectors.public_publicities()
    ]
    return render(request, "naming/public.html", {"publicities": items, "today": timezone.localdate()})


# The pilot's result --------------------------------------------------------------------------------
@login_required
def result(request, pk: int):
    pilot = selectors.get_pilot_result_for_user(request.user, pk)
    return render(request, "naming/result.html", {"pilot": pilot, "result": selectors.result_of(pilot)})


@login_required
def certificate(request, pk: int):
    pilot = selectors.get_pilot_result_for_user(request.user, pk)
    certificate = getattr(pilot, "naming_certificate", None)
    if certificate is None or not certificate.file:
        raise Http404
    return serve_file(certificate.file, download_name=f"{certificate}.pdf", content_type="application/pdf")
