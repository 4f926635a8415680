"""What waits for each role: the dashboard's to-do list, then links to the rest.

Every count is taken from the selector of the page it links to, narrowed by the same filter the
link carries (`?state=…&batch=…` on the list pages), grouped in one query per kind of object, so the
dashboard runs a fixed number of queries whatever the data size.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from acceptance.selectors import todos_for as acceptance_todos
from applications.models import Application, Batch
from applications.selectors import applications_visible_to
from awards.permissions import may_see_awards
from awards.selectors import todos_for as awards_todos
from core.formats import enumeration_comma
from dispatches.models import Dispatch, DispatchResponse
from dispatches.selectors import responses_visible_to
from followup.selectors import todos_for as followup_todos
from naming.selectors import todos_for as naming_todos
from organisations.models import Role
from organisations.roles import scope_of
from pilots.models import DisqualificationProposal, Pilot
from pilots.selectors import pilots_visible_to
from reports.models import AnnualReport
from reports.selectors import reports_visible_to
from reviews.models import Objection, ReviewAssignment, ReviewRound
from reviews.selectors import rounds_visible_to
from showcase.selectors import todos_for as showcase_todos

ITEMS_PER_TASK = 10
# The states in which a round's scoring deadline is still ahead of it.
SCORING_STATES = (ReviewRound.State.DECLARING, ReviewRound.State.ASSIGNING, ReviewRound.State.SCORING)


@dataclass
class Task:
    """One thing waiting for the user: how many, by when, and where to do it."""

    key: str  # stable, for tests and styling
    title: str
    count: int
    url: str
    deadline: datetime.date | None = None
    note: str = ""
    action_url: str = ""
    action_label: str = ""
    items: list["Link"] = field(default_factory=list)  # the first few objects behind the count

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline < timezone.localdate()

    @property
    def days_left(self) -> int | None:
        return None if self.deadline is None else (self.deadline - timezone.localdate()).days


@dataclass
class Link:
    title: str
    url: str
    note: str = ""


@dataclass
class Dashboard:
    tasks: list[Task] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def _url(name: str, *args, **params) -> str:
    url = reverse(name, args=args)
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def _by_state_and_batch(queryset) -> dict[tuple[str, int], int]:
    """One grouped query: the number of rows per (state, batch) of a scoped queryset."""
    rows = queryset.order_by().values_list("state", "batch_id").annotate(n=Count("pk", distinct=True))
    return {(state, batch_id): n for state, batch_id, n in rows}


def _by_state(queryset) -> dict[str, int]:
    rows = queryset.order_by().values_list("state").annotate(n=Count("pk", distinct=True))
    return dict(rows)


class _Counts:
    """The grouped counts of the user's applications, pilots and reports, each loaded once on demand."""

    def __init__(self, user):
        self.user = user
        self._apps = self._pilots = self._reports = None
        self._batches = None

    @property
    def apps(self) -> dict[tuple[str, int], int]:
        if self._apps is None:
            self._apps = _by_state_and_batch(applications_visible_to(self.user))
        return self._apps

    @property
    def pilots(self) -> dict[str, int]:
        if self._pilots is None:
            self._pilots = _by_state(pilots_visible_to(self.user))
        return self._pilots

    @property
    def reports(self) -> dict[str, int]:
        if self._reports is None:
            self._reports = _by_state(reports_visible_to(self.user))
        return self._reports

    def batch(self, pk: int) -> Batch | None:
        if self._batches is None:
            ids = {batch_id for _state, batch_id in self.apps}
            self._batches = {b.pk: b for b in Batch.objects.filter(pk__in=ids)} if ids else {}
        return self._batches.get(pk)


