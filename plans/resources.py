"""The plan and change-request lists as Excel (core.xlsx)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import xlsx
from organisations.resources import list_scope


def _unit(obj) -> str:
    org = obj.pilot.organisation
    return org.review_unit.name if org.review_unit_id else ""


def plan_list_xlsx(plans, *, user, filters):
    sheet = xlsx.Sheet(
        name=_("建设方案"),
        title=_("试点建设方案清单"),
        scope=list_scope(user, filters),
        columns=[
            xlsx.Column(_("试点单位"), lambda p: p.pilot.organisation.name),
            xlsx.Column(_("所属市（区）"), _unit),
            xlsx.Column(_("批次"), lambda p: p.pilot.batch.name),
            xlsx.Column(_("方案状态"), lambda p: p.get_state_display()),
            xlsx.Column(_("试点阶段"), lambda p: p.pilot.get_state_display()),
            xlsx.Column(_("备案编号"), lambda p: p.filing_number),
            xlsx.Column(_("备案时间"), lambda p: p.filed_at, kind=xlsx.DATETIME),
            xlsx.Column(_("印发文号"), lambda p: p.issuing_document_no),
            xlsx.Column(_("印发日期"), lambda p: p.issued_on, kind=xlsx.DATE),
        ],
        rows=plans,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("试点建设方案.xlsx"))


def change_list_xlsx(changes, *, user, filters):
    sheet = xlsx.Sheet(
        name=_("调整与延期申请"),
        title=_("试点调整与延期申请清单"),
        scope=list_scope(user, filters),
        columns=[
            xlsx.Column(_("试点单位"), lambda c: c.pilot.organisation.name),
            xlsx.Column(_("所属市（区）"), _unit),
            xlsx.Column(_("申请类型"), lambda c: c.get_kind_display()),
            xlsx.Column(_("申请时间"), lambda c: c.created_at, kind=xlsx.DATETIME),
            xlsx.Column(_("状态"), lambda c: c.get_state_display()),
            xlsx.Column(_("申请理由"), lambda c: c.reasons),
        ],
        rows=changes,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("调整与延期申请.xlsx"))
