"""Writes for plans, the targets ledger and change requests.

Every write: permission, guard, row lock (select_for_update), transition (core.transitions) where the
state changes, audit entry (`plans.<model>.<verb>`), side effects after commit. The Pilot's own plan
stages (pilots.models.Pilot: start_plan, submit_plan, return_plan, file_plan, record_local_approval) move
together with the plan, in the same transaction.
"""

import datetime
from decimal import Decimal

import nh3
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.notifications import notify
from core.transitions import perform_transition
from core.uploads import new_token, validate_upload
from organisations.models import Role
from organisations.roles import users_with_role
from pilots.models import Pilot
from pilots.recipients import pilot_staff

from . import permissions
from .models import (
    ChangeDecision,
    ChangeOpinion,
    ChangeRequest,
    Chapter,
    KeyProject,
    LedgerTarget,
    LedgerVersion,
    Plan,
    PlanBaseline,
    PlanChapter,
    PlanDecision,
    PlanEnergyUse,
    PlanFunding,
    PlanTarget,
    PlanVersion,
)
from .snapshot import construction_years, serialize

# Rich text: what a chapter may contain (headings, paragraphs, lists, tables, emphasis). Everything else
# (script, style, iframe, img, event handlers such as onclick, style attributes, links) is removed.
ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "ul", "ol", "li", "strong", "b", "em", "i", "u", "sub", "sup",
    "blockquote", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}, "ol": {"start"}}
CHAPTER_MAX_CHARS = 200_000
WORD_OR_PDF = {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
PDF_OR_IMAGE = {"application/pdf", "image/png", "image/jpeg"}


def sanitise_html(html: str) -> str:
    """The chapter's HTML reduced to the allowed tags and attributes (nh3/ammonia, HTML5 parsing)."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags={"script", "style"},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    ).strip()


# Helpers -------------------------------------------------------------------------------------------
def _zh(text: str, **params) -> str:
    with translation.override("zh-hans"):
        return gettext(text) % params if params else gettext(text)


def _plan_url(plan: Plan) -> str:
    return reverse("plans:plan", args=[plan.pilot_id])


def _notify_pilot(pilot: Pilot, title: str, url: str) -> None:
    notify(pilot_staff(pilot), kind="plan", title=title, url=url)


def _lock_plan(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update()
        .select_related("pilot", "pilot__organisation", "pilot__batch")
        .get(pk=plan.pk)
    )


def _editable(plan: Plan, by) -> Plan:
    """Lock the plan and check that `by` may edit it now; call inside a transaction."""
    locked = _lock_plan(plan)
    if not permissions.can_edit_plan(by, locked):
        if locked.state not in permissions.EDITABLE_STATES and (
            permissions.can_submit_plan(by, locked) or permissions._is_agency(by, locked.pilot)
        ):
            raise DomainError(
                gettext("建设方案当前状态为「%(state)s」，不能修改。")
                % {"state": locked.get_state_display()},
                code="state",
            )
        raise ActionNotPermitted()
    return locked


def _store_upload(obj, prefix: str, uploaded, allowed: set[str]) -> None:
    """Check `uploaded` by content and size, then store it on obj.<prefix> with its metadata."""
    content_type, extension = validate_upload(uploaded, allowed=None)
    if content_type not in allowed:
        if allowed == WORD_OR_PDF:
            raise DomainError(
                gettext("方案文本只接受 PDF 或 Word（DOCX）文件（按文件内容识别）。"), code="upload"
            )
        raise DomainError(gettext("此处只接受 PDF 或图片文件（按文件内容识别）。"), code="upload")
    setattr(obj, f"{prefix}_token", new_token())
    setattr(obj, f"{prefix}_extension", extension)
    setattr(obj, f"{prefix}_type", content_type)
    setattr(obj, f"{prefix}_name", (getattr(uploaded, "name", "") or "")[:255])
    getattr(obj, prefix).save(f"{prefix}{extension}", uploaded, save=False)


# Drafting ------------------------------------------------------------------------------------------
def plan_start(*, pilot: Pilot, by) -> Plan:
    """Open the pilot's plan (the pilot's own staff; moves a selected pilot to 方案编制中). Prefills the
    targets and the base-year data from the pilot's application."""
    if not permissions.can_submit_plan(by, pilot_plan_stub(pilot)):
        raise ActionNotPermitted()
    with transaction.atomic():
        locked = Pilot.objects.select_for_update().get(pk=pilot.pk)
        if Plan.objects.filter(pilot=locked).exists():
            raise DomainError(gettext("建设方案已开始编制。"), code="state")
        if locked.state == Pilot.State.SELECTED:
            perform_transition(Pilot, locked.pk, "start_plan", by=by)
        elif locked.state != Pilot.State.PLAN_DRAFTING:
            raise DomainError(gettext("试点当前阶段不能开始编制建设方案。"), code="state")
        plan = Plan.objects.create(
            pilot=locked, title=_zh("%(name)s低碳近零碳试点示范建设方案", name=locked.organisation.name)
        )
        PlanChapter.objects.bulk_create([PlanChapter(plan=plan, key=key) for key in Chapter.values])
        _prefill_from_application(plan)
        record(plan, actor=by, action="create", label=gettext_noop("开始编制建设方案"), to_state=plan.state)
    return plan


