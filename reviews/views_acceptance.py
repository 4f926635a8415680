"""The acceptance review's own screens: the round's indicator system and pilots (set-up), the panel with
each pilot's proposed grade and its Excel export, site visits and their photos.

The scoring page is the expert's task page (views_expert), which shows an acceptance sheet when the round
scores against an indicator system. Everything outside the user's scope is a 404.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from core.errors import ActionNotPermitted, DomainError
from core.security import deny
from core.uploads import serve_file
from indicators.models import AcceptanceSystem
from pilots.models import Pilot

from . import services
from .acceptance import round_use_acceptance_system, site_visit_add
from .models import ReviewItem, ReviewRound, SitePhoto
from .permissions import can_manage_round, can_record_site_visit, can_see_results, can_see_site_visits
from .resources import acceptance_workbook_response
from .results import acceptance_panel
from .selectors import get_round_for_user
from .services import round_items

PANEL_PAGE_SIZE = 50
PANEL_STATES = (ReviewRound.State.SCORING, ReviewRound.State.AGGREGATED, ReviewRound.State.DECIDED)


def _acceptance_round(user, pk, *, manage: bool) -> ReviewRound:
    review_round = get_round_for_user(user, pk)
    allowed = can_manage_round(user, review_round) if manage else can_see_results(user, review_round)
    if not allowed or review_round.purpose != ReviewRound.Purpose.ACCEPTANCE:
        deny(review_round)
    return review_round


def _setup_context(review_round: ReviewRound) -> dict:
    in_round = set(review_round.items.values_list("pilot_id", flat=True))
    return {
        "round": review_round,
        "active": "acceptance_setup",
        "systems": AcceptanceSystem.objects.order_by("kind", "-version"),
        "items": services.round_items(review_round).order_by(*ReviewItem.BY_CITY_AND_NAME),
        "candidates": Pilot.objects.filter(
            batch_id=review_round.batch_id, state__in=services.ACCEPTANCE_STATES
        )
        .exclude(pk__in=in_round)
        .select_related("organisation")
        .order_by("organisation__kind", "organisation__name"),
    }


@login_required
def acceptance_setup(request, pk: int):
    """Choose the indicator system and add the pilots whose acceptance request reached the province."""
    review_round = _acceptance_round(request.user, pk, manage=True)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "system":
                system = AcceptanceSystem.objects.filter(pk=request.POST.get("system") or None).first()
                if system is None:
                    raise DomainError(gettext("请选择验收评价指标体系。"))
                round_use_acceptance_system(review_round=review_round, system=system, by=request.user)
                messages.success(request, gettext("已选定验收评价指标体系，评分项已按其指标生成。"))
            else:
                pilots = list(Pilot.objects.filter(pk__in=request.POST.getlist("pilots")))
                if not pilots:
                    raise DomainError(gettext("请选择要加入的试点单位。"))
                services.round_add_pilots(review_round=review_round, pilots=pilots, by=request.user)
                messages.success(request, gettext("已加入所选试点单位。"))
        except DomainError as error:
            messages.error(request, error.message)
            review_round.refresh_from_db()
            return render(request, "reviews/acceptance_setup.html", _setup_context(review_round), status=422)
        return redirect("reviews:acceptance_setup", pk=pk)
    return render(request, "reviews/acceptance_setup.html", _setup_context(review_round))


@login_required
def panel(request, pk: int):
    """Per pilot the aggregated indicator scores and the proposed grade with its reason and calculation."""
    review_round = _acceptance_round(request.user, pk, manage=False)
    if review_round.acceptance_system_id is None or review_round.state not in PANEL_STATES:
        if request.GET.get("export"):
            raise Http404
        return render(
            request, "reviews/acceptance_panel.html", {"round": review_round, "active": "acceptance"}
        )
    if request.GET.get("export") == "xlsx":  # every pilot of the round
        return acceptance_workbook_response(review_round, acceptance_panel(review_round))
    # A page of pilots, as the other long lists: the outcomes computed are the page's own.
    ids = round_items(review_round).order_by(*ReviewItem.BY_CITY_AND_NAME).values_list("pk", flat=True)
    page = Paginator(ids, PANEL_PAGE_SIZE).get_page(request.GET.get("page"))
    result = acceptance_panel(review_round, item_ids=list(page.object_list))
    return render(
        request,
        "reviews/acceptance_panel.html",
        {"round": review_round, "panel": result, "page": page, "active": "acceptance"},
    )


@login_required
def panel_item(request, pk: int, item_pk: int):
    """One pilot's indicators, vetoes, bonus/penalty, calculation and site visits."""
    review_round = _acceptance_round(request.user, pk, manage=False)
    if review_round.acceptance_system_id is None or review_round.state not in PANEL_STATES:
        raise Http404
    result = acceptance_panel(review_round, item_id=item_pk)
    if not result.rows:
        raise Http404
    return render(
        request,
        "reviews/acceptance_item.html",
        {"round": review_round, "panel": result, "active": "acceptance"},
    )


def _item_for(user, item_pk: int, check) -> ReviewItem:
    item = get_object_or_404(ReviewItem.objects.select_related("round", "pilot__organisation"), pk=item_pk)
    if item.pilot_id is None or not check(user, item):
        deny(item)
    return item


@login_required
def site_visit_new(request, item_pk: int):
    item = _item_for(request.user, item_pk, can_record_site_visit)
    form = {"visited_on": "", "place": "", "notes": ""}
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in form}
        try:
            try:
                visited_on = datetime.date.fromisoformat(form["visited_on"]) if form["visited_on"] else None
            except ValueError as error:
                raise DomainError(gettext("核查日期格式不正确。")) from error
            site_visit_add(
                item=item,
                by=request.user,
                visited_on=visited_on,
                place=form["place"],
                notes=form["notes"],
                photos=request.FILES.getlist("photos"),
            )
        except (DomainError, ActionNotPermitted) as error:
            messages.error(request, getattr(error, "message", str(error)))
            return render(request, "reviews/site_visit_form.html", {"item": item, "form": form}, status=422)
        messages.success(request, gettext("现场核查记录已保存。"))
        task = item.assignments.filter(expert=request.user).first()
        if task is not None:
            return redirect("reviews:my_assignment", pk=task.pk)
        return redirect("reviews:acceptance_panel", pk=item.round_id)
    return render(request, "reviews/site_visit_form.html", {"item": item, "form": form})


@login_required
def site_photo(request, photo_pk: int):
    photo = get_object_or_404(SitePhoto.objects.select_related("visit__item__round"), pk=photo_pk)
    if not can_see_site_visits(request.user, photo.visit.item):
        deny(photo)
    name = gettext("现场照片-%(name)s-%(date)s-%(n)s%(ext)s") % {
        "name": photo.visit.item.display_name,
        "date": photo.visit.visited_on.isoformat(),
        "n": photo.pk,
        "ext": photo.extension,
    }
    return serve_file(photo.image, download_name=name, content_type=photo.content_type)
