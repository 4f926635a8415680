"""Reads for follow-up and guidance, scoped to the user (the same scope as permissions.py), each a queryset
with its joins applied so a list page runs a fixed number of queries whatever its length."""

from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from organisations.models import Role
from organisations.roles import scope_of
from pilots.models import Pilot

from .models import GuidanceGroup, GuidanceVisit, Visit, WorkPlan
from .permissions import PROVINCIAL

PILOT_JOINS = ("pilot__organisation", "pilot__organisation__review_unit", "pilot__batch")


def _pilot_condition(user, prefix: str = "pilot__") -> Q:
    """The pilots a user sees (province: all; city: its units; pilot staff; delegated agency)."""
    scope = scope_of(user)
    if scope.has(*PROVINCIAL):
        return Q()
    condition = Q(pk__in=[])
    if scope.review_units:
        condition |= Q(**{f"{prefix}organisation__review_unit_id__in": scope.review_units})
    if scope.orgs(Role.APPLICANT):
        condition |= Q(**{f"{prefix}organisation_id__in": scope.orgs(Role.APPLICANT)})
    if scope.orgs(Role.AGENCY):
        agency_pilots = Pilot.objects.filter(delegated_agencies__in=scope.orgs(Role.AGENCY)).values("pk")
        condition |= Q(**{f"{prefix}pk__in": agency_pilots})
    return condition


def _not_found(what: str):
    raise Http404(what)


# Work plans ----------------------------------------------------------------------------------------
def work_plans_visible_to(user) -> QuerySet[WorkPlan]:
    return (
        WorkPlan.objects.filter(_pilot_condition(user))
        .select_related(*PILOT_JOINS)
        .annotate(task_count=Count("tasks"))
        .order_by("-year", "pilot__organisation__review_unit__order", "pilot__organisation__name")
    )


def get_work_plan_for_user(user, pk) -> WorkPlan:
    work_plan = (
        WorkPlan.objects.filter(_pilot_condition(user), pk=pk)
        .select_related(*PILOT_JOINS, "created_by")
        .prefetch_related("pilot__delegated_agencies", "tasks", "decisions__decided_by")
        .first()
    )
    if work_plan is None:
        _not_found(gettext("年度工作方案不存在"))
    return work_plan


def pilots_for_work_plan(user) -> QuerySet[Pilot]:
    """The pilots for which the user may draft a work plan (its staff, its delegated agencies)."""
    scope = scope_of(user)
    condition = Q(pk__in=[])
    if scope.orgs(Role.APPLICANT):
        condition |= Q(organisation_id__in=scope.orgs(Role.APPLICANT))
    if scope.orgs(Role.AGENCY):
        condition |= Q(delegated_agencies__in=scope.orgs(Role.AGENCY))
    return Pilot.objects.filter(condition).distinct().select_related("organisation", "batch")


