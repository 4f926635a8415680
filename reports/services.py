"""Every write on annual reports. One shape: permission, guard, row lock, transition, audit, side effects."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.notifications import notify
from core.transitions import perform_transition
from organisations.models import Role
from organisations.roles import users_with_role
from pilots.models import Pilot

from . import ledger, target_summary
from .models import (
    AnnualReport,
    CityOpinion,
    FuelUse,
    IndicatorActual,
    ProjectProgress,
    ReportEvaluation,
    TypicalCase,
)
from .permissions import (
    can_add_city_opinion,
    can_draft_report,
    can_edit_report,
    can_evaluate_report,
)

TRANSITIONS = {"submit", "return_for_revision", "receive", "withdraw_receipt"}


def report_create(*, pilot: Pilot, year: int, by) -> AnnualReport:
    if not can_draft_report(by, pilot):
        raise ActionNotPermitted()
    if year > timezone.localdate().year:
        raise DomainError(
            gettext("%(year)s年尚未开始，不能填报该年度的自评报告。") % {"year": year}, code="year"
        )
    if year < pilot.batch.year:
        raise DomainError(
            gettext("%(year)s年早于试点入选年度，无需填报自评报告。") % {"year": year}, code="year"
        )
    with transaction.atomic():
        Pilot.objects.select_for_update().get(pk=pilot.pk)  # two clicks at once: one report
        if AnnualReport.objects.filter(pilot=pilot, year=year).exists():
            raise DomainError(gettext("%(year)s年度自评报告已存在。") % {"year": year}, code="duplicate")
        report = AnnualReport.objects.create(pilot=pilot, year=year)
        record(
            report, actor=by, action="create", label=gettext_noop("创建年度自评报告"), to_state=report.state
        )
    return report


def _locked_editable(report: AnnualReport, by) -> AnnualReport:
    locked = AnnualReport.objects.select_for_update().select_related("pilot").get(pk=report.pk)
    if not can_draft_report(by, locked.pilot):
        raise ActionNotPermitted()
    if not can_edit_report(by, locked):
        raise DomainError(
            gettext("报告已提交（%(state)s），退回前不能修改。") % {"state": locked.get_state_display()},
            code="state",
        )
    return locked


def report_update(*, report: AnnualReport, by, section: str, fields: dict) -> AnnualReport:
    """Save the plain fields of one section (validated by the section's form)."""
    with transaction.atomic():
        locked = _locked_editable(report, by)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
        record(
            locked, actor=by, action="edit", label=gettext_noop("修改年度自评报告"), data={"section": section}
        )
    return locked


def report_set_fuels(*, report: AnnualReport, by, quantities: dict[str, object]) -> None:
    """Replace the fuel rows: {fuel: quantity or None}."""
    with transaction.atomic():
        locked = _locked_editable(report, by)
        FuelUse.objects.filter(report=locked).delete()
        FuelUse.objects.bulk_create(
            [FuelUse(report=locked, fuel=f, quantity=q) for f, q in quantities.items() if q is not None]
        )


def report_set_actual(
    *, report: AnnualReport, by, indicator, value, data_source, quality, explanation="", evidence=None
):
    """Create or replace the actual of one target; `evidence` is (file, name, content type, extension)."""
    from core.uploads import new_token

    with transaction.atomic():
        locked = _locked_editable(report, by)
        actual, _created = IndicatorActual.objects.get_or_create(
            report=locked, indicator=indicator, defaults={"value": value, "quality": quality}
        )
        actual.value, actual.data_source, actual.quality, actual.explanation = (
            value,
            data_source,
            quality,
            explanation,
        )
        if evidence is not None:
            upload, name, content_type, extension = evidence
            actual.token, actual.extension = new_token(), extension
            actual.evidence_name, actual.evidence_type = name[:255], content_type
            actual.evidence.save(f"{actual.token}{extension}", upload, save=False)
        actual.save()
    return actual


def report_set_progress(
    *, report: AnnualReport, by, project_id: int, name: str, milestone_met: bool, note: str, investment
):
    with transaction.atomic():
        locked = _locked_editable(report, by)
        ProjectProgress.objects.update_or_create(
            report=locked,
            project_id_ref=project_id,
            defaults={
                "project_name": name,
                "milestone_met": milestone_met,
                "note": note,
                "investment_10k_yuan": investment,
            },
        )


def report_add_case(*, report: AnnualReport, by, title: str, text: str, photo=None) -> TypicalCase:
    """`photo` is (file, content type, extension), already checked by content (PNG or JPEG)."""
    from core.uploads import new_token

    with transaction.atomic():
        locked = _locked_editable(report, by)
        case = TypicalCase(report=locked, title=title, text=text)
        if photo is not None:
            upload, content_type, extension = photo
            case.token, case.extension, case.photo_type = new_token(), extension, content_type
            case.photo.save(f"{case.token}{extension}", upload, save=False)
        case.save()
        record(
            locked, actor=by, action="add_case", label=gettext_noop("添加典型案例"), data={"case": case.pk}
        )
    return case


def report_delete_case(*, report: AnnualReport, by, case_id: int) -> None:
    with transaction.atomic():
        locked = _locked_editable(report, by)
        TypicalCase.objects.filter(report=locked, pk=case_id).delete()


def _notify_submitted(report: AnnualReport, url: str) -> None:
    """The province and the finance department are told; the city sees it in its list."""
    recipients = users_with_role([Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER])
    with translation.override("zh-hans"):
        title = f"{report}已提交" + ("（逾期报送）" if report.is_late else "")
    notify(recipients, kind="report_submitted", title=title, url=url)


def report_transition(*, report: AnnualReport, name: str, by, reason: str = "") -> AnnualReport:
    if name not in TRANSITIONS:
        raise DomainError(gettext("未知的操作。"))

    def changes(obj):
        if name == "submit":  # the due date in force now (after any approved extension)
            obj.due_on = ledger.due_date(obj.pilot, obj.year)

    with transaction.atomic():
        report = perform_transition(AnnualReport, report.pk, name, by=by, reason=reason, changes=changes)
        if name == "submit":  # its targets' statuses, for the overview (computed by plans.status's rule)
            target_summary.store([report])
        elif name == "return_for_revision":
            target_summary.clear(report)
        url = reverse("reports:detail", args=[report.pk])
        if name == "submit":
            _notify_submitted(report, url)
        else:
            staff = users_with_role(Role.APPLICANT, organisation=report.pilot.organisation_id)
            with translation.override("zh-hans"):  # notices are written in Chinese (inbox and e-mail)
                title = f"{report}：{report.get_state_display()}"
            notify(staff, kind="report_" + name, title=title, body=reason, url=url)
    return report


def report_add_city_opinion(*, report: AnnualReport, by, text: str) -> CityOpinion:
    text = (text or "").strip()
    if not text:
        raise DomainError(gettext("请填写市级意见。"), code="text")
    with transaction.atomic():
        locked = (
            AnnualReport.objects.select_for_update().select_related("pilot__organisation").get(pk=report.pk)
        )
        if not can_add_city_opinion(by, locked):
            raise ActionNotPermitted()
        opinion = CityOpinion.objects.create(report=locked, text=text, by=by)
        record(locked, actor=by, action="city_opinion", label=gettext_noop("市级意见"), reason=text)
        url = reverse("reports:detail", args=[locked.pk])
        with translation.override("zh-hans"):
            title = f"{locked}：市级主管部门提出意见"
        notify(
            users_with_role(Role.PROVINCE_OFFICER),
            kind="report_city_opinion",
            title=title,
            body=text,
            url=url,
        )
    return opinion


def report_evaluate(*, report: AnnualReport, by, rating: str, opinion: str) -> ReportEvaluation:
    opinion = (opinion or "").strip()
    if rating not in ReportEvaluation.Rating.values:
        raise DomainError(gettext("请选择评估等次。"), code="rating")
    if not opinion:
        raise DomainError(gettext("请填写评估意见。"), code="opinion")
    with transaction.atomic():
        locked = (
            AnnualReport.objects.select_for_update().select_related("pilot__organisation").get(pk=report.pk)
        )
        if not can_evaluate_report(by, locked):
            if locked.state != AnnualReport.State.RECEIVED:
                raise DomainError(gettext("只有已接收的报告才能评估。"), code="state")
            raise ActionNotPermitted()
        if ReportEvaluation.objects.filter(report=locked).exists():
            raise DomainError(gettext("该报告已作出年度评估。"), code="duplicate")
        evaluation = ReportEvaluation.objects.create(report=locked, rating=rating, opinion=opinion, by=by)
        record(
            locked,
            actor=by,
            action="evaluate",
            label=gettext_noop("年度目标任务完成情况评估"),
            reason=opinion,
            data={"rating": rating},
        )
        url = reverse("reports:detail", args=[locked.pk])
        recipients = list(users_with_role(Role.APPLICANT, organisation=locked.pilot.organisation_id))
        recipients += list(
            users_with_role(Role.CITY_OFFICER, review_unit=locked.pilot.organisation.review_unit_id)
        )
        with translation.override("zh-hans"):
            title = f"{locked}：年度评估结果为{evaluation.get_rating_display()}"
        notify(recipients, kind="report_evaluated", title=title, body=opinion, url=url)
    return evaluation
