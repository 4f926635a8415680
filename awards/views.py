"""Pages of awards: small function views; every award through the scoped selector (404 outside the user's
scope), every write through a service. A refused form is shown again with what was typed and the reason
(422)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.lists import filtered_list
from core.security import deny_section

from . import permissions, resources, selectors, services
from .filters import AwardFilter
from .forms import AwardForm, CancelForm, CapForm, DisburseForm, InstalmentForm
from .models import Instalment

UNPROCESSABLE = 422


@login_required
def award_list(request):
    if not permissions.may_see_awards(request.user):
        deny_section("awards")
    queryset = selectors.awards_visible_to(request.user)

    def context():
        filtered = AwardFilter(request.GET, queryset, user=request.user).queryset
        return {
            "totals": selectors.totals(filtered),
            "can_manage": permissions.can_manage_awards(request.user),
            "sees_caps": permissions.can_read_all_awards(request.user),
        }

    return filtered_list(
        request,
        filter_class=AwardFilter,
        queryset=queryset,
        template="awards/award_list.html",
        export=resources.award_list_xlsx,
        context=context,
    )


@login_required
def award_create(request):
    if not permissions.can_manage_awards(request.user):
        deny_section("awards.record")
    pilots = selectors.pilots_to_award(request.user)
    form = AwardForm(request.POST or None, pilots=pilots, initial={"pilot": request.GET.get("pilot")})
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                award = services.award_record(by=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, gettext("奖补已登记。"))
                return redirect("awards:detail", pk=award.pk)
    return render(request, "awards/award_create.html", {"form": form, "pilots": pilots}, status=status)


def _detail(request, award, *, status=200, instalment_form=None, failed=None, failed_form=None):
    """The award page; after a refused form, that form bound to what was typed (`failed` names the
    instalment whose disbursement or cancellation form it is)."""
    user = request.user
    instalments = selectors.instalments_of(award)
    zero = award.amount * 0
    disbursed = sum((i.amount for i in instalments if i.state == Instalment.State.DISBURSED), start=zero)
    planned = sum((i.amount for i in instalments if i.state == Instalment.State.PLANNED), start=zero)
    for i in instalments:  # each row its own forms (ids unique on the page)
        auto_id = f"id_i{i.pk}_%s"
        i.disburse_form = DisburseForm(auto_id=auto_id)
        i.cancel_form = CancelForm(auto_id=auto_id)
        if i.pk == failed and failed_form is not None:
            setattr(
                i, "disburse_form" if isinstance(failed_form, DisburseForm) else "cancel_form", failed_form
            )
    context = {
        "award": award,
        "instalments": instalments,
        "disbursed": disbursed,
        "planned": planned,
        "scheduled": disbursed + planned,
        "unplanned": award.amount - disbursed - planned,
        "can_manage": permissions.can_manage_awards(user),
        "instalment_form": instalment_form or InstalmentForm(),
    }
    return render(request, "awards/award_detail.html", context, status=status)


@login_required
def award_detail(request, pk: int):
    return _detail(request, selectors.get_award_for_user(request.user, pk))


def _managed_award(request, pk):
    award = selectors.get_award_for_user(request.user, pk)
    if not permissions.can_manage_awards(request.user):
        raise Http404
    return award


@login_required
@require_POST
def instalment_create(request, pk: int):
    award = _managed_award(request, pk)
    form = InstalmentForm(request.POST)
    if form.is_valid():
        try:
            services.instalment_plan(award=award, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("分期拨付已安排。"))
            return redirect("awards:detail", pk=pk)
    return _detail(request, award, status=UNPROCESSABLE, instalment_form=form)


def _instalment(award, instalment_pk) -> Instalment:
    instalment = award.instalments.filter(pk=instalment_pk).first()
    if instalment is None:
        raise Http404
    return instalment


@login_required
@require_POST
def instalment_disburse(request, pk: int, instalment_pk: int):
    award = _managed_award(request, pk)
    instalment = _instalment(award, instalment_pk)
    form = DisburseForm(request.POST)
    if form.is_valid():
        try:
            services.instalment_disburse(instalment=instalment, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("拨付已登记。"))
            return redirect("awards:detail", pk=pk)
    return _detail(request, award, status=UNPROCESSABLE, failed=instalment.pk, failed_form=form)


@login_required
@require_POST
def instalment_cancel(request, pk: int, instalment_pk: int):
    award = _managed_award(request, pk)
    instalment = _instalment(award, instalment_pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.instalment_cancel(instalment=instalment, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("分期已取消。"))
            return redirect("awards:detail", pk=pk)
    return _detail(request, award, status=UNPROCESSABLE, failed=instalment.pk, failed_form=form)


@login_required
def cap_list(request):
    if not permissions.can_read_all_awards(request.user):
        deny_section("awards.caps")
    caps = list(selectors.caps_visible_to(request.user))
    can_manage = permissions.can_manage_awards(request.user)
    form = CapForm(request.POST or None) if can_manage else None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise Http404
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                services.cap_set(by=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, gettext("奖补上限已设定。"))
                return redirect("awards:caps")
    return render(
        request,
        "awards/cap_list.html",
        {"caps": caps, "current": selectors.current_caps(caps), "form": form, "today": timezone.localdate()},
        status=status,
    )
