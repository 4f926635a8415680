"""What waits for each role, gathered from the apps' selectors for the dashboard."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from applications.models import Application, Batch
from applications.selectors import applications_visible_to
from core.formats import format_date
from pilots.models import Pilot, ReviewUnit, Role
from pilots.roles import scope_of
from pilots.selectors import pilots_visible_to
from reports.models import AnnualReport
from reports.selectors import reports_visible_to
from reviews.models import ReviewAssignment
from reviews.selectors import rounds_visible_to


@dataclass
class Row:
    title: str
    state: str
    state_label: str
    url: str
    note: str = ""


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    empty: str = gettext_lazy("暂无待办事项。")
    more_url: str = ""


LIMIT = 20


def _application_rows(queryset) -> list[Row]:
    return [
        Row(
            a.organisation.name,
            a.state,
            a.get_state_display(),
            reverse("applications:detail", args=[a.pk]),
            a.batch.name,
        )
        for a in queryset[:LIMIT]
    ]


def _pilot_rows(queryset) -> list[Row]:
    return [
        Row(
            p.organisation.name,
            p.state,
            p.get_state_display(),
            reverse("pilots:detail", args=[p.pk]),
            p.batch.name,
        )
        for p in queryset[:LIMIT]
    ]


def _report_rows(queryset) -> list[Row]:
    return [
        Row(str(r), r.state, r.get_state_display(), reverse("reports:detail", args=[r.pk]))
        for r in queryset[:LIMIT]
    ]


def _expert_section(user) -> Section:
    """Rounds still waiting for the expert's conflict declaration, then the open tasks."""
    from reviews.models import Declaration
    from reviews.permissions import is_pool_expert
    from reviews.services import DECLARABLE_STATES

    rows = []
    if is_pool_expert(user):
        declared = Declaration.objects.filter(expert=user).values("round_id")
        rows += [
            Row(
                gettext("%(name)s · 申报利益冲突") % {"name": r.name},
                r.state,
                r.get_state_display(),
                reverse("reviews:declare", args=[r.pk]),
                gettext("查阅申报材料前须先申报"),
            )
            for r in rounds_visible_to(user).filter(state__in=DECLARABLE_STATES).exclude(pk__in=declared)
        ]
    assignments = (
        ReviewAssignment.objects.filter(expert=user)
        .exclude(state__in=[ReviewAssignment.State.SUBMITTED, ReviewAssignment.State.DECLINED])
        .select_related("round", "application__organisation", "pilot__organisation")
        .order_by("round__scoring_deadline", "pk")
    )
    rows += [
        Row(
            str((a.application or a.pilot).organisation),
            a.state,
            a.get_state_display(),
            reverse("reviews:my_assignment", args=[a.pk]),
            f"{a.round.name}"
            + (
                " · " + gettext("截止 %(date)s") % {"date": format_date(a.round.scoring_deadline)}
                if a.round.scoring_deadline
                else ""
            ),
        )
        for a in assignments[:LIMIT]
    ]
    return Section(
        gettext("我的评审任务"),
        rows,
        empty=gettext("目前没有分配给您的评审任务。"),
        more_url=reverse("reviews:my_assignments"),
    )