def _application_tasks(
    counts: _Counts, key: str, state: str, title: str, deadline_of=None, action=None
) -> list[Task]:
    """One task per batch holding applications in `state`, linked to the list filtered the same way."""
    tasks = []
    for (s, batch_id), n in sorted(counts.apps.items(), key=lambda item: item[0][1]):
        if s != state or not n:
            continue
        batch = counts.batch(batch_id)
        tasks.append(
            Task(
                key=key,
                title=title,
                count=n,
                url=_url("applications:list", state=state, batch=batch_id),
                deadline=deadline_of(batch) if deadline_of and batch else None,
                note=batch.name if batch else "",
                **(action(batch_id) if action else {}),
            )
        )
    return tasks


def _pilot_task(counts: _Counts, key: str, state: str, title: str) -> list[Task]:
    n = counts.pilots.get(state, 0)
    return [Task(key=key, title=title, count=n, url=_url("pilots:list", state=state))] if n else []


def _report_task(counts: _Counts, key: str, state: str, title: str) -> list[Task]:
    n = counts.reports.get(state, 0)
    return [Task(key=key, title=title, count=n, url=_url("reports:list", state=state))] if n else []


def _applicant_tasks(user, scope, counts: _Counts) -> list[Task]:
    tasks = _application_tasks(
        counts,
        "drafts",
        Application.State.DRAFT,
        _("待提交的申报书"),
        deadline_of=lambda b: b.application_deadline if b.state == Batch.State.OPEN else None,
    )
    tasks += _application_tasks(
        counts,
        "returned",
        Application.State.RETURNED,
        _("已退回、待修改的申报书"),
        deadline_of=lambda b: b.application_deadline if b.state == Batch.State.OPEN else None,
    )
    if scope.orgs(Role.APPLICANT):
        started = {batch_id for _state, batch_id in counts.apps}
        for batch in Batch.objects.filter(state=Batch.State.OPEN).order_by("application_deadline", "pk"):
            if batch.pk not in started:
                tasks.append(
                    Task(
                        key="open_batch",
                        title=batch.name,
                        count=0,
                        url=_url("applications:create", batch=batch.pk),
                        deadline=batch.application_deadline,
                        note=_("已开放申报，尚未创建申报书"),
                    )
                )
        tasks += _pilot_task(counts, "plan_to_write", Pilot.State.PLAN_DRAFTING, _("待编制的建设方案"))
        tasks += _pilot_task(
            counts, "plan_returned", Pilot.State.PLAN_RETURNED, _("已退回、待修改的建设方案")
        )
        tasks += _report_task(counts, "report_drafts", AnnualReport.State.DRAFT, _("待提交的年度自评报告"))
        tasks += _report_task(
            counts, "report_returned", AnnualReport.State.RETURNED, _("已退回、待修改的年度自评报告")
        )
    tasks += _dispatch_tasks(user)
    return tasks


def _dispatch_tasks(user) -> list[Task]:
    """Each open dispatch the user's pilot has not answered yet (the agency drafts them too): one query."""
    pending = (
        responses_visible_to(user)
        .filter(
            dispatch__state=Dispatch.State.OPEN,
            state__in=[DispatchResponse.State.DRAFT, DispatchResponse.State.REOPENED],
        )
        .order_by("dispatch__due_date", "pk")[:20]
    )
    return [
        Task(
            key="dispatch_to_answer",
            title=_("待填报的调度")
            if r.state == DispatchResponse.State.DRAFT
            else _("已退回、待修改的调度填报"),
            count=1,
            url=reverse("dispatches:response", args=[r.pk]),
            deadline=r.dispatch.due_date,
            note=r.dispatch.title,
        )
        for r in pending
    ]


def _city_tasks(user, scope, counts: _Counts) -> list[Task]:
    def screening(batch_id):
        url = reverse("applications:city_screening", args=[batch_id])
        return {"action_url": url, "action_label": _("审核与报送")}

    def forwarding(batch):
        return batch.forwarding_deadline

    tasks = []
    for key, state, title in (
        ("to_screen", Application.State.SUBMITTED, _("待市级审核的申报书")),
        ("to_forward", Application.State.RECOMMENDED, _("已推荐、待报送省厅")),
        ("returned_to_city", Application.State.RETURNED_TO_CITY, _("省厅退回、待处理")),
    ):
        tasks += _application_tasks(counts, key, state, title, deadline_of=forwarding, action=screening)
    tasks += _pilot_task(
        counts, "acceptance_to_forward", Pilot.State.ACCEPTANCE_REQUESTED, _("待转报的验收申请")
    )
    return tasks


