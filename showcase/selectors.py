"""Reads of the showcase: the public list (pilots by batch and outcome), the published versions the public
may read, and the scoped versions of the officers' and pilots' pages."""

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, When
from django.http import Http404
from django.utils.translation import gettext

from core.security import get_in_scope_or_404
from organisations.models import Role
from organisations.roles import scope_of
from pilots.models import Pilot
from pilots.selectors import published_pilots
from reports.models import AnnualReport, IndicatorActual, TypicalCase

from .models import ShowcasePage, ShowcaseVersion

# The outcomes of the public list. The words are Pilot.public_status's (its one owner): `outcome_label`
# asks it for a pilot in that state; the codes only select.
OUTCOMES = {
    "building": ~Q(state__in=[Pilot.State.ACCEPTED, Pilot.State.DISQUALIFIED]),
    "named": Q(state=Pilot.State.ACCEPTED),
    "disqualified": Q(state=Pilot.State.DISQUALIFIED),
}
_OUTCOME_STATES = {
    "building": Pilot.State.IMPLEMENTING,
    "named": Pilot.State.ACCEPTED,
    "disqualified": Pilot.State.DISQUALIFIED,
}
# The reports a case or figure may be taken from: sent to the province at least once.
SOURCE_REPORT_STATES = (
    AnnualReport.State.SUBMITTED,
    AnnualReport.State.RETURNED,
    AnnualReport.State.RECEIVED,
)


def outcome_label(code: str) -> str:
    return str(Pilot(state=_OUTCOME_STATES[code]).public_status)


def outcome_choices() -> list[tuple[str, str]]:
    return [(code, outcome_label(code)) for code in OUTCOMES]


def _published(pilot_ref: str = "pk"):
    return ShowcaseVersion.objects.filter(
        page__pilot_id=OuterRef(pilot_ref), state=ShowcaseVersion.State.PUBLISHED
    )


def public_pilots() -> QuerySet[Pilot]:
    """The published list (pilots.selectors.published_pilots), each with `has_page`: a published showcase."""
    return (
        published_pilots()
        .annotate(has_page=Exists(_published()))
        .order_by(
            "batch__year",
            "batch_id",
            "organisation__review_unit__order",
            "organisation__kind",
            "organisation__name",
        )
    )


def outcome_counts(pilots: QuerySet[Pilot]) -> dict[str, int]:
    """The number of pilots per outcome code (and "total") in one query."""
    aggregates = {code: Count("pk", filter=condition) for code, condition in OUTCOMES.items()}
    counts = pilots.order_by().aggregate(total=Count("pk"), **aggregates)
    return counts


def public_version(pilot_pk: int) -> ShowcaseVersion:
    """The published version of an accepted pilot's page, or 404 (draft, submitted, returned, superseded,
    unpublished versions are never public, nor a page of a pilot outside the published list)."""
    version = (
        ShowcaseVersion.objects.filter(
            page__pilot_id=pilot_pk,
            page__pilot__in=published_pilots().filter(state=Pilot.State.ACCEPTED),
            state=ShowcaseVersion.State.PUBLISHED,
        )
        .select_related(
            "page__pilot__organisation__review_unit",
            "page__pilot__organisation__division",
            "page__pilot__batch",
        )
        .prefetch_related("figures", "cases")
        .first()
    )
    if version is None:
        raise Http404(gettext("页面不存在"))
    return version


def versions_visible_to(user) -> QuerySet[ShowcaseVersion]:
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER):
        condition = Q()
    else:
        condition = Q(pk__in=[])
        if scope.review_units:
            condition |= Q(page__pilot__organisation__review_unit_id__in=scope.review_units)
        if scope.orgs(Role.APPLICANT):
            condition |= Q(page__pilot__organisation_id__in=scope.orgs(Role.APPLICANT))
        if scope.orgs(Role.AGENCY):
            condition |= Exists(
                Pilot.delegated_agencies.through.objects.filter(
                    pilot_id=OuterRef("page__pilot_id"), organisation_id__in=scope.orgs(Role.AGENCY)
                )
            )
    return (
        ShowcaseVersion.objects.filter(condition)
        .select_related(
            "page__pilot__organisation__review_unit", "page__pilot__batch", "created_by", "page__pilot"
        )
        .order_by(
            "page__pilot__organisation__review_unit__order", "page__pilot__organisation__name", "-number"
        )
    )


