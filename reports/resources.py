"""Excel exports of the annual reports (core.xlsx): the province's overview and the yearly evaluations."""

from django.utils.translation import gettext_lazy as _

from core.xlsx import DATE, DATETIME, INT, TEXT, Column, Sheet


def _city(row):
    unit = row.pilot.organisation.review_unit
    return unit.name if unit else ""


def overview_sheet(rows, year: int) -> Sheet:
    from plans.status import LABELS

    return Sheet(
        name=_("总览"),
        title=_("%(year)s年度自评报告总览") % {"year": year},
        columns=[
            Column(_("市（区）"), _city),
            Column(_("试点单位"), lambda r: r.pilot.organisation.name),
            Column(_("批次"), lambda r: r.pilot.batch.name),
            Column(_("截止日期"), lambda r: r.due, DATE),
            Column(_("报告状态"), lambda r: r.report.get_state_display() if r.report else ""),
            Column(_("报送情况"), lambda r: str(r.report_status_label)),
            Column(_("提交时间"), lambda r: r.report.submitted_at if r.report else None, DATETIME),
            Column(_("目标总体状态"), lambda r: str(LABELS[r.target_status])),
            Column(_("达到进度（项）"), lambda r: r.targets.get("on_track", 0), INT),
            Column(_("存在风险（项）"), lambda r: r.targets.get("at_risk", 0), INT),
            Column(_("进度滞后（项）"), lambda r: r.targets.get("behind", 0), INT),
            Column(_("年度评估"), lambda r: r.rating),
        ],
        rows=rows,
    )


def evaluations_sheet(rows, year: int) -> Sheet:
    evaluated = [r for r in rows if r.report is not None and getattr(r.report, "evaluation", None)]
    return Sheet(
        name=_("年度评估"),
        title=_("%(year)s年度目标任务完成情况评估") % {"year": year},
        columns=[
            Column(_("市（区）"), _city),
            Column(_("试点单位"), lambda r: r.pilot.organisation.name),
            Column(_("评估等次"), lambda r: r.report.evaluation.get_rating_display()),
            Column(_("评估意见"), lambda r: r.report.evaluation.opinion, TEXT, width=60),
            Column(_("报送情况"), lambda r: str(r.report_status_label)),
        ],
        rows=evaluated,
    )