def _province_tasks(user, scope, counts: _Counts, rounds: list[ReviewRound]) -> list[Task]:
    tasks = _application_tasks(
        counts, "to_check", Application.State.FORWARDED, _("已报送省厅、待核查的申报书")
    )
    tasks += _rounds_task("rounds", _("进行中的评审轮次"), rounds)
    selection_round = {r.batch_id: r for r in rounds if r.purpose == ReviewRound.Purpose.SELECTION}
    pending = (
        Objection.objects.filter(outcome=Objection.Outcome.PENDING)
        .order_by()
        .values_list("item__application__batch_id")
        .annotate(n=Count("pk"))
    )
    for batch_id, n in pending:
        review_round = selection_round.get(batch_id)
        tasks.append(
            Task(
                key="objections",
                title=_("待处理的异议"),
                count=n,
                url=reverse("reviews:publicity", args=[review_round.pk])
                if review_round
                else reverse("reviews:list"),
                note=review_round.name if review_round else "",
            )
        )
    tasks += _pilot_task(counts, "plans_to_file", Pilot.State.PLAN_SUBMITTED, _("待备案的建设方案"))
    tasks += _pilot_task(
        counts, "acceptance_forwarded", Pilot.State.ACCEPTANCE_FORWARDED, _("市级已转报、待组织验收的试点")
    )
    tasks += _report_task(
        counts, "reports_to_receive", AnnualReport.State.SUBMITTED, _("待接收的年度自评报告")
    )
    pending_disqualifications = DisqualificationProposal.objects.filter(
        state=DisqualificationProposal.State.PENDING
    ).count()
    if pending_disqualifications:
        tasks.append(
            Task(
                key="disqualifications",
                title=_("建设期满未通过验收、待决定是否取消资格的试点"),
                count=pending_disqualifications,
                url=reverse("pilots:disqualification_list") + "?state=pending",
            )
        )
    return tasks


def _finance_tasks(user, counts: _Counts, rounds: list[ReviewRound]) -> list[Task]:
    """Proposals waiting for the joint confirmation: the `pending` of each round's confirmation page
    (`reviews.services.round_items` narrowed to proposed applications still 评审完成), for all the
    rounds in one query."""
    tasks = []
    selection = [r for r in rounds if r.purpose == ReviewRound.Purpose.SELECTION]
    if not selection:
        return tasks
    by_batch = dict(
        Application.objects.filter(
            batch_id__in=[r.batch_id for r in selection], state=Application.State.REVIEWED
        )
        .exclude(decision_proposal="")
        .order_by()
        .values_list("batch_id")
        .annotate(n=Count("pk"))
    )
    for review_round in selection:
        n = by_batch.get(review_round.batch_id, 0)
        if n:
            tasks.append(
                Task(
                    key="to_confirm",
                    title=_("待会签确认的拟入选建议"),
                    count=n,
                    url=reverse("reviews:confirmations", args=[review_round.pk]),
                    note=review_round.name,
                )
            )
    return tasks