def pilot_plan_stub(pilot: Pilot) -> Plan:
    """An unsaved plan of `pilot`, for permission checks before the plan exists."""
    return Plan(pilot=pilot)


def _prefill_from_application(plan: Plan) -> None:
    application = plan.pilot.application
    if application is None:
        return
    batch = plan.pilot.batch
    years = construction_years(plan)
    for order, target in enumerate(application.targets.select_related("indicator"), start=1):
        if target.indicator.is_other or target.base_value is None:
            continue
        PlanTarget.objects.get_or_create(
            plan=plan,
            indicator=target.indicator,
            defaults={
                "binding": target.is_binding,
                "base_value": target.base_value,
                "values": {str(years[-1]): str(target.target_value)} if years else {},
                "order": order,
            },
        )
    base = application.baselines.filter(year=batch.base_year).prefetch_related("energy_uses").first()
    if base is not None:
        baseline = PlanBaseline.objects.create(
            plan=plan,
            year=base.year,
            data_source=base.data_source,
            resident_population_10k=base.resident_population_10k,
            gdp_100m=base.gdp_100m,
            gdp_constant_100m=base.gdp_constant_100m,
            industrial_value_added_100m=base.industrial_value_added_100m,
            electricity_10k_kwh=base.electricity_10k_kwh,
            green_power_10k_kwh=base.green_power_10k_kwh,
            purchased_heat_gj=base.purchased_heat_gj,
        )
        PlanEnergyUse.objects.bulk_create(
            [
                PlanEnergyUse(baseline=baseline, fuel=u.fuel, quantity=u.quantity)
                for u in base.energy_uses.all()
            ]
        )
    if application.factor_set_id:
        Plan.objects.filter(pk=plan.pk).update(factor_set=application.factor_set_id)


def plan_save_general(*, plan: Plan, by, title: str, form: str) -> Plan:
    with transaction.atomic():
        locked = _editable(plan, by)
        if form not in Plan.Form.values:
            raise DomainError(gettext("请选择编制方式。"), code="invalid")
        locked.title = (title or "").strip()[:200]
        locked.form = form
        locked.save(update_fields=["title", "form", "updated_at"])
        record(locked, actor=by, action="edit", label=gettext_noop("修改方案基本信息"), data={"form": form})
    return locked