# City follow-up visits -----------------------------------------------------------------------------
def visits_visible_to(user, today=None) -> QuerySet[Visit]:
    today = today or timezone.localdate()
    return (
        Visit.objects.filter(_pilot_condition(user))
        .select_related(*PILOT_JOINS)
        .annotate(
            attachment_count=Count("attachments"),
            overdue=Case(
                When(state=Visit.State.OPEN, rectification_deadline__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-visit_date", "-pk")
    )


def get_visit_for_user(user, pk) -> Visit:
    visit = (
        Visit.objects.filter(_pilot_condition(user), pk=pk)
        .select_related(*PILOT_JOINS, "created_by")
        .prefetch_related("pilot__delegated_agencies", "attachments")
        .first()
    )
    if visit is None:
        _not_found(gettext("督导记录不存在"))
    return visit


def pilots_for_visit(user) -> QuerySet[Pilot]:
    """The pilots a city officer may record a visit for: those of its review units."""
    units = scope_of(user).review_units
    return Pilot.objects.filter(organisation__review_unit_id__in=units).select_related(
        "organisation", "batch"
    )


# Expert guidance -----------------------------------------------------------------------------------
def _expert_groups_condition(user) -> Q:
    if not scope_of(user).has(Role.EXPERT):
        return Q(pk__in=[])
    return Q(experts__user=user, experts__active=True)


def groups_visible_to(user) -> QuerySet[GuidanceGroup]:
    """The province sees every group; an expert the groups it belongs to; nobody else any."""
    condition = Q() if scope_of(user).has(*PROVINCIAL) else _expert_groups_condition(user)
    ids = GuidanceGroup.objects.filter(condition).values("pk")
    return (
        GuidanceGroup.objects.filter(pk__in=ids)
        .prefetch_related(
            "experts",
            Prefetch(
                "pilots", queryset=Pilot.objects.select_related("organisation", "organisation__review_unit")
            ),
        )
        .annotate(visit_count=Count("visits", distinct=True))
        .order_by("-year", "name")
    )


def get_group_for_user(user, pk) -> GuidanceGroup:
    group = groups_visible_to(user).filter(pk=pk).first()
    if group is None:
        _not_found(gettext("帮扶指导组不存在"))
    return group


def guidance_visits_visible_to(user) -> QuerySet[GuidanceVisit]:
    """The province: all; an expert: the visits of its groups; the pilot's city and the pilot: theirs."""
    condition = _pilot_condition(user)
    if scope_of(user).has(Role.EXPERT):
        condition |= Q(group__in=GuidanceGroup.objects.filter(_expert_groups_condition(user)).values("pk"))
    return (
        GuidanceVisit.objects.filter(condition)
        .select_related(*PILOT_JOINS, "group")
        .prefetch_related("experts")
        .order_by("-visit_date", "-pk")
    )


def get_guidance_visit_for_user(user, pk) -> GuidanceVisit:
    visit = guidance_visits_visible_to(user).filter(pk=pk).select_related("recorded_by").first()
    if visit is None:
        _not_found(gettext("帮扶指导记录不存在"))
    return visit


def get_group_pilot(group: GuidanceGroup, pilot_pk) -> Pilot:
    """A pilot assigned to the group (the group was fetched with get_group_for_user); 404 otherwise."""
    pilot = next((p for p in group.pilots.all() if p.pk == int(pilot_pk)), None)
    if pilot is None:
        _not_found(gettext("试点单位不存在"))
    return pilot


# To-dos for the dashboard (the dashboard app reads these; followup knows nothing of it) ------------
def todos_for(user, today=None) -> dict[str, int]:
    """What waits for this user in follow-up and guidance, as counts (0 when none), one query per count:

    - `work_plans_to_decide`: filed work plans of the city officer's units, awaiting 确认 or 退回;
    - `work_plans_to_file`: the pilot's (or its agency's) drafts and returned plans;
    - `visits_to_rectify`: open visits of the pilot without a rectification response yet;
    - `visits_overdue`: open visits past their rectification deadline, for the city (and the province);
    - `guidance_to_answer`: guidance records of the pilot without its response.
    """
    today = today or timezone.localdate()
    scope = scope_of(user)
    staff = scope.orgs(Role.APPLICANT)
    counts = dict.fromkeys(
        (
            "work_plans_to_decide",
            "work_plans_to_file",
            "visits_to_rectify",
            "visits_overdue",
            "guidance_to_answer",
        ),
        0,
    )
    if scope.review_units:
        counts["work_plans_to_decide"] = WorkPlan.objects.filter(
            state=WorkPlan.State.FILED, pilot__organisation__review_unit_id__in=scope.review_units
        ).count()
    if scope.review_units or scope.has(Role.PROVINCE_OFFICER):
        counts["visits_overdue"] = (
            visits_visible_to(user, today)
            .filter(state=Visit.State.OPEN, rectification_deadline__lt=today)
            .count()
        )
    if staff or scope.orgs(Role.AGENCY):
        counts["work_plans_to_file"] = (
            WorkPlan.objects.filter(pilot__in=pilots_for_work_plan(user).values("pk"))
            .filter(state__in=WorkPlan.EDITABLE_STATES)
            .count()
        )
    if staff:
        counts["visits_to_rectify"] = Visit.objects.filter(
            state=Visit.State.OPEN, pilot__organisation_id__in=staff, response=""
        ).count()
        counts["guidance_to_answer"] = GuidanceVisit.objects.filter(
            pilot__organisation_id__in=staff, response=""
        ).count()
    return counts