def _expert_tasks(user, rounds: list[ReviewRound]) -> list[Task]:
    from reviews.models import Declaration
    from reviews.permissions import is_pool_expert
    from reviews.services import DECLARABLE_STATES

    tasks = []
    if is_pool_expert(user):
        declared = set(Declaration.objects.filter(expert=user).values_list("round_id", flat=True))
        for r in rounds:
            if r.state in DECLARABLE_STATES and r.pk not in declared:
                tasks.append(
                    Task(
                        key="declare",
                        title=_("待申报利益冲突"),
                        count=1,
                        url=reverse("reviews:declare", args=[r.pk]),
                        deadline=r.scoring_deadline,
                        note=r.name,
                    )
                )
    open_states = [ReviewAssignment.State.ASSIGNED, ReviewAssignment.State.ACCEPTED]
    assignments = (
        ReviewAssignment.objects.filter(expert=user, state__in=open_states)
        .select_related("round", "item__application__organisation", "item__pilot__organisation")
        .order_by("round__scoring_deadline", "round_id", "pk")
    )
    by_round: dict[int, Task] = {}
    for a in assignments:
        task = by_round.get(a.round_id)
        if task is None:
            task = by_round[a.round_id] = Task(
                key="score",
                title=_("待完成的评审任务"),
                count=0,
                url=reverse("reviews:my_assignments"),
                deadline=a.round.scoring_deadline,
                note=a.round.name,
            )
        task.count += 1
        if len(task.items) < ITEMS_PER_TASK:
            task.items.append(Link(str(a.item.organisation), reverse("reviews:my_assignment", args=[a.pk])))
    return tasks + list(by_round.values())


def _drc_tasks(counts: _Counts, rounds: list[ReviewRound]) -> list[Task]:
    tasks = _pilot_task(
        counts, "acceptance_forwarded", Pilot.State.ACCEPTANCE_FORWARDED, _("已报省、待验收的试点")
    )
    tasks += _pilot_task(
        counts, "in_acceptance_review", Pilot.State.IN_ACCEPTANCE_REVIEW, _("验收评审中的试点")
    )
    acceptance = [r for r in rounds if r.purpose == ReviewRound.Purpose.ACCEPTANCE]
    return tasks + _rounds_task("acceptance_rounds", _("进行中的验收评审"), acceptance)


def _rounds_task(key: str, title: str, rounds: list[ReviewRound]) -> list[Task]:
    """The rounds not yet decided, as one count (their names in the note), due by the earliest deadline."""
    moving = [r for r in rounds if r.state != ReviewRound.State.DECIDED]
    if not moving:
        return []
    return [
        Task(
            key=key,
            title=title,
            count=len(moving),
            url=reverse("reviews:list"),
            deadline=min(
                (r.scoring_deadline for r in moving if r.scoring_deadline and r.state in SCORING_STATES),
                default=None,
            ),
            note=enumeration_comma().join(r.name for r in moving[:3]) + ("…" if len(moving) > 3 else ""),
        )
    ]


def dashboard_for(user) -> Dashboard:
    scope = scope_of(user)
    counts = _Counts(user)
    board = Dashboard()
    if scope.has(Role.AUDITOR):
        board.links = [Link(item.link_label, item.url) for item in menu_for(user) if item.on_dashboard]
        return board
    officer = scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER, Role.EXPERT)
    rounds = list(rounds_visible_to(user).order_by("-created_at", "pk")) if officer else []
    if scope.orgs(Role.APPLICANT) or scope.orgs(Role.AGENCY):
        board.tasks += _applicant_tasks(user, scope, counts)
    if scope.review_units:
        board.tasks += _city_tasks(user, scope, counts)
    if scope.has(Role.PROVINCE_OFFICER):
        board.tasks += _province_tasks(user, scope, counts, rounds)
    if scope.has(Role.FINANCE_OFFICER):
        board.tasks += _finance_tasks(user, counts, rounds)
    if scope.has(Role.DRC_OFFICER):
        board.tasks += _drc_tasks(counts, rounds)
    if scope.has(Role.EXPERT):
        board.tasks += _expert_tasks(user, rounds)
    board.tasks += _followup_tasks(user)
    board.tasks += _awards_tasks(user)
    board.tasks += _showcase_tasks(user)
    board.tasks += [Task(**todo) for todo in naming_todos(user)]
    board.tasks += _acceptance_tasks(user)
    board.tasks.sort(key=lambda t: (not t.overdue, t.deadline or datetime.date.max))
    board.links = [Link(item.link_label, item.url) for item in menu_for(user) if item.on_dashboard]
    if scope.has(Role.PROVINCE_OFFICER):
        board.links += [
            Link(_("专家库"), reverse("reviews:experts")),
            Link(_("评分标准"), reverse("reviews:criteria")),
        ]
    return board