def plan_save_chapter(*, plan: Plan, key: str, body: str, by) -> PlanChapter:
    """Save one chapter's rich text, sanitised."""
    if key not in Chapter.values:
        raise DomainError(gettext("章节不存在。"), code="invalid")
    if len(body or "") > CHAPTER_MAX_CHARS:
        raise DomainError(gettext("章节内容过长（不超过20万字符）。"), code="invalid")
    with transaction.atomic():
        _editable(plan, by)
        chapter, _ = PlanChapter.objects.select_for_update().get_or_create(plan=plan, key=key)
        clean = sanitise_html(body)
        changed = chapter.body != clean
        chapter.body = clean
        chapter.updated_by = by
        chapter.save()
        if changed:
            record(
                plan,
                actor=by,
                action="edit_chapter",
                label=gettext_noop("修改方案章节"),
                data={"chapter": key, "removed_markup": clean != (body or "").strip()},
            )
    return chapter


def plan_upload_document(*, plan: Plan, uploaded, by) -> Plan:
    """The pilot's own document (PDF or Word, checked by content, size-limited, stored privately)."""
    with transaction.atomic():
        locked = _editable(plan, by)
        try:
            _store_upload(locked, "document", uploaded, WORD_OR_PDF)
        except DomainError:
            raise
        except Exception as exc:  # ValidationError from core.uploads
            raise DomainError(" ".join(getattr(exc, "messages", [str(exc)])), code="upload") from exc
        locked.document_size = uploaded.size
        locked.form = Plan.Form.UPLOAD
        locked.save()
        record(
            locked,
            actor=by,
            action="upload_document",
            label=gettext_noop("上传方案文本"),
            data={"name": locked.document_name, "size": uploaded.size},
        )
    return locked


def plan_save_targets(*, plan: Plan, rows: list[dict], by) -> None:
    """Replace the target table. rows: [{indicator, binding, base_value, values{year: Decimal}, data_source}]"""
    with transaction.atomic():
        locked = _editable(plan, by)
        seen = set()
        for row in rows:
            if row["indicator"].pk in seen:
                raise DomainError(
                    gettext("指标“%(name)s”重复填写。") % {"name": row["indicator"]}, code="invalid"
                )
            seen.add(row["indicator"].pk)
        locked.targets.all().delete()
        PlanTarget.objects.bulk_create(
            [
                PlanTarget(
                    plan=locked,
                    indicator=row["indicator"],
                    binding=bool(row.get("binding")),
                    base_value=row["base_value"],
                    values={str(y): str(v) for y, v in sorted(row["values"].items()) if v is not None},
                    data_source=row.get("data_source", ""),
                    order=i,
                )
                for i, row in enumerate(rows, start=1)
            ]
        )
        record(
            locked,
            actor=by,
            action="edit_targets",
            label=gettext_noop("修改目标指标表"),
            data={"rows": len(rows)},
        )


def plan_save_projects(*, plan: Plan, rows: list[dict], by) -> None:
    """Replace the key-project table (before filing; afterwards only through a change request)."""
    with transaction.atomic():
        locked = _editable(plan, by)
        locked.key_projects.all().delete()
        KeyProject.objects.bulk_create(
            [KeyProject(plan=locked, order=i, **row) for i, row in enumerate(rows, start=1)]
        )
        record(
            locked,
            actor=by,
            action="edit_projects",
            label=gettext_noop("修改重点工程项目表"),
            data={"rows": len(rows)},
        )


def plan_save_funding(*, plan: Plan, rows: list[dict], by) -> None:
    with transaction.atomic():
        locked = _editable(plan, by)
        locked.funding.all().delete()
        PlanFunding.objects.bulk_create([PlanFunding(plan=locked, **row) for row in rows])
        record(
            locked,
            actor=by,
            action="edit_funding",
            label=gettext_noop("修改资金筹措表"),
            data={"rows": len(rows)},
        )


