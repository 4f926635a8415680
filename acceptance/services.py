"""Every write of acceptance requests. One shape: permission, guard, row lock, change (a transition through
core.transitions.perform_transition), audit entry, notices (outbox rows in the transaction, their e-mails
queued after the commit)."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.formats import semicolon
from core.notifications import notify
from core.transitions import perform_transition
from core.uploads import new_token
from indicators.models import AcceptanceAdjustment, AcceptanceItem, AcceptanceSystem
from indicators.services import acceptance_system_freeze
from organisations.models import Organisation
from pilots.models import Pilot
from pilots.recipients import pilot_city_officers, pilot_staff
from plans.selectors import current_ledger_version, key_projects, target_path
from reports.models import AnnualReport

from . import permissions, selectors
from .models import AcceptanceRequest, Attachment, Claim, Decision, Line, ProjectCompletion

OPEN_PILOT_STATES = (Pilot.State.IMPLEMENTING, Pilot.State.ACCEPTANCE_FAILED)
REPORT_STATES = (AnnualReport.State.SUBMITTED, AnnualReport.State.RECEIVED)


def _lock_pilot(pilot) -> Pilot:
    return (
        Pilot.objects.select_for_update(of=("self",))
        .select_related("organisation", "organisation__review_unit", "batch")
        .get(pk=pilot.pk)
    )


def _lock_request(request) -> AcceptanceRequest:
    return (
        AcceptanceRequest.objects.select_for_update(of=("self",))
        .select_related("pilot__organisation__review_unit", "pilot__batch", "system")
        .get(pk=request.pk)
    )


def system_for(pilot) -> AcceptanceSystem:
    """The newest version of the acceptance system of the pilot's kind (附件4 for a park, 附件3 otherwise)."""
    kind = (
        AcceptanceSystem.Kind.PARK
        if pilot.organisation.kind == Organisation.Kind.PARK
        else AcceptanceSystem.Kind.COUNTY
    )
    system = AcceptanceSystem.objects.filter(kind=kind).order_by("-version").first()
    if system is None:
        raise DomainError(gettext("尚未发布该类型试点的验收评价指标体系。"))
    return system


def pulled_figures(pilot) -> dict:
    """The figures a self-evaluation pulls: the latest submitted annual report's actuals and the current
    ledger's final-year targets ({code: value}), with the report's year and the ledger's version."""
    report = AnnualReport.objects.filter(pilot=pilot, state__in=REPORT_STATES).order_by("-year").first()
    actuals = {}
    if report is not None:
        actuals = {a.indicator.code: a.value for a in report.actuals.select_related("indicator")}
    targets = {}
    for code, path in target_path(pilot).items():
        if path.values:
            targets[code] = path.values[max(path.values)]
    version = current_ledger_version(pilot)
    return {
        "actuals": actuals,
        "targets": targets,
        "report_year": report.year if report else None,
        "ledger_version": version.number if version else None,
    }


def _apply_figures(line: Line, item: AcceptanceItem, figures: dict) -> None:
    code = item.indicator.code
    if code in figures["actuals"]:
        line.actual, line.actual_source = figures["actuals"][code], Line.Source.REPORT
    elif line.actual_source == Line.Source.REPORT:  # the report no longer has it: typed in from now on
        line.actual, line.actual_source = None, Line.Source.NONE
    if code in figures["targets"]:
        line.target, line.target_source = figures["targets"][code], Line.Source.LEDGER
    elif line.target_source == Line.Source.LEDGER:
        line.target, line.target_source = None, Line.Source.NONE
    if line.target is None and ("target" in (item.params or {}) or "threshold" in (item.params or {})):
        line.target_source = Line.Source.DEFAULT


def _refresh(request: AcceptanceRequest) -> None:
    """Pull the report's actuals and the ledger's targets again (an editable request only)."""
    figures = pulled_figures(request.pilot)
    request.report_year, request.ledger_version = figures["report_year"], figures["ledger_version"]
    lines = list(request.lines.select_related("item__indicator"))
    for line in lines:
        _apply_figures(line, line.item, figures)
    Line.objects.bulk_update(lines, ["actual", "actual_source", "target", "target_source"])