FOLLOWUP_TASKS = (
    # key of followup.selectors.todos_for, title, list URL name, query
    (
        "work_plans_to_decide",
        gettext_lazy("待确认的年度工作方案"),
        "followup:work_plan_list",
        {"state": "filed"},
    ),
    ("work_plans_to_file", gettext_lazy("待报送的年度工作方案"), "followup:work_plan_list", {}),
    ("visits_to_rectify", gettext_lazy("待报送整改情况的督导问题"), "followup:visit_list", {"state": "open"}),
    ("visits_overdue", gettext_lazy("逾期未整改的督导问题"), "followup:visit_list", {"state": "overdue"}),
    ("guidance_to_answer", gettext_lazy("待报送落实情况的帮扶指导意见"), "followup:guidance_visit_list", {}),
)


ACCEPTANCE_TASKS = (
    # key of acceptance.selectors.todos_for, title, list URL name, query
    ("acceptance_to_check", gettext_lazy("待审核的验收申请"), "acceptance:list", {"state": "submitted"}),
    ("acceptance_to_prepare", gettext_lazy("待完成的验收申请"), "acceptance:list", {}),
)


def _acceptance_tasks(user) -> list[Task]:
    counts = acceptance_todos(user)
    return [
        Task(key, str(title), counts[key], _url(name, **query))
        for key, title, name, query in ACCEPTANCE_TASKS
        if counts.get(key)
    ]


def _followup_tasks(user) -> list[Task]:
    counts = followup_todos(user)
    return [
        Task(key, str(title), counts[key], _url(name, **query))
        for key, title, name, query in FOLLOWUP_TASKS
        if counts.get(key)
    ]


AWARDS_TASKS = (
    # key of awards.selectors.todos_for, title, URL name, query
    ("pilots_without_award", gettext_lazy("已通过验收尚未登记奖补的试点单位"), "awards:create", {}),
    ("awards_due", gettext_lazy("有到期待拨付分期的奖补"), "awards:list", {"status": "due"}),
)


def _awards_tasks(user) -> list[Task]:
    counts = awards_todos(user)
    return [Task(k, str(t), counts[k], _url(n, **q)) for k, t, n, q in AWARDS_TASKS if counts.get(k)]


SHOWCASE_TASKS = (  # key of showcase.selectors.todos_for, title, URL name, query
    (
        "showcase_to_approve",
        gettext_lazy("待审核的示范展示页"),
        "showcase:review_queue",
        {"state": "submitted"},
    ),
    ("showcase_to_submit", gettext_lazy("待报送的示范展示页"), "showcase:my_pages", {}),
)


def _showcase_tasks(user) -> list[Task]:
    counts = showcase_todos(user)
    return [
        Task(key, str(title), counts[key], _url(name, **query))
        for key, title, name, query in SHOWCASE_TASKS
        if counts.get(key)
    ]


# The menu ----------------------------------------------------------------------------------------


@dataclass
class MenuItem:
    key: str
    label: str  # in the menu
    url: str
    link_label: str = ""  # on the dashboard, under the to-do list
    on_dashboard: bool = True
    current: bool = False