def get_version_for_user(user, pk) -> ShowcaseVersion:
    return get_in_scope_or_404(versions_visible_to(user), pk=pk, message=gettext("示范展示页不存在"))


def review_queue(user) -> QuerySet[ShowcaseVersion]:
    """The province's queue: every version, the ones awaiting approval first (filters narrow it)."""
    from .permissions import can_review_showcase

    if not can_review_showcase(user):
        return ShowcaseVersion.objects.none()
    awaiting = Case(When(state=ShowcaseVersion.State.SUBMITTED, then=0), default=1)
    return versions_visible_to(user).order_by(
        awaiting, "submitted_at", "page__pilot__organisation__name", "-number"
    )


def writable_pilots(user) -> QuerySet[Pilot]:
    """The accepted pilots whose page this user may write (its staff or entrusted agency)."""
    scope = scope_of(user)
    condition = Q(pk__in=[])
    if scope.orgs(Role.APPLICANT):
        condition |= Q(organisation_id__in=scope.orgs(Role.APPLICANT))
    if scope.orgs(Role.AGENCY):
        condition |= Exists(
            Pilot.delegated_agencies.through.objects.filter(
                pilot_id=OuterRef("pk"), organisation_id__in=scope.orgs(Role.AGENCY)
            )
        )
    return (
        Pilot.objects.filter(condition, state=Pilot.State.ACCEPTED)
        .select_related("organisation__review_unit", "batch")
        .order_by("organisation__name")
    )


def get_writable_pilot(user, pk) -> Pilot:
    return get_in_scope_or_404(writable_pilots(user), pk=pk, message=gettext("试点单位不存在"))


def page_versions(pilot: Pilot) -> list[ShowcaseVersion]:
    page = ShowcasePage.objects.filter(pilot=pilot).first()
    if page is None:
        return []
    return list(page.versions.prefetch_related("decisions").select_related("created_by"))


def open_version(pilot: Pilot) -> ShowcaseVersion | None:
    return (
        ShowcaseVersion.objects.filter(page__pilot=pilot, state__in=ShowcaseVersion.OPEN_STATES)
        .select_related("page__pilot__organisation")
        .prefetch_related("figures", "cases")
        .first()
    )


def source_actuals(pilot: Pilot) -> QuerySet[IndicatorActual]:
    """The indicator actuals a key figure may be taken from."""
    return (
        IndicatorActual.objects.filter(report__pilot=pilot, report__state__in=SOURCE_REPORT_STATES)
        .select_related("indicator", "report")
        .order_by("-report__year", "indicator__code")
    )


def source_cases(pilot: Pilot) -> QuerySet[TypicalCase]:
    """The typical cases of the pilot's reports a page may take."""
    return (
        TypicalCase.objects.filter(report__pilot=pilot, report__state__in=SOURCE_REPORT_STATES)
        .select_related("report")
        .order_by("-report__year", "pk")
    )


def public_reports(pilot: Pilot) -> list[AnnualReport]:
    """The reports the public chart counts: those the province received or has before it
    (reports.charts.SHOWN), with their fuel uses."""
    from reports.charts import SHOWN

    return list(AnnualReport.objects.filter(pilot=pilot, state__in=SHOWN).prefetch_related("fuel_uses"))


def todos_for(user) -> dict[str, int]:
    """The dashboard's counts: pages awaiting the province's approval; accepted pilots of the user whose
    page has no version submitted or published yet (none, or a draft or returned one)."""
    counts = {}
    scope = scope_of(user)
    if scope.has(Role.PROVINCE_OFFICER):
        counts["showcase_to_approve"] = ShowcaseVersion.objects.filter(
            state=ShowcaseVersion.State.SUBMITTED
        ).count()
    if scope.orgs(Role.APPLICANT) or scope.orgs(Role.AGENCY):
        done = ShowcaseVersion.objects.filter(
            page__pilot_id=OuterRef("pk"),
            state__in=[ShowcaseVersion.State.SUBMITTED, ShowcaseVersion.State.PUBLISHED],
        )
        counts["showcase_to_submit"] = writable_pilots(user).filter(~Exists(done)).count()
    return counts