def sections_for(user) -> list[Section]:
    scope = scope_of(user)
    apps = applications_visible_to(user)
    sections: list[Section] = []
    list_url = reverse("applications:list")
    if scope.orgs(Role.APPLICANT):
        open_batches = Batch.objects.filter(state=Batch.State.OPEN).order_by("application_deadline")
        sections.append(
            Section(
                gettext("开放中的申报批次"),
                [
                    Row(
                        b.name,
                        b.state,
                        b.get_state_display(),
                        reverse("applications:create") + f"?batch={b.pk}",
                        gettext("截止 %(date)s") % {"date": format_date(b.application_deadline)}
                        if b.application_deadline
                        else "",
                    )
                    for b in open_batches
                ],
                empty=gettext("当前没有开放申报的批次。"),
            )
        )
    if scope.orgs(Role.APPLICANT) or scope.orgs(Role.AGENCY):
        sections.append(
            Section(
                gettext("我的申报书") if scope.orgs(Role.APPLICANT) else gettext("受委托编制的申报书"),
                _application_rows(apps.order_by("-updated_at")),
                more_url=list_url,
                empty=gettext("尚未创建申报书。")
                if scope.orgs(Role.APPLICANT)
                else gettext("暂无委托事项。"),
            )
        )
    if scope.review_units:
        units = list(ReviewUnit.objects.filter(pk__in=scope.review_units))
        screening = Batch.objects.filter(
            state__in=[Batch.State.OPEN, Batch.State.CITY_SCREENING, Batch.State.PROVINCIAL_REVIEW]
        )
        sections.append(
            Section(
                gettext("本市审核与报送"),
                [
                    Row(
                        f"{b.name} · {unit.name}",
                        b.state,
                        b.get_state_display(),
                        reverse("applications:city_screening", args=[b.pk]) + f"?unit={unit.pk}",
                        gettext("报送截止 %(date)s") % {"date": format_date(b.forwarding_deadline)}
                        if b.forwarding_deadline
                        else "",
                    )
                    for b in screening
                    for unit in units
                ],
                empty=gettext("当前没有需要审核报送的批次。"),
            )
        )
        sections.append(
            Section(
                gettext("待市级审核的申报书"),
                _application_rows(apps.filter(state=Application.State.SUBMITTED)),
                more_url=list_url,
            )
        )
        sections.append(
            Section(
                gettext("已推荐、待报送省厅"),
                _application_rows(
                    apps.filter(state__in=[Application.State.RECOMMENDED, Application.State.RETURNED_TO_CITY])
                ),
                more_url=list_url,
            )
        )
    if scope.has(Role.PROVINCE_OFFICER):
        sections.append(
            Section(
                gettext("已报送省厅、待处理的申报书"),
                _application_rows(apps.filter(state=Application.State.FORWARDED)),
                more_url=list_url,
            )
        )
        sections.append(
            Section(
                gettext("申报批次"),
                [
                    Row(
                        b.name,
                        b.state,
                        b.get_state_display(),
                        reverse("applications:batch_detail", args=[b.pk]),
                    )
                    for b in Batch.objects.all()[:LIMIT]
                ],
                more_url=reverse("applications:batch_list"),
            )
        )
        sections.append(
            Section(
                gettext("待备案的建设方案"),
                _pilot_rows(pilots_visible_to(user).filter(state=Pilot.State.PLAN_SUBMITTED)),
                more_url=reverse("pilots:list"),
            )
        )
    if scope.has(Role.FINANCE_OFFICER):
        sections.append(
            Section(
                gettext("待会签的遴选建议"),
                _application_rows(
                    apps.filter(state=Application.State.REVIEWED).exclude(decision_proposal="")
                ),
                more_url=list_url,
            )
        )
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER):
        sections.append(
            Section(
                gettext("已提交的年度自评报告"),
                _report_rows(reports_visible_to(user).filter(state=AnnualReport.State.SUBMITTED)),
                more_url=reverse("reports:list"),
            )
        )
    if scope.has(Role.DRC_OFFICER):
        sections.append(
            Section(
                gettext("验收中的试点"),
                _pilot_rows(
                    pilots_visible_to(user).filter(
                        state__in=[Pilot.State.ACCEPTANCE_FORWARDED, Pilot.State.IN_ACCEPTANCE_REVIEW]
                    )
                ),
                more_url=reverse("pilots:list"),
            )
        )
    if scope.has(Role.EXPERT):
        sections.append(_expert_section(user))
    if scope.orgs(Role.APPLICANT) or scope.review_units or scope.has(Role.PROVINCE_OFFICER, Role.DRC_OFFICER):
        sections.append(
            Section(
                gettext("试点单位"),
                _pilot_rows(pilots_visible_to(user)),
                more_url=reverse("pilots:list"),
                empty=gettext("暂无试点单位。"),
            )
        )
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        rounds = rounds_visible_to(user)[:LIMIT]
        sections.append(
            Section(
                gettext("评审轮次"),
                [
                    Row(r.name, r.state, r.get_state_display(), reverse("reviews:detail", args=[r.pk]))
                    for r in rounds
                ],
                more_url=reverse("reviews:list"),
            )
        )
    return sections
