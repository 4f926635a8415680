"""Read-only pages of the acceptance indicator systems (the province's proposals until the annexes are
official): the list of versions, one version's items with points and rules, its Excel export."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext

from core import xlsx

from . import selectors
from .scoring import describe_params
from .transfer import items_sheet


@login_required
def acceptance_system_list(request):
    return render(request, "indicators/acceptance_list.html", {"systems": selectors.acceptance_systems()})


@login_required
def acceptance_system_detail(request, pk: int):
    system = selectors.acceptance_system_with_parts(pk)
    if system is None:
        raise Http404
    categories = [
        (category, [(item, describe_params(item.rule, item.params)) for item in category.items.all()])
        for category in system.categories.all()
    ]
    return render(request, "indicators/acceptance_detail.html", {"system": system, "categories": categories})


@login_required
def acceptance_system_export(request, pk: int):
    system = selectors.acceptance_system_with_parts(pk)
    if system is None:
        raise Http404
    return xlsx.xlsx_response(items_sheet(system), filename=gettext("%(system)s.xlsx") % {"system": system})
