"""The public showcase (no login): the list of all pilots by batch and outcome, a page per city, and the
published page of each accepted pilot. Only a published version is ever read here
(selectors.public_version); anything else answers 404."""

from functools import wraps

from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext

from core.uploads import serve_file
from organisations.models import ReviewUnit
from reports import charts

from . import resources, selectors
from .filters import PublicPilotFilter

# Five minutes in shared caches for anonymous readers: a newly approved page shows up within that time.
PUBLIC_MAX_AGE = 300


def public_cache(view):
    """Anonymous responses may be cached by browsers and proxies for a while; a signed-in user's page (its
    menu names the user) or any response setting a cookie stays private."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated or response.cookies:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapped


def _outcomes(pilots) -> list[dict]:
    counts = selectors.outcome_counts(pilots)
    return [
        {"code": code, "label": label, "count": counts[code]} for code, label in selectors.outcome_choices()
    ] + [{"code": "", "label": None, "count": counts["total"]}]


@public_cache
def index(request):
    filters = PublicPilotFilter(request.GET, selectors.public_pilots())
    pilots = filters.queryset
    if request.GET.get("export") == "xlsx":
        return resources.public_list_xlsx(pilots, filters=filters)
    outcomes = _outcomes(pilots)
    return render(
        request,
        "showcase/public_index.html",
        {
            "pilots": list(pilots),
            "filters": filters,
            "outcomes": outcomes[:-1],
            "total": outcomes[-1]["count"],
            "cities": list(ReviewUnit.objects.all()),
        },
    )


@public_cache
def city(request, code: str):
    unit = get_object_or_404(ReviewUnit, code=code)
    pilots = selectors.public_pilots().filter(organisation__review_unit=unit)
    outcomes = _outcomes(pilots)
    return render(
        request,
        "showcase/public_city.html",
        {"unit": unit, "pilots": list(pilots), "outcomes": outcomes[:-1], "total": outcomes[-1]["count"]},
    )


@public_cache
def pilot_page(request, pilot_pk: int):
    version = selectors.public_version(pilot_pk)
    pilot = version.page.pilot
    return render(
        request,
        "showcase/public_page.html",
        {
            "version": version,
            "pilot": pilot,
            "emissions": charts.pilot_emissions(pilot, selectors.public_reports(pilot)),
        },
    )


def case_photo(request, pilot_pk: int, case_pk: int):
    """A typical case's photo, only of the published version (the same 404 as the page otherwise)."""
    version = selectors.public_version(pilot_pk)
    case = get_object_or_404(version.cases.exclude(photo=""), pk=case_pk)
    return serve_file(
        case.photo,
        download_name=gettext("典型案例照片%(n)s%(ext)s") % {"n": case.order, "ext": case.extension},
        content_type=case.photo_type,
    )