def request_prepare(*, pilot: Pilot, by) -> AcceptanceRequest:
    """A new draft self-evaluation (the next attempt), its lines pulled from the reports and the ledger,
    its key projects from the filed plan. The acceptance system of the pilot's kind is frozen on first use."""
    with transaction.atomic():
        locked = _lock_pilot(pilot)
        if not permissions.can_prepare_for(by, locked):
            raise ActionNotPermitted()
        if locked.state not in OPEN_PILOT_STATES:
            raise DomainError(
                gettext("试点当前状态为「%(state)s」，不能编制验收申请。")
                % {"state": locked.get_state_display()},
                code="state",
            )
        if locked.construction_period_over():
            raise DomainError(
                gettext("建设期已于%(end)s结束，不能提出验收申请。") % {"end": locked.construction_end},
                code="period",
            )
        requests = AcceptanceRequest.objects.filter(pilot=locked)
        if requests.filter(state__in=AcceptanceRequest.EDITABLE_STATES).exists():
            raise DomainError(gettext("已有编制中的验收申请，请继续编制。"), code="duplicate")
        if (
            locked.state == Pilot.State.IMPLEMENTING
            and requests.filter(state__in=AcceptanceRequest.SUBMITTED_STATES).exists()
        ):
            raise DomainError(gettext("验收申请已提交。"), code="duplicate")
        system = system_for(locked)
        if not system.is_frozen:
            system = acceptance_system_freeze(system=system)
        attempt = (requests.aggregate(n=Max("attempt"))["n"] or 0) + 1
        request = AcceptanceRequest.objects.create(
            pilot=locked, attempt=attempt, system=system, created_by=by
        )
        figures = pulled_figures(locked)
        request.report_year, request.ledger_version = figures["report_year"], figures["ledger_version"]
        request.save(update_fields=["report_year", "ledger_version"])
        items = AcceptanceItem.objects.filter(category__system=system).select_related("indicator", "category")
        lines = []
        for order, item in enumerate(items.order_by("category__order", "order", "pk"), start=1):
            line = Line(request=request, item=item, order=order)
            _apply_figures(line, item, figures)
            lines.append(line)
        Line.objects.bulk_create(lines)
        ProjectCompletion.objects.bulk_create(
            ProjectCompletion(
                request=request,
                project_ref=p.pk,
                name=p.name,
                planned_investment=p.total_investment,
                order=order,
            )
            for order, p in enumerate(key_projects(locked), start=1)
        )
        record(
            request,
            actor=by,
            action="acceptance.request_prepare",
            label=gettext_noop("编制验收申请"),
            to_state=request.state,
            data={"attempt": attempt, "system": system.pk, "report_year": request.report_year},
        )
    return request


