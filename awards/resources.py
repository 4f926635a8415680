"""The award list as Excel (core.xlsx): the rows, filters and status words of the list page, and a 合计
row with the totals the page shows."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import xlsx
from organisations.resources import list_scope

from .selectors import instalments_of_awards, pilot_type_of, totals


@dataclass
class _Row:
    serial: int | None
    award: object = None
    total: dict | None = None


def _award(getter, total_key: str | None = None):
    """A column value: `getter(award)` on a data row, the total (or blank) on the 合计 row."""

    def value(row: _Row):
        if row.award is not None:
            return getter(row.award)
        return row.total.get(total_key) if total_key else None

    return value


def _city(award) -> str:
    unit = award.pilot.organisation.review_unit
    return unit.name if unit else ""


def award_list_xlsx(awards, *, user, filters):
    awards = list(awards)
    summed = totals(filters.queryset) if awards else {}
    rows = [_Row(i, award=a) for i, a in enumerate(awards, start=1)]
    if awards:
        rows.append(_Row(None, total={**summed, "label": gettext("合计")}))
    sheet = xlsx.Sheet(
        name=_("奖补清单"),
        title=_("陕西省低碳近零碳试点奖补清单"),
        scope=list_scope(user, filters),
        numbered=False,
        columns=[
            xlsx.Column(_("序号"), lambda r: r.serial, kind=xlsx.INT),
            xlsx.Column(_("试点单位"), _award(lambda a: a.pilot.organisation.name, "label")),
            xlsx.Column(_("所属市（区）"), _award(_city)),
            xlsx.Column(_("类型"), _award(lambda a: pilot_type_of(a.pilot).label)),
            xlsx.Column(_("批次"), _award(lambda a: a.pilot.batch.name)),
            xlsx.Column(_("验收等级"), _award(lambda a: a.pilot.get_acceptance_grade_display())),
            xlsx.Column(_("奖补金额（万元）"), _award(lambda a: a.amount, "amount"), kind=xlsx.DECIMAL),
            xlsx.Column(_("依据文号"), _award(lambda a: a.basis_number)),
            xlsx.Column(_("文件日期"), _award(lambda a: a.basis_date), kind=xlsx.DATE),
            xlsx.Column(_("资金来源"), _award(lambda a: a.fund_source_label)),
            xlsx.Column(_("已拨付（万元）"), _award(lambda a: a.disbursed, "disbursed"), kind=xlsx.DECIMAL),
            xlsx.Column(
                _("未拨付（万元）"),
                _award(lambda a: a.amount - (a.disbursed or Decimal(0)), "undisbursed"),
                kind=xlsx.DECIMAL,
            ),
            xlsx.Column(_("拨付状态"), _award(lambda a: a.status_label)),
            xlsx.Column(_("登记时间"), _award(lambda a: a.recorded_at), kind=xlsx.DATETIME),
        ],
        rows=rows,
    )
    instalments = xlsx.Sheet(
        name=_("分期拨付明细"),
        title=_("陕西省低碳近零碳试点奖补分期拨付明细"),
        scope=list_scope(user, filters),
        columns=[
            xlsx.Column(_("试点单位"), lambda i: i.award.pilot.organisation.name),
            xlsx.Column(_("依据文号"), lambda i: i.award.basis_number),
            xlsx.Column(_("期次"), lambda i: i.number, kind=xlsx.INT),
            xlsx.Column(_("拨付金额（万元）"), lambda i: i.amount, kind=xlsx.DECIMAL),
            xlsx.Column(_("计划拨付日期"), lambda i: i.planned_date, kind=xlsx.DATE),
            xlsx.Column(_("状态"), lambda i: i.get_state_display()),
            xlsx.Column(_("拨付日期"), lambda i: i.disbursed_on, kind=xlsx.DATE),
            xlsx.Column(_("拨付文号"), lambda i: i.payment_document),
            xlsx.Column(_("取消理由"), lambda i: i.cancel_reason, width=30),
        ],
        rows=instalments_of_awards(filters.queryset) if awards else [],
    )
    return xlsx.xlsx_response([sheet, instalments], filename=gettext("试点奖补清单.xlsx"))