def plan_save_baseline(*, plan: Plan, by, fields: dict, energy: dict[str, Decimal]) -> PlanBaseline:
    """The base-year activity data (the carbon inventory is computed from it, never typed)."""
    with transaction.atomic():
        locked = _editable(plan, by)
        baseline, _ = PlanBaseline.objects.update_or_create(
            plan=locked, defaults={"year": locked.pilot.batch.base_year, **fields}
        )
        baseline.energy_uses.all().delete()
        PlanEnergyUse.objects.bulk_create(
            [PlanEnergyUse(baseline=baseline, fuel=fuel, quantity=q) for fuel, q in energy.items() if q]
        )
        record(locked, actor=by, action="edit_baseline", label=gettext_noop("修改基准年活动水平数据"))
    return baseline


# Submission and the province's decision ------------------------------------------------------------
def missing_for_submission(plan: Plan) -> list[str]:
    """What the plan still lacks before it can be submitted (in Chinese, shown to the pilot)."""
    missing = []
    if plan.form == Plan.Form.UPLOAD:
        if not plan.document:
            missing.append(gettext("上传方案文本（PDF或Word）"))
    else:
        empty = [str(c.get_key_display()) for c in plan.chapters.all() if not c.body.strip()]
        if empty:
            missing.append(gettext("填写章节：%(chapters)s") % {"chapters": "、".join(empty)})
    targets = list(plan.targets.select_related("indicator"))
    if not targets:
        missing.append(gettext("填写目标指标表"))
    years = [str(y) for y in construction_years(plan)]
    for t in targets:
        lacking = [y for y in years if (t.values or {}).get(y) in (None, "")]
        if lacking:
            missing.append(
                gettext("“%(name)s”缺少%(years)s年目标值")
                % {"name": t.indicator, "years": "、".join(lacking)}
            )
    if not plan.key_projects.exists():
        missing.append(gettext("填写重点工程项目表"))
    if not plan.funding.exists():
        missing.append(gettext("填写资金筹措表"))
    if not PlanBaseline.objects.filter(plan=plan).exists():
        missing.append(gettext("填写基准年活动水平数据"))
    return missing


def plan_submit(*, plan: Plan, by) -> PlanVersion:
    """Only the pilot submits (an agency drafts but cannot). Freezes the next numbered version."""
    from core.queue import enqueue_on_commit

    from .tasks import render_plan_pdf

    with transaction.atomic():
        locked = _lock_plan(plan)
        if not permissions.can_submit_plan(by, locked):
            raise ActionNotPermitted()
        missing = missing_for_submission(locked)
        if missing and locked.state in permissions.EDITABLE_STATES:
            raise DomainError(
                gettext("尚不能报送，请先完成：%(items)s。") % {"items": "；".join(missing)},
                code="incomplete",
            )
        perform_transition(Plan, locked.pk, "submit", by=by)
        perform_transition(Pilot, locked.pilot_id, "submit_plan", by=by)
        locked.refresh_from_db()
        number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = PlanVersion.objects.create(
            plan=locked, number=number, snapshot=serialize(locked), submitted_by=by, token=new_token()
        )
        record(
            locked,
            actor=by,
            action="freeze_version",
            label=gettext_noop("生成方案版本"),
            data={"version": number},
        )
        enqueue_on_commit(render_plan_pdf, version.pk)
        transaction.on_commit(
            lambda: notify(
                users_with_role(Role.PROVINCE_OFFICER),
                kind="plan",
                title=_zh(
                    "%(name)s报送了建设方案（第%(n)s版）", name=locked.pilot.organisation.name, n=number
                ),
                url=_plan_url(locked),
            )
        )
    return version


def _pending_version(plan: Plan) -> PlanVersion:
    version = plan.versions.order_by("-number").first()
    if version is None or PlanDecision.objects.filter(version=version).exists():
        raise DomainError(gettext("没有待审核的方案版本。"), code="state")
    return version


