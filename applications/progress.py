"""The progress stepper and the "what to do next, by when" line on an application."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formats import format_date

from .models import Application
from .permissions import can_screen_application, can_submit_application

S = Application.State
STEPS = [
    (gettext_lazy("填写申报书"), {S.DRAFT, S.RETURNED}),
    (gettext_lazy("市级审核"), {S.SUBMITTED, S.NOT_RECOMMENDED, S.WITHDRAWN}),
    (gettext_lazy("市级推荐报送"), {S.RECOMMENDED, S.RETURNED_TO_CITY}),
    (gettext_lazy("省级形式审查"), {S.FORWARDED}),
    (gettext_lazy("专家评审"), {S.IN_EXPERT_REVIEW, S.REVIEWED}),
    (gettext_lazy("联合审定"), {S.SHORTLISTED, S.NOT_SELECTED}),
    (gettext_lazy("公示"), {S.IN_PUBLICITY}),
    (gettext_lazy("确定入选"), {S.SELECTED}),
]


def steps(application: Application) -> list[tuple[str, str]]:
    current = next((i for i, (_label, states) in enumerate(STEPS) if application.state in states), 0)
    return [
        (label, "current" if i == current else ("done" if i < current else "todo"))
        for i, (label, _states) in enumerate(STEPS)
    ]


def next_step(application: Application, user) -> str:
    batch = application.batch
    if application.state in (S.DRAFT, S.RETURNED) and can_submit_application(user, application):
        bureau = application.organisation.review_unit.bureau_name
        if batch.application_deadline:
            return _("补齐各部分内容并提交至%(bureau)s，截止%(deadline)s。") % {
                "bureau": bureau,
                "deadline": format_date(batch.application_deadline),
            }
        return _("补齐各部分内容并提交至%(bureau)s。") % {"bureau": bureau}
    if application.state == S.SUBMITTED and can_screen_application(user, application):
        return _("审核申报材料：退回修改、不予推荐，或填写推荐意见和排序后推荐。")
    if application.state in (S.RECOMMENDED, S.RETURNED_TO_CITY) and can_screen_application(user, application):
        if batch.forwarding_deadline:
            return _(
                "在“本市申报书审核与报送”页确定排序，连同报送函报送省生态环境厅（截止%(deadline)s）。"
            ) % {"deadline": format_date(batch.forwarding_deadline)}
        return _("在“本市申报书审核与报送”页确定排序，连同报送函报送省生态环境厅。")
    if application.state == S.SUBMITTED:
        return _("等待%(bureau)s审核；审核前可撤回。") % {
            "bureau": application.organisation.review_unit.bureau_name
        }
    return ""
