"""The showcase lists as Excel (core.xlsx): the public list of pilots by batch and outcome, and the
province's review queue."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import xlsx
from organisations.models import Organisation
from organisations.resources import list_scope


def _kind(pilot) -> str:
    return gettext("县（区）") if pilot.organisation.kind == Organisation.Kind.COUNTY else gettext("园区")


def public_list_xlsx(pilots, *, user=None, filters=None):
    """The public list as the page shows it: same order, the outcome words of Pilot.public_status."""
    summary = xlsx.filter_summary(filters) if filters is not None else ""
    scope = gettext("已公布批次的试点单位")
    if summary:
        scope = gettext("%(scope)s；筛选条件：%(filters)s") % {"scope": scope, "filters": summary}
    sheet = xlsx.Sheet(
        name=_("试点名单及建设结果"),
        title=_("陕西省低碳近零碳试点名单及建设结果"),
        scope=scope,
        columns=[
            xlsx.Column(_("试点单位"), lambda p: p.organisation.name),
            xlsx.Column(
                _("所属市（区）"),
                lambda p: p.organisation.review_unit.name if p.organisation.review_unit_id else "",
            ),
            xlsx.Column(_("类型"), _kind),
            xlsx.Column(_("批次"), lambda p: p.batch.name),
            xlsx.Column(_("批次年度"), lambda p: p.batch.year, kind=xlsx.INT),
            xlsx.Column(_("建设结果"), lambda p: p.public_status),
            xlsx.Column(_("命名日期"), lambda p: p.named_at, kind=xlsx.DATE),
            xlsx.Column(_("示范展示页"), lambda p: gettext("已发布") if p.has_page else ""),
        ],
        rows=pilots,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("陕西省低碳近零碳试点名单及建设结果.xlsx"))


def review_queue_xlsx(versions, *, user, filters):
    sheet = xlsx.Sheet(
        name=_("示范展示页审核"),
        title=_("试点示范展示页审核清单"),
        scope=list_scope(user, filters),
        columns=[
            xlsx.Column(_("试点单位"), lambda v: v.page.pilot.organisation.name),
            xlsx.Column(
                _("所属市（区）"),
                lambda v: (
                    v.page.pilot.organisation.review_unit.name
                    if v.page.pilot.organisation.review_unit_id
                    else ""
                ),
            ),
            xlsx.Column(_("批次"), lambda v: v.page.pilot.batch.name),
            xlsx.Column(_("版本"), lambda v: v.number, kind=xlsx.INT),
            xlsx.Column(_("标题"), lambda v: v.title, width=40),
            xlsx.Column(_("状态"), lambda v: v.get_state_display()),
            xlsx.Column(_("报送时间"), lambda v: v.submitted_at, kind=xlsx.DATETIME),
            xlsx.Column(_("发布时间"), lambda v: v.published_at, kind=xlsx.DATETIME),
        ],
        rows=versions,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("示范展示页审核清单.xlsx"))
