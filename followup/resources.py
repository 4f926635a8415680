"""The follow-up lists as Excel (core.xlsx), with the same rows, filters and status words as the pages."""

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import xlsx
from core.formats import enumeration_comma
from organisations.resources import list_scope


def _city(obj) -> str:
    unit = obj.pilot.organisation.review_unit
    return unit.name if unit else ""


def work_plan_list_xlsx(work_plans, *, user, filters):
    sheet = xlsx.Sheet(
        name=_("年度工作方案"),
        title=_("试点单位年度工作方案报送情况"),
        scope=list_scope(user, filters),
        columns=[
            xlsx.Column(_("试点单位"), lambda w: w.pilot.organisation.name),
            xlsx.Column(_("所属市（区）"), _city),
            xlsx.Column(_("年度"), lambda w: w.year, kind=xlsx.INT),
            xlsx.Column(_("年度任务数"), lambda w: w.task_count, kind=xlsx.INT),
            xlsx.Column(_("目标台账版本"), lambda w: w.ledger_version, kind=xlsx.INT),
            xlsx.Column(_("状态"), lambda w: w.get_state_display()),
            xlsx.Column(_("报送时间"), lambda w: w.filed_at, kind=xlsx.DATETIME),
        ],
        rows=work_plans,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("年度工作方案.xlsx"))


def visit_status(visit, today=None) -> str:
    """The status word of a visit, as the list shows it: 逾期未整改 for an open visit past its deadline."""
    if visit.is_overdue(today):
        return gettext("逾期未整改")
    return visit.get_state_display()


def visit_list_xlsx(visits, *, user, filters):
    today = timezone.localdate()
    sheet = xlsx.Sheet(
        name=_("督导记录"),
        title=_("市级督导记录"),
        scope=list_scope(user, filters),
        columns=[
            xlsx.Column(_("试点单位"), lambda v: v.pilot.organisation.name),
            xlsx.Column(_("所属市（区）"), _city),
            xlsx.Column(_("督导日期"), lambda v: v.visit_date, kind=xlsx.DATE),
            xlsx.Column(_("督导人员"), lambda v: v.people),
            xlsx.Column(_("督导发现"), lambda v: v.findings, width=40),
            xlsx.Column(_("存在问题"), lambda v: v.problems, width=40),
            xlsx.Column(_("整改时限"), lambda v: v.rectification_deadline, kind=xlsx.DATE),
            xlsx.Column(_("状态"), lambda v: visit_status(v, today)),
            xlsx.Column(_("整改情况"), lambda v: v.response, width=40),
            xlsx.Column(_("销号说明"), lambda v: v.closing_note, width=30),
        ],
        rows=visits,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("督导记录.xlsx"))


def guidance_visit_list_xlsx(visits, *, user, filters):
    sheet = xlsx.Sheet(
        name=_("帮扶指导记录"),
        title=_("专家帮扶指导记录"),
        scope=list_scope(user, filters),
        columns=[
            xlsx.Column(_("试点单位"), lambda v: v.pilot.organisation.name),
            xlsx.Column(_("所属市（区）"), _city),
            xlsx.Column(_("帮扶指导组"), lambda v: v.group.name),
            xlsx.Column(_("形式"), lambda v: v.get_kind_display()),
            xlsx.Column(_("日期"), lambda v: v.visit_date, kind=xlsx.DATE),
            xlsx.Column(_("参加专家"), lambda v: enumeration_comma().join(e.name for e in v.experts.all())),
            xlsx.Column(_("指导意见"), lambda v: v.advice, width=40),
            xlsx.Column(_("试点单位落实情况"), lambda v: v.response, width=40),
        ],
        rows=visits,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("帮扶指导记录.xlsx"))
