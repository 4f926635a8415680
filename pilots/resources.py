"""The pilot lists as Excel (core.xlsx): the public published list and the officers' filtered list."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import xlsx
from organisations.models import Organisation
from organisations.resources import list_scope


def _kind(pilot) -> str:
    return gettext("县（区）") if pilot.organisation.kind == Organisation.Kind.COUNTY else gettext("园区")


def _columns(status) -> list[xlsx.Column]:
    return [
        xlsx.Column(_("试点单位"), lambda p: p.organisation.name),
        xlsx.Column(
            _("所属市（区）"),
            lambda p: p.organisation.review_unit.name if p.organisation.review_unit_id else "",
        ),
        xlsx.Column(_("类型"), _kind),
        xlsx.Column(_("批次"), lambda p: p.batch.name),
        xlsx.Column(_("批次年度"), lambda p: p.batch.year, kind=xlsx.INT),
        xlsx.Column(_("状态"), status),
        xlsx.Column(_("命名日期"), lambda p: p.named_at, kind=xlsx.DATE),
    ]


def public_pilot_list_xlsx(pilots):
    """The published list as the public page shows it: same order, same status words."""
    sheet = xlsx.Sheet(
        name=_("试点名单"),
        title=_("陕西省低碳近零碳试点名单"),
        scope=_("已公布批次的试点单位（已取消试点资格的单位列出其结果）"),
        columns=_columns(lambda p: p.public_status),
        rows=pilots,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("陕西省低碳近零碳试点名单.xlsx"))


def pilot_list_xlsx(pilots, *, user, filters):
    """The officers' (or a pilot's own) list with the states the list page shows."""
    sheet = xlsx.Sheet(
        name=_("试点单位"),
        title=_("陕西省低碳近零碳试点单位清单"),
        scope=list_scope(user, filters),
        columns=_columns(lambda p: p.get_state_display()),
        rows=pilots,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("试点单位.xlsx"))


def disqualification_xlsx(proposals, *, user, filters):
    """The clock's proposals and the decisions taken on them."""
    sheet = xlsx.Sheet(
        name=_("取消资格提议"),
        title=_("建设期满未通过验收的试点单位"),
        scope=list_scope(user, filters),
        columns=[
            xlsx.Column(_("试点单位"), lambda p: p.pilot.organisation.name),
            xlsx.Column(
                _("所属市（区）"),
                lambda p: (
                    p.pilot.organisation.review_unit.name if p.pilot.organisation.review_unit_id else ""
                ),
            ),
            xlsx.Column(_("批次"), lambda p: p.pilot.batch.name),
            xlsx.Column(_("建设期截止日期"), lambda p: p.period_end, kind=xlsx.DATE),
            xlsx.Column(_("提出日期"), lambda p: p.proposed_on, kind=xlsx.DATE),
            xlsx.Column(_("状态"), lambda p: p.get_state_display()),
            xlsx.Column(_("建设期延至"), lambda p: p.extended_to, kind=xlsx.DATE),
            xlsx.Column(_("决定人"), lambda p: p.decided_by.display_name if p.decided_by_id else ""),
            xlsx.Column(_("理由"), lambda p: p.reason, width=50),
        ],
        rows=proposals,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("取消试点资格提议.xlsx"))