def menu_for(user) -> list[MenuItem]:
    """The one place that decides which sections a user's menu (and the dashboard's links) offer:
    only what the user's roles can use."""
    scope = scope_of(user)
    if not scope.roles:
        return []
    items = [MenuItem("dashboard", _("工作台"), reverse("dashboard:dashboard"), on_dashboard=False)]
    if scope.has(Role.AUDITOR):  # the auditor sees nothing else (security.middleware), whatever other role
        return items + [
            MenuItem("security_events", _("安全事件"), reverse("security:events"), _("全部安全事件")),
            MenuItem("audit_trail", _("操作记录"), reverse("security:audit"), _("全部业务操作记录")),
            MenuItem("audit_verify", _("审计链校验"), reverse("security:verify"), _("校验审计链")),
        ]
    # Mirrors the selectors: who has rows in applications_visible_to, pilots_visible_to, reports_visible_to.
    own = bool(scope.orgs(Role.APPLICANT) or scope.orgs(Role.AGENCY) or scope.review_units)
    if own or scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER):
        items.append(MenuItem("applications", _("申报书"), reverse("applications:list"), _("全部申报书")))
    if own or scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        items.append(MenuItem("pilots", _("试点单位"), reverse("pilots:list"), _("全部试点单位")))
        items.append(MenuItem("reports", _("年度自评"), reverse("reports:list"), _("全部年度自评报告")))
        items.append(MenuItem("dispatches", _("进展调度"), reverse("dispatches:list"), _("全部调度")))
    if scope.review_units or scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        # plans.selectors.plans_visible_to: the province all, finance/DRC filed plans, a city its units'
        items.append(MenuItem("plans", _("建设方案"), reverse("plans:list"), _("全部建设方案")))
    if own or scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        # followup.selectors: pilots and agencies their own, a city its units', the province/finance/DRC all
        items.append(
            MenuItem(
                "work_plans", _("年度工作方案"), reverse("followup:work_plan_list"), _("全部年度工作方案")
            )
        )
        items.append(
            MenuItem("followup_visits", _("市级督导"), reverse("followup:visit_list"), _("全部督导记录"))
        )
        items.append(
            MenuItem(
                "guidance", _("帮扶指导"), reverse("followup:guidance_visit_list"), _("全部帮扶指导记录")
            )
        )
    if own or scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        # acceptance.selectors: pilots and agencies their own, a city its units' submitted, the province forwarded
        items.append(MenuItem("acceptance", _("验收申请"), reverse("acceptance:list"), _("全部验收申请")))
    if scope.has(Role.PROVINCE_OFFICER, Role.EXPERT):
        items.append(
            MenuItem("guidance_groups", _("帮扶指导组"), reverse("followup:group_list"), _("全部帮扶指导组"))
        )
    if may_see_awards(user):  # awards.selectors: finance/province all, a city its units', a pilot its own
        items.append(MenuItem("awards", _("奖补"), reverse("awards:list"), _("全部奖补")))
    if scope.has(Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER, Role.DRC_OFFICER):
        items.append(MenuItem("reviews", _("评审"), reverse("reviews:list"), _("全部评审轮次")))
        if scope.has(Role.PROVINCE_OFFICER, Role.DRC_OFFICER):  # naming.permissions.can_view_decision
            items.append(MenuItem("naming", _("验收决定"), reverse("naming:list"), _("验收决定与命名")))
        items.append(
            MenuItem(
                "acceptance_systems",
                _("验收指标体系"),
                reverse("indicators:acceptance_list"),
                _("验收评价指标体系（附件3、附件4）"),
            )
        )
    if scope.has(Role.EXPERT):
        items.append(
            MenuItem(
                "my_assignments", _("我的评审任务"), reverse("reviews:my_assignments"), _("全部评审任务")
            )
        )
    if scope.has(Role.PROVINCE_OFFICER):
        items.append(
            MenuItem(
                "showcase_review",
                _("示范展示页审核"),
                reverse("showcase:review_queue"),
                _("待审核的示范展示页"),
            )
        )
    elif scope.orgs(Role.APPLICANT) or scope.orgs(Role.AGENCY):
        items.append(MenuItem("showcase", _("示范展示页"), reverse("showcase:my_pages"), on_dashboard=False))
    if scope.has(Role.PROVINCE_OFFICER):
        items.append(
            MenuItem("batches", _("申报批次"), reverse("applications:batch_list"), _("全部申报批次"))
        )
        items.append(
            MenuItem(
                "disqualification",
                _("取消资格提议"),
                reverse("pilots:disqualification_list"),
                _("全部取消试点资格提议"),
            )
        )
    return items
