"""Every write of follow-up and guidance. One shape: permission, guard, row lock, change (a transition
through core.transitions.perform_transition where there is one), audit entry, notices (the outbox rows in
the transaction, their e-mails queued after the commit)."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.notifications import notify
from core.transitions import perform_transition
from core.uploads import new_token
from pilots.models import Pilot
from pilots.recipients import pilot_city_officers, pilot_staff
from reviews.models import Expert

from . import ledger, permissions
from .conflicts import first_conflict
from .models import (
    GuidanceGroup,
    GuidanceVisit,
    Visit,
    VisitAttachment,
    WorkPlan,
    WorkPlanDecision,
    WorkPlanTask,
)


def _lock_pilot(pilot) -> Pilot:
    return (
        Pilot.objects.select_for_update(of=("self",))
        .select_related("organisation", "organisation__review_unit", "batch")
        .get(pk=pilot.pk)
    )


# Yearly work plans ---------------------------------------------------------------------------------
def allowed_work_plan_years(pilot, today=None) -> list[int]:
    """The years a work plan may be drawn up for: within the pilot's construction period (from its batch's
    year to the end of construction), and never later than next year."""
    today = today or timezone.localdate()
    last = today.year + 1
    if pilot.batch.construction_end:
        last = min(last, pilot.batch.construction_end.year)
    return list(range(pilot.batch.year, last + 1))


def _refresh_from_ledger(work_plan: WorkPlan) -> None:
    work_plan.targets, work_plan.ledger_version = ledger.targets_for_year(work_plan.pilot, work_plan.year)
    work_plan.milestones = ledger.milestones_for_year(work_plan.pilot, work_plan.year)


def work_plan_create(*, pilot: Pilot, year: int, by) -> WorkPlan:
    """A new draft for (pilot, year); a second one for the same year is refused."""
    with transaction.atomic():
        locked = _lock_pilot(pilot)
        if not permissions.can_draft_work_plan_for(by, locked):
            raise ActionNotPermitted()
        if year not in allowed_work_plan_years(locked):
            raise DomainError(
                gettext("%(year)s年不在试点建设期内（或晚于下一年），不能编制年度工作方案。") % {"year": year}
            )
        if WorkPlan.objects.filter(pilot=locked, year=year).exists():
            raise DomainError(
                gettext("%(name)s的%(year)s年度工作方案已存在，每个试点单位每年只能报送一份。")
                % {"name": locked.organisation.name, "year": year},
                code="duplicate",
            )
        work_plan = WorkPlan(pilot=locked, year=year, created_by=by)
        _refresh_from_ledger(work_plan)
        try:
            with transaction.atomic():
                work_plan.save()
        except IntegrityError as exc:  # a concurrent creation won the race
            raise DomainError(gettext("该年度工作方案已由他人创建。"), code="duplicate") from exc
        record(
            work_plan,
            actor=by,
            action="create",
            label=gettext_noop("创建年度工作方案"),
            to_state=work_plan.state,
        )
    return work_plan


def work_plan_save(*, work_plan: WorkPlan, by, summary: str, tasks: list[dict]) -> WorkPlan:
    """Replace the plan's tasks ({task, responsible_unit, deadline}) and summary while it is editable;
    the targets and milestones are read again from the ledger."""
    with transaction.atomic():
        locked = (
            WorkPlan.objects.select_for_update().select_related("pilot__organisation").get(pk=work_plan.pk)
        )
        if not permissions.can_draft_work_plan_for(by, locked.pilot):
            raise ActionNotPermitted()
        if not locked.is_editable:
            raise DomainError(
                gettext("年度工作方案当前状态为「%(state)s」，不能修改。")
                % {"state": locked.get_state_display()},
                code="state",
            )
        locked.summary = summary
        _refresh_from_ledger(locked)
        locked.save()
        locked.tasks.all().delete()
        WorkPlanTask.objects.bulk_create(
            WorkPlanTask(
                work_plan=locked,
                order=i,
                task=t["task"],
                responsible_unit=t["responsible_unit"],
                deadline=t["deadline"],
            )
            for i, t in enumerate(tasks, start=1)
        )
        record(
            locked,
            actor=by,
            action="edit",
            label=gettext_noop("修改年度工作方案"),
            data={"tasks": len(tasks)},
        )
    return locked


WORK_PLAN_TRANSITIONS = {"file", "acknowledge", "return_plan"}


def work_plan_transition(*, work_plan: WorkPlan, name: str, by, reason: str = "") -> WorkPlan:
    if name not in WORK_PLAN_TRANSITIONS:
        raise DomainError(gettext("不支持的操作。"))
    with transaction.atomic():
        obj = perform_transition(
            WorkPlan,
            work_plan.pk,
            name,
            by=by,
            reason=reason,
            changes=_refresh_from_ledger if name == "file" else None,
        )
        pilot = obj.pilot
        url = reverse("followup:work_plan_detail", args=[obj.pk])
        if name == "file":
            notify(
                pilot_city_officers(pilot),
                kind="followup.work_plan_filed",
                title=gettext("%(plan)s已报送，请确认") % {"plan": obj},
                url=url,
            )
        else:
            kind = (
                WorkPlanDecision.Kind.ACKNOWLEDGED
                if name == "acknowledge"
                else WorkPlanDecision.Kind.RETURNED
            )
            WorkPlanDecision.objects.create(work_plan=obj, kind=kind, reason=reason.strip(), decided_by=by)
            title = (
                gettext("%(plan)s已确认")
                if name == "acknowledge"
                else gettext("%(plan)s已退回，请修改后重新报送")
            ) % {"plan": obj}
            notify(pilot_staff(pilot), kind=f"followup.work_plan_{kind}", title=title, body=reason, url=url)
    return obj


# City follow-up visits -----------------------------------------------------------------------------
def visit_create(
    *,
    pilot: Pilot,
    by,
    visit_date: datetime.date,
    people: str,
    findings: str,
    problems: str = "",
    rectification_deadline: datetime.date | None = None,
) -> Visit:
    with transaction.atomic():
        locked = _lock_pilot(pilot)
        if not permissions.can_record_visit_for(by, locked):
            raise ActionNotPermitted()
        if visit_date > timezone.localdate():
            raise DomainError(gettext("督导日期不能晚于今天。"))
        if rectification_deadline and rectification_deadline < visit_date:
            raise DomainError(gettext("整改时限不能早于督导日期。"))
        if problems.strip() and not rectification_deadline:
            raise DomainError(gettext("发现问题的，须规定整改时限。"))
        visit = Visit.objects.create(
            pilot=locked,
            visit_date=visit_date,
            people=people,
            findings=findings,
            problems=problems,
            rectification_deadline=rectification_deadline,
            created_by=by,
        )
        record(visit, actor=by, action="create", label=gettext_noop("登记督导"), to_state=visit.state)
        notify(
            pilot_staff(locked),
            kind="followup.visit_recorded",
            title=gettext("%(visit)s记录已登记，请按期整改") % {"visit": visit},
            url=reverse("followup:visit_detail", args=[visit.pk]),
        )
    return visit


def _lock_visit(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update(of=("self",)).select_related("pilot__organisation").get(pk=visit.pk)
    )


def visit_attachment_add(*, visit: Visit, by, uploaded, content_type: str, extension: str, title: str = ""):
    with transaction.atomic():
        locked = _lock_visit(visit)
        if not permissions.can_edit_visit(by, locked):
            raise ActionNotPermitted()
        attachment = VisitAttachment(
            visit=locked,
            title=title,
            original_name=uploaded.name[:255],
            content_type=content_type,
            size=uploaded.size,
            token=new_token(),
            extension=extension,
            uploaded_by=by,
        )
        attachment.file.save("upload", uploaded, save=False)
        attachment.save()
        record(
            locked,
            actor=by,
            action="attachment_add",
            label=gettext_noop("上传督导附件"),
            data={"attachment": attachment.pk, "name": attachment.original_name},
        )
    return attachment


def visit_respond(*, visit: Visit, by, response: str) -> Visit:
    """The pilot records (or updates) its rectification while the visit is open."""
    response = (response or "").strip()
    with transaction.atomic():
        locked = _lock_visit(visit)
        if not permissions.can_respond_visit(by, locked):
            if locked.state != Visit.State.OPEN and permissions.can_view_visit(by, locked):
                raise DomainError(gettext("督导问题已销号，不能再修改整改情况。"), code="state")
            raise ActionNotPermitted()
        if not response:
            raise DomainError(gettext("请填写整改情况。"))
        locked.response = response
        locked.responded_at = timezone.now()
        locked.save(update_fields=["response", "responded_at"])
        record(locked, actor=by, action="respond", label=gettext_noop("报送整改情况"), reason=response)
        notify(
            pilot_city_officers(locked.pilot),
            kind="followup.visit_responded",
            title=gettext("%(visit)s：试点单位已报送整改情况") % {"visit": locked},
            url=reverse("followup:visit_detail", args=[locked.pk]),
        )
    return locked


def visit_close(*, visit: Visit, by, note: str) -> Visit:
    with transaction.atomic():
        obj = perform_transition(Visit, visit.pk, "close", by=by, reason=note)
        notify(
            pilot_staff(obj.pilot),
            kind="followup.visit_closed",
            title=gettext("%(visit)s：问题已整改销号") % {"visit": obj},
            body=obj.closing_note,
            url=reverse("followup:visit_detail", args=[obj.pk]),
        )
    return obj


# Expert guidance -----------------------------------------------------------------------------------
def _require_guidance_manager(by) -> None:
    if not permissions.can_manage_guidance(by):
        raise ActionNotPermitted()


def _pilots_for_conflicts(pilots):
    return (
        Pilot.objects.filter(pk__in=[p.pk for p in pilots])
        .select_related("organisation")
        .prefetch_related("delegated_agencies", "organisation__host_divisions")
    )


def _refuse_conflicts(experts, pilots) -> None:
    conflict = first_conflict(list(experts), list(_pilots_for_conflicts(pilots)))
    if conflict is not None:
        raise DomainError(
            conflict.message + gettext("该专家不能加入指派给该试点单位的帮扶指导组。"), code="conflict"
        )


def group_create(*, name: str, year: int, experts, by) -> GuidanceGroup:
    _require_guidance_manager(by)
    name = (name or "").strip()
    experts = list(experts)
    if not name:
        raise DomainError(gettext("请填写帮扶指导组名称。"))
    if not experts:
        raise DomainError(gettext("帮扶指导组须至少有一名专家。"))
    if any(not e.active for e in experts):
        raise DomainError(gettext("只能选择在库专家。"))
    with transaction.atomic():
        if GuidanceGroup.objects.filter(name=name).exists():
            raise DomainError(gettext("已有同名的帮扶指导组。"))
        group = GuidanceGroup.objects.create(name=name, year=year, created_by=by)
        group.experts.set(experts)
        record(
            group,
            actor=by,
            action="create",
            label=gettext_noop("组建帮扶指导组"),
            data={"experts": [e.pk for e in experts]},
        )
    return group


def _lock_group(group: GuidanceGroup) -> GuidanceGroup:
    return GuidanceGroup.objects.select_for_update().get(pk=group.pk)


def group_add_expert(*, group: GuidanceGroup, expert: Expert, by) -> GuidanceGroup:
    """An expert joins a group only if it has no conflict with any pilot the group is assigned to."""
    _require_guidance_manager(by)
    with transaction.atomic():
        locked = _lock_group(group)
        if not expert.active:
            raise DomainError(gettext("只能选择在库专家。"))
        if locked.experts.filter(pk=expert.pk).exists():
            raise DomainError(gettext("专家%(name)s已在该组。") % {"name": expert.name})
        _refuse_conflicts([expert], locked.pilots.all())
        locked.experts.add(expert)
        record(
            locked,
            actor=by,
            action="add_expert",
            label=gettext_noop("帮扶指导组增加专家"),
            data={"expert": expert.pk, "name": expert.name},
        )
    return locked


def group_remove_expert(*, group: GuidanceGroup, expert: Expert, by) -> GuidanceGroup:
    _require_guidance_manager(by)
    with transaction.atomic():
        locked = _lock_group(group)
        if locked.experts.count() <= 1:
            raise DomainError(gettext("帮扶指导组须至少有一名专家。"))
        locked.experts.remove(expert)
        record(
            locked,
            actor=by,
            action="remove_expert",
            label=gettext_noop("帮扶指导组移出专家"),
            data={"expert": expert.pk, "name": expert.name},
        )
    return locked


def group_assign_pilot(*, group: GuidanceGroup, pilot: Pilot, by) -> GuidanceGroup:
    """Assign the group to a pilot, refused if any expert of the group has a conflict with it."""
    _require_guidance_manager(by)
    with transaction.atomic():
        locked = _lock_group(group)
        if locked.pilots.filter(pk=pilot.pk).exists():
            raise DomainError(gettext("该帮扶指导组已指派给%(name)s。") % {"name": pilot.organisation.name})
        _refuse_conflicts(locked.experts.filter(active=True), [pilot])
        locked.pilots.add(pilot)
        record(
            locked,
            actor=by,
            action="assign_pilot",
            label=gettext_noop("指派帮扶试点"),
            data={"pilot": pilot.pk, "name": pilot.organisation.name},
        )
        experts_users = [e.user for e in locked.experts.select_related("user")]
        notify(
            experts_users,
            kind="followup.group_assigned",
            title=gettext("%(group)s已指派帮扶%(pilot)s")
            % {"group": locked.name, "pilot": pilot.organisation.name},
            url=reverse("followup:group_detail", args=[locked.pk]),
        )
    return locked


def guidance_visit_record(
    *,
    group: GuidanceGroup,
    pilot: Pilot,
    by,
    kind: str,
    visit_date: datetime.date,
    experts,
    advice: str,
) -> GuidanceVisit:
    experts = list(experts)
    with transaction.atomic():
        locked = _lock_group(group)
        if not permissions.can_record_guidance_visit(by, locked):
            raise ActionNotPermitted()
        if not locked.pilots.filter(pk=pilot.pk).exists():
            raise DomainError(gettext("该帮扶指导组未指派给此试点单位。"))
        member_ids = set(locked.experts.values_list("pk", flat=True))
        if not experts or any(e.pk not in member_ids for e in experts):
            raise DomainError(gettext("参加专家须为本组专家，且至少一名。"))
        if visit_date > timezone.localdate():
            raise DomainError(gettext("指导日期不能晚于今天。"))
        if not (advice or "").strip():
            raise DomainError(gettext("请填写指导意见。"))
        if kind not in GuidanceVisit.Kind.values:
            raise DomainError(gettext("请选择指导形式。"))
        visit = GuidanceVisit.objects.create(
            group=locked, pilot=pilot, kind=kind, visit_date=visit_date, advice=advice.strip(), recorded_by=by
        )
        visit.experts.set(experts)
        record(
            visit,
            actor=by,
            action="create",
            label=gettext_noop("登记帮扶指导"),
            data={"group": locked.pk, "experts": [e.pk for e in experts]},
        )
        notify(
            pilot_staff(pilot) + pilot_city_officers(pilot),
            kind="followup.guidance_recorded",
            title=gettext("%(visit)s记录已登记") % {"visit": visit},
            url=reverse("followup:guidance_visit_detail", args=[visit.pk]),
        )
    return visit


def guidance_visit_respond(*, visit: GuidanceVisit, by, response: str) -> GuidanceVisit:
    response = (response or "").strip()
    with transaction.atomic():
        locked = (
            GuidanceVisit.objects.select_for_update(of=("self",))
            .select_related("pilot__organisation", "group")
            .get(pk=visit.pk)
        )
        if not permissions.can_respond_guidance_visit(by, locked):
            raise ActionNotPermitted()
        if not response:
            raise DomainError(gettext("请填写落实情况。"))
        locked.response = response
        locked.responded_at = timezone.now()
        locked.save(update_fields=["response", "responded_at"])
        record(
            locked, actor=by, action="respond", label=gettext_noop("报送指导意见落实情况"), reason=response
        )
        notify(
            [e.user for e in locked.experts.select_related("user")],
            kind="followup.guidance_responded",
            title=gettext("%(visit)s：试点单位已报送落实情况") % {"visit": locked},
            url=reverse("followup:guidance_visit_detail", args=[locked.pk]),
        )
    return locked