def plan_return(*, plan: Plan, by, comment: str = "", chapter_comments: dict | None = None) -> PlanDecision:
    """Return the submitted version with comments (overall and/or per chapter; at least one)."""
    chapter_comments = {
        k: v.strip() for k, v in (chapter_comments or {}).items() if k in Chapter.values and v and v.strip()
    }
    comment = (comment or "").strip()
    if not comment and not chapter_comments:
        raise DomainError(gettext("退回须填写总体意见或至少一个章节的修改意见。"), code="reason_required")
    with transaction.atomic():
        locked = _lock_plan(plan)
        if not permissions.can_decide_plan(by, locked):
            raise ActionNotPermitted()
        version = _pending_version(locked)
        reason = comment or "；".join(f"{Chapter(k).label}：{v}" for k, v in chapter_comments.items())
        perform_transition(
            Plan, locked.pk, "return_plan", by=by, reason=reason, data={"version": version.number}
        )
        perform_transition(Pilot, locked.pilot_id, "return_plan", by=by, reason=reason)
        decision = PlanDecision.objects.create(
            plan=locked,
            version=version,
            outcome=PlanDecision.Outcome.RETURNED,
            comment=comment,
            chapter_comments=chapter_comments,
            decided_by=by,
        )
        transaction.on_commit(
            lambda: _notify_pilot(
                locked.pilot, _zh("建设方案（第%(n)s版）已退回修改", n=version.number), _plan_url(locked)
            )
        )
    return decision


def plan_file(*, plan: Plan, by, filing_number: str, comment: str = "") -> PlanDecision:
    """审核备案: record the filing number, create ledger version 1 from the plan's targets, move the pilot
    to 方案已备案."""
    filing_number = (filing_number or "").strip()
    if not filing_number:
        raise DomainError(gettext("请填写备案编号，如 陕环试点备〔2024〕3号。"), code="invalid")
    with transaction.atomic():
        locked = _lock_plan(plan)
        if not permissions.can_decide_plan(by, locked):
            raise ActionNotPermitted()
        version = _pending_version(locked)
        if Plan.objects.filter(filing_number=filing_number).exclude(pk=locked.pk).exists():
            raise DomainError(gettext("备案编号“%(no)s”已被使用。") % {"no": filing_number}, code="invalid")

        def set_filing(obj: Plan) -> None:
            obj.filing_number = filing_number
            obj.filed_at = timezone.now()

        perform_transition(
            Plan,
            locked.pk,
            "file",
            by=by,
            changes=set_filing,
            data={"version": version.number, "filing_number": filing_number},
        )
        perform_transition(Pilot, locked.pilot_id, "file_plan", by=by)
        decision = PlanDecision.objects.create(
            plan=locked,
            version=version,
            outcome=PlanDecision.Outcome.FILED,
            comment=(comment or "").strip(),
            filing_number=filing_number,
            decided_by=by,
        )
        locked.refresh_from_db()
        _new_ledger_version(locked, by=by, note=_zh("建设方案备案（%(no)s）", no=filing_number))
        transaction.on_commit(
            lambda: _notify_pilot(
                locked.pilot, _zh("建设方案已审核备案（%(no)s）", no=filing_number), _plan_url(locked)
            )
        )
    return decision


def _projects_snapshot(plan: Plan) -> list[dict]:
    return [
        {
            "id": p.pk,
            "name": p.name,
            "task": p.task,
            "location": p.location,
            "content": p.content,
            "investment_by_year": p.investment_by_year,
            "milestones": p.milestones,
            "expected_reduction_t": str(p.expected_reduction_t),
        }
        for p in plan.key_projects.all()
    ]