def _decimal_or_none(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def request_update(
    *,
    request: AcceptanceRequest,
    by,
    summary: str | None = None,
    verifier: str | None = None,
    veto_declared: bool | None = None,
    vetoes_raised: list[str] | None = None,
    lines: dict[int, dict] | None = None,
    projects: dict[int, dict] | None = None,
    claims: dict[str, dict | None] | None = None,
) -> AcceptanceRequest:
    """Change an editable request: the lines' typed-in figures and notes ({line id: {actual, target, note}};
    a figure pulled from a report or the ledger cannot be changed here), the key projects' completion
    ({id: {status, actual_investment, note}}), the claims ({adjustment code: {points, explanation}}, None
    to withdraw), the veto declaration, the verifier and the summary. The figures are pulled again."""
    with transaction.atomic():
        locked = _lock_request(request)
        if not permissions.can_edit_request(by, locked):
            if not permissions.can_prepare_for(by, locked.pilot):
                raise ActionNotPermitted()
            raise DomainError(
                gettext("验收申请当前状态为「%(state)s」，不能修改。")
                % {"state": locked.get_state_display()},
                code="state",
            )
        if summary is not None:
            locked.summary = summary
        if verifier is not None:
            locked.verifier = verifier
        if veto_declared is not None:
            locked.veto_declared = veto_declared
        if vetoes_raised is not None:
            known = set(locked.system.vetoes.values_list("code", flat=True))
            if set(vetoes_raised) - known:
                raise DomainError(gettext("未知的否决项。"))
            locked.vetoes_raised = sorted(set(vetoes_raised))
        locked.save()
        _refresh(locked)
        if lines:
            _update_lines(locked, lines)
        if projects:
            _update_projects(locked, projects)
        if claims is not None:
            _update_claims(locked, claims)
        record(
            locked,
            actor=by,
            action="acceptance.request_edit",
            label=gettext_noop("修改验收申请"),
            data={"lines": len(lines or {}), "projects": len(projects or {}), "claims": len(claims or {})},
        )
    return locked


def _update_lines(request, changes: dict[int, dict]) -> None:
    by_id = {line.pk: line for line in request.lines.select_related("item__indicator")}
    changed = []
    for pk, values in changes.items():
        line = by_id.get(int(pk))
        if line is None:
            raise DomainError(gettext("指标不属于本验收申请。"))
        name = line.item.indicator.name
        if "actual" in values:
            actual = _decimal_or_none(values["actual"])
            if not line.actual_editable:
                if actual is not None and actual != line.actual:
                    raise DomainError(
                        gettext("「%(name)s」的实际值取自年度自评报告，不能在此修改。") % {"name": name}
                    )
            else:
                line.actual = actual
                line.actual_source = Line.Source.ENTERED if actual is not None else Line.Source.NONE
        if "target" in values:
            target = _decimal_or_none(values["target"])
            if not line.target_editable:
                if target is not None and target != line.target:
                    raise DomainError(
                        gettext("「%(name)s」的目标值取自建设方案目标台账，不能在此修改。") % {"name": name}
                    )
            else:
                line.target = target
                if target is not None:
                    line.target_source = Line.Source.ENTERED
                elif line.target_source == Line.Source.ENTERED:
                    line.target_source = Line.Source.NONE
        if "note" in values:
            line.note = values["note"] or ""
        changed.append(line)
    Line.objects.bulk_update(changed, ["actual", "actual_source", "target", "target_source", "note"])


def _update_projects(request, changes: dict[int, dict]) -> None:
    by_id = {p.pk: p for p in request.projects.all()}
    changed = []
    for pk, values in changes.items():
        project = by_id.get(int(pk))
        if project is None:
            raise DomainError(gettext("重点项目不属于本验收申请。"))
        if "status" in values:
            if values["status"] and values["status"] not in ProjectCompletion.Status.values:
                raise DomainError(gettext("完成情况无效。"))
            project.status = values["status"] or ""
        if "actual_investment" in values:
            amount = _decimal_or_none(values["actual_investment"])
            if amount is not None and amount < 0:
                raise DomainError(gettext("「%(name)s」：实际完成投资不能为负数。") % {"name": project.name})
            project.actual_investment = amount
        if "note" in values:
            project.note = values["note"] or ""
        changed.append(project)
    ProjectCompletion.objects.bulk_update(changed, ["status", "actual_investment", "note"])


def _update_claims(request, changes: dict[str, dict | None]) -> None:
    adjustments = {a.code: a for a in AcceptanceAdjustment.objects.filter(system=request.system_id)}
    for code, values in changes.items():
        adjustment = adjustments.get(code)
        if adjustment is None:
            raise DomainError(gettext("未知的加减分项。"))
        if values is None:
            Claim.objects.filter(request=request, adjustment=adjustment).delete()
            continue
        points = _decimal_or_none(values.get("points"))
        if points is None or points <= 0:
            raise DomainError(gettext("「%(name)s」：申报分值须大于0。") % {"name": adjustment.description})
        Claim.objects.update_or_create(
            request=request,
            adjustment=adjustment,
            defaults={"points": points, "explanation": values.get("explanation", "")},
        )


def attachment_add(
    *,
    request: AcceptanceRequest,
    by,
    kind: str,
    uploaded,
    content_type: str,
    extension: str,
    line: Line | None = None,
    claim: Claim | None = None,
) -> Attachment:
    """Add a file (already checked by core.uploads.validate_upload): an indicator's evidence (`line`), a
    claim's evidence (`claim`) or the verification report."""
    with transaction.atomic():
        locked = _lock_request(request)
        if not permissions.can_edit_request(by, locked):
            raise ActionNotPermitted()
        if kind == Attachment.Kind.EVIDENCE and (line is None or line.request_id != locked.pk):
            raise DomainError(gettext("请选择佐证材料对应的指标。"))
        if kind == Attachment.Kind.CLAIM and (claim is None or claim.request_id != locked.pk):
            raise DomainError(gettext("请选择佐证材料对应的加减分项。"))
        if kind not in Attachment.Kind.values:
            raise DomainError(gettext("附件类型无效。"))
        attachment = Attachment(
            request=locked,
            kind=kind,
            line=line if kind == Attachment.Kind.EVIDENCE else None,
            claim=claim if kind == Attachment.Kind.CLAIM else None,
            original_name=getattr(uploaded, "name", "") or "upload",
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
            action="acceptance.attachment_add",
            label=gettext_noop("上传验收申请附件"),
            data={"attachment": attachment.pk, "kind": kind, "name": attachment.original_name},
        )
    return attachment


def attachment_remove(*, attachment: Attachment, by) -> None:
    with transaction.atomic():
        locked = _lock_request(attachment.request)
        if not permissions.can_edit_request(by, locked):
            raise ActionNotPermitted()
        record(
            locked,
            actor=by,
            action="acceptance.attachment_remove",
            label=gettext_noop("删除验收申请附件"),
            data={"attachment": attachment.pk, "name": attachment.original_name},
        )
        attachment.file.delete(save=False)
        attachment.delete()


def request_submit(*, request: AcceptanceRequest, by) -> AcceptanceRequest:
    """Submit to the city bureau: refused with everything that is missing (actuals, evidence, the
    verification report, the veto declaration, the key projects' completion) and every binding indicator
    not met. The self-scores and calculations are stored; the pilot moves to 已申请验收."""
    with transaction.atomic():
        locked = _lock_request(request)
        if not permissions.can_submit_request(by, locked):
            raise ActionNotPermitted()
        if locked.pilot.construction_period_over():
            raise DomainError(
                gettext("建设期已于%(end)s结束，不能提出验收申请。") % {"end": locked.pilot.construction_end},
                code="period",
            )
        if locked.is_editable:
            _refresh(locked)
        evaluation = selectors.evaluation_of(locked)
        if evaluation.blockers:
            raise DomainError(
                gettext("验收申请不能提交：%(reasons)s")
                % {"reasons": semicolon().join(b.rstrip("。") for b in evaluation.blockers) + "。"},
                code="incomplete",
            )
        result = evaluation.result
        lines = []
        for lr in evaluation.lines:
            lr.line.self_score, lr.line.met, lr.line.calculation = lr.self_score, lr.met, lr.calculation
            lines.append(lr.line)
        Line.objects.bulk_update(lines, ["self_score", "met", "calculation"])

        def store(obj):
            obj.total, obj.grade, obj.calculation = result.total, result.grade or "", result.calculation
            obj.submitted_at, obj.submitted_by = timezone.now(), by

        obj = perform_transition(AcceptanceRequest, locked.pk, "submit", by=by, changes=store)
        perform_transition(Pilot, locked.pilot_id, "request_acceptance", by=by)
        notify(
            pilot_city_officers(locked.pilot),
            kind="acceptance.request_submitted",
            title=gettext("%(request)s已报送，请审核") % {"request": obj},
            url=reverse("acceptance:detail", args=[obj.pk]),
        )
    return obj


def request_forward(*, request: AcceptanceRequest, by, reason: str = "") -> AcceptanceRequest:
    """The city bureau checks and forwards the request to the province (the pilot moves to 验收申请已报省)."""
    with transaction.atomic():
        obj = perform_transition(AcceptanceRequest, request.pk, "forward", by=by, reason=reason)
        perform_transition(Pilot, obj.pilot_id, "forward_acceptance", by=by, reason=reason)
        Decision.objects.create(
            request=obj, kind=Decision.Kind.FORWARDED, reason=reason.strip(), decided_by=by
        )
        notify(
            pilot_staff(obj.pilot),
            kind="acceptance.request_forwarded",
            title=gettext("%(request)s已由市级生态环境局审核报省") % {"request": obj},
            body=reason,
            url=reverse("acceptance:detail", args=[obj.pk]),
        )
    return obj


def request_return(*, request: AcceptanceRequest, by, reason: str) -> AcceptanceRequest:
    """The city bureau returns the request with its reasons: editable again, the pilot back to 实施中."""
    if not (reason or "").strip():
        raise DomainError(gettext("退回须说明理由。"), code="reason")
    with transaction.atomic():
        obj = perform_transition(AcceptanceRequest, request.pk, "return_request", by=by, reason=reason)
        perform_transition(Pilot, obj.pilot_id, "return_acceptance", by=by, reason=reason)
        Decision.objects.create(
            request=obj, kind=Decision.Kind.RETURNED, reason=reason.strip(), decided_by=by
        )
        notify(
            pilot_staff(obj.pilot),
            kind="acceptance.request_returned",
            title=gettext("%(request)s已退回，请修改后重新提交") % {"request": obj},
            body=reason,
            url=reverse("acceptance:detail", args=[obj.pk]),
        )
    return obj


def recommend(*, pilot: Pilot, by, reason: str):
    """The province marks an accepted pilot recommended to the national programme (a row with who, when and
    why) and requests its dossier PDF (rendered after the commit by acceptance.tasks.render_dossier)."""
    from core.queue import enqueue_on_commit

    from .models import Recommendation
    from .tasks import render_dossier

    if not (reason or "").strip():
        raise DomainError(gettext("推荐须说明理由。"), code="reason")
    with transaction.atomic():
        locked = _lock_pilot(pilot)
        if not permissions.can_recommend(by, locked):
            raise ActionNotPermitted()
        if locked.state != Pilot.State.ACCEPTED:
            raise DomainError(
                gettext("只能推荐已通过验收的试点单位（当前状态为「%(state)s」）。")
                % {"state": locked.get_state_display()},
                code="state",
            )
        if Recommendation.objects.filter(pilot=locked).exists():
            raise DomainError(gettext("该试点单位已推荐。"), code="duplicate")
        recommendation = Recommendation.objects.create(
            pilot=locked, reason=reason.strip(), recommended_by=by, token=new_token()
        )
        record(
            locked,
            actor=by,
            action="acceptance.recommend",
            label=gettext_noop("推荐申报国家级试点"),
            reason=reason.strip(),
            data={"recommendation": recommendation.pk},
        )
        enqueue_on_commit(render_dossier, recommendation.pk)
    return recommendation
