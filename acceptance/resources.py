"""The acceptance request list as Excel (core.xlsx), with the same rows, filters and status words as the page."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import xlsx
from indicators.scoring import grade_label
from organisations.resources import list_scope


def _city(obj) -> str:
    unit = obj.pilot.organisation.review_unit
    return unit.name if unit else ""


def request_list_xlsx(requests, *, user, filters):
    sheet = xlsx.Sheet(
        name=_("验收申请"),
        title=_("试点单位验收申请"),
        scope=list_scope(user, filters),
        columns=[
            xlsx.Column(_("试点单位"), lambda r: r.pilot.organisation.name),
            xlsx.Column(_("所属市（区）"), _city),
            xlsx.Column(_("批次"), lambda r: r.pilot.batch.name),
            xlsx.Column(_("申请次数"), lambda r: r.attempt, kind=xlsx.INT),
            xlsx.Column(_("自评总分"), lambda r: r.total, kind=xlsx.DECIMAL),
            xlsx.Column(_("自评等级"), lambda r: grade_label(r.grade) if r.grade else ""),
            xlsx.Column(_("状态"), lambda r: r.get_state_display()),
            xlsx.Column(_("报送时间"), lambda r: r.submitted_at, kind=xlsx.DATETIME),
        ],
        rows=requests,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("验收申请.xlsx"))