def _new_ledger_version(plan: Plan, *, by, note: str, change_request=None, targets=None) -> LedgerVersion:
    """The next ledger version: targets from `targets` (LedgerTarget-like dicts) or from the plan."""
    pilot_id = plan.pilot_id
    Pilot.objects.select_for_update().get(pk=pilot_id)  # one numbering at a time per pilot
    number = (
        LedgerVersion.objects.filter(pilot_id=pilot_id)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    version = LedgerVersion.objects.create(
        pilot_id=pilot_id,
        plan=plan,
        number=number,
        change_request=change_request,
        projects=_projects_snapshot(plan),
        note=note[:255],
        created_by=by,
    )
    if targets is None:
        base_year = plan.pilot.batch.base_year
        targets = [
            {
                "indicator_id": t.indicator_id,
                "binding": t.binding,
                "base_year": base_year,
                "base_value": t.base_value,
                "values": t.values,
                "data_source": t.data_source,
                "order": t.order,
            }
            for t in plan.targets.all()
        ]
    LedgerTarget.objects.bulk_create([LedgerTarget(version=version, **t) for t in targets])
    record(
        version,
        actor=by,
        action="create",
        label=gettext_noop("生成目标台账版本"),
        data={"number": number, "note": note},
    )
    return version


# Local approval --------------------------------------------------------------------------------------
def plan_record_local_approval(
    *,
    plan: Plan,
    by,
    meeting_kind: str,
    meeting_name: str,
    meeting_date: datetime.date,
    minutes,
    issuing_document_no: str,
    issued_on: datetime.date,
) -> Plan:
    """The pilot records the local approval of its filed plan (县政府常务会 / 园区管委会专题会: meeting, date,
    minutes, issuing document number and date); the pilot then enters implementation."""
    with transaction.atomic():
        locked = _lock_plan(plan)
        if not permissions.can_record_local_approval(by, locked):
            raise ActionNotPermitted()
        if locked.state != Plan.State.FILED or locked.pilot.state != Pilot.State.PLAN_FILED:
            raise DomainError(gettext("建设方案审核备案后才能登记本级审议印发情况。"), code="state")
        if meeting_kind not in Plan.MeetingKind.values:
            raise DomainError(gettext("请选择审议会议类型。"), code="invalid")
        if not (meeting_date and issued_on and (issuing_document_no or "").strip() and minutes):
            raise DomainError(gettext("须填写会议日期、印发文号、印发日期并上传会议纪要。"), code="invalid")
        if issued_on < meeting_date:
            raise DomainError(gettext("印发日期不能早于会议日期。"), code="invalid")
        if locked.filed_at and meeting_date < timezone.localtime(locked.filed_at).date():
            raise DomainError(gettext("会议日期不能早于方案备案日期。"), code="invalid")
        if issued_on > timezone.localdate():
            raise DomainError(gettext("印发日期不能晚于今天。"), code="invalid")
        try:
            _store_upload(locked, "minutes", minutes, PDF_OR_IMAGE)
        except DomainError:
            raise
        except Exception as exc:
            raise DomainError(" ".join(getattr(exc, "messages", [str(exc)])), code="upload") from exc
        locked.meeting_kind = meeting_kind
        locked.meeting_name = (meeting_name or "").strip()[:128] or str(Plan.MeetingKind(meeting_kind).label)
        locked.meeting_date = meeting_date
        locked.issuing_document_no = issuing_document_no.strip()[:64]
        locked.issued_on = issued_on
        locked.local_approval_recorded_at = timezone.now()
        locked.save()
        data = {
            "meeting_kind": meeting_kind,
            "meeting_date": meeting_date.isoformat(),
            "issuing_document_no": locked.issuing_document_no,
            "issued_on": issued_on.isoformat(),
        }
        record(
            locked,
            actor=by,
            action="record_local_approval",
            label=gettext_noop("登记方案审议印发"),
            data=data,
        )
        perform_transition(Pilot, locked.pilot_id, "record_local_approval", by=by, data=data)
    return locked


# Change and extension requests -----------------------------------------------------------------------
def _current_target(pilot: Pilot, indicator) -> LedgerTarget | None:
    version = LedgerVersion.objects.filter(pilot=pilot).order_by("-number").first()
    if version is None:
        return None
    return version.targets.filter(indicator=indicator).first()


def change_request_create(
    *,
    pilot: Pilot,
    by,
    kind: str,
    reasons: str,
    evidence=None,
    indicator=None,
    target_values: dict | None = None,
    binding: bool | None = None,
    project: KeyProject | None = None,
    project_changes: dict | None = None,
    due_kind: str = "",
    due_year: int | None = None,
    new_due_date: datetime.date | None = None,
) -> ChangeRequest:
    """The pilot asks to change a target (values by year), a key project (scope, investment, schedule)
    or a due date (extension), with reasons and evidence."""
    from .selectors import due_date

    if not permissions.can_request_change(by, pilot):
        raise ActionNotPermitted()
    reasons = (reasons or "").strip()
    if not reasons:
        raise DomainError(gettext("请填写申请理由。"), code="invalid")
    if pilot.state not in (Pilot.State.PLAN_FILED, Pilot.State.IMPLEMENTING):
        raise DomainError(gettext("建设方案备案后、验收申请前才能提出调整或延期申请。"), code="state")
    request = ChangeRequest(pilot=pilot, kind=kind, reasons=reasons, created_by=by)
    if kind == ChangeRequest.Kind.TARGET:
        current = _current_target(pilot, indicator) if indicator else None
        if current is None:
            raise DomainError(gettext("请选择目标台账中的指标。"), code="invalid")
        values = {str(y): str(v) for y, v in (target_values or {}).items() if v is not None}
        if not values:
            raise DomainError(gettext("请填写调整后的分年度目标值。"), code="invalid")
        new_binding = current.binding if binding is None else bool(binding)
        if values == {k: str(v) for k, v in current.values.items()} and new_binding == current.binding:
            raise DomainError(gettext("调整后的目标与现行目标相同。"), code="invalid")
        request.indicator = indicator
        request.current = {"values": current.values, "binding": current.binding}
        request.proposed = {"values": {**current.values, **values}, "binding": new_binding}
    elif kind == ChangeRequest.Kind.PROJECT:
        if project is None or project.plan.pilot_id != pilot.pk:
            raise DomainError(gettext("请选择本试点的重点项目。"), code="invalid")
        allowed = {"content", "location", "investment_by_year", "milestones", "expected_reduction_t"}
        changes = {k: v for k, v in (project_changes or {}).items() if k in allowed}
        if not changes:
            raise DomainError(gettext("请填写调整内容（建设内容、投资或进度）。"), code="invalid")
        request.project = project
        request.current = {k: _jsonable(getattr(project, k)) for k in changes}
        request.proposed = {k: _jsonable(v) for k, v in changes.items()}
    elif kind == ChangeRequest.Kind.EXTENSION:
        if not (due_kind and due_year and new_due_date):
            raise DomainError(gettext("请填写延期事项、年度和申请延至日期。"), code="invalid")
        current_due = due_date(pilot, due_kind, due_year)
        if new_due_date <= current_due:
            raise DomainError(
                gettext("申请延至日期须晚于现行截止日期（%(date)s）。") % {"date": current_due.isoformat()},
                code="invalid",
            )
        request.due_kind, request.due_year, request.new_due_date = due_kind, due_year, new_due_date
        request.current = {"due_date": current_due.isoformat()}
        request.proposed = {"due_date": new_due_date.isoformat()}
    else:
        raise DomainError(gettext("请选择申请类型。"), code="invalid")
    with transaction.atomic():
        Pilot.objects.select_for_update().get(pk=pilot.pk)
        if evidence is not None:
            try:
                _store_upload(request, "evidence", evidence, PDF_OR_IMAGE | WORD_OR_PDF)
            except DomainError:
                raise
            except Exception as exc:
                raise DomainError(" ".join(getattr(exc, "messages", [str(exc)])), code="upload") from exc
        request.save()
        record(
            request,
            actor=by,
            action="create",
            label=gettext_noop("提出调整或延期申请"),
            to_state=request.state,
            reason=reasons,
            data={"kind": kind, "current": request.current, "proposed": request.proposed},
        )
        city = users_with_role(Role.CITY_OFFICER, review_unit=pilot.organisation.review_unit_id)
        transaction.on_commit(
            lambda: notify(
                city,
                kind="plan_change",
                title=_zh(
                    "%(name)s提出了%(kind)s", name=pilot.organisation.name, kind=request.get_kind_display()
                ),
                url=reverse("plans:change", args=[request.pk]),
            )
        )
    return request


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def change_give_city_opinion(*, request: ChangeRequest, by, supports: bool, opinion: str) -> ChangeRequest:
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError(gettext("请填写市级意见。"), code="reason_required")
    with transaction.atomic():
        obj = perform_transition(
            ChangeRequest,
            request.pk,
            "give_city_opinion",
            by=by,
            reason=opinion,
            data={"supports": bool(supports)},
        )
        ChangeOpinion.objects.create(request=obj, supports=bool(supports), opinion=opinion, given_by=by)
        transaction.on_commit(
            lambda: notify(
                users_with_role(Role.PROVINCE_OFFICER),
                kind="plan_change",
                title=_zh("%(name)s的调整申请已出具市级意见", name=obj.pilot.organisation.name),
                url=reverse("plans:change", args=[obj.pk]),
            )
        )
    return obj


def change_decide(*, request: ChangeRequest, by, approve: bool, reason: str = "") -> ChangeRequest:
    """The province approves or refuses. An approved target or project change creates the next ledger
    version (the old versions stay); an approved extension moves the due date it names."""
    reason = (reason or "").strip()
    with transaction.atomic():
        obj = perform_transition(
            ChangeRequest, request.pk, "approve" if approve else "refuse", by=by, reason=reason
        )
        ChangeDecision.objects.create(request=obj, approved=bool(approve), reason=reason, decided_by=by)
        if approve and obj.kind in (ChangeRequest.Kind.TARGET, ChangeRequest.Kind.PROJECT):
            _apply_change(obj, by)
        outcome = gettext_noop("已批准") if approve else gettext_noop("未批准")
        transaction.on_commit(
            lambda: _notify_pilot(
                obj.pilot,
                _zh("%(kind)s%(outcome)s", kind=obj.get_kind_display(), outcome=_zh(outcome)),
                reverse("plans:change", args=[obj.pk]),
            )
        )
    return obj


def _apply_change(request: ChangeRequest, by) -> LedgerVersion:
    pilot = request.pilot
    plan = Plan.objects.select_for_update().get(pilot=pilot)
    current = LedgerVersion.objects.filter(pilot=pilot).order_by("-number").first()
    targets = [
        {
            "indicator_id": t.indicator_id,
            "binding": t.binding,
            "base_year": t.base_year,
            "base_value": t.base_value,
            "values": t.values,
            "data_source": t.data_source,
            "order": t.order,
        }
        for t in current.targets.all()
    ]
    if request.kind == ChangeRequest.Kind.TARGET:
        for t in targets:
            if t["indicator_id"] == request.indicator_id:
                t["values"] = request.proposed["values"]
                t["binding"] = request.proposed.get("binding", t["binding"])
        note = _zh("批准目标指标调整：%(name)s", name=str(request.indicator))
    else:
        project = KeyProject.objects.select_for_update().get(pk=request.project_id)
        before = {k: _jsonable(getattr(project, k)) for k in request.proposed}
        for key, value in request.proposed.items():
            setattr(project, key, Decimal(value) if key == "expected_reduction_t" else value)
        project.save()
        record(
            project,
            actor=by,
            action="change",
            label=gettext_noop("按批准的调整申请修改重点项目"),
            data={"request": request.pk, "before": before, "after": request.proposed},
        )
        note = _zh("批准重点项目调整：%(name)s", name=project.name)
    return _new_ledger_version(plan, by=by, note=note, change_request=request, targets=targets)
