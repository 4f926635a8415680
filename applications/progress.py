"""The progress stepper and the "what to do next, by when" line on an application."""

from .models import Application
from .permissions import can_screen_application, can_submit_application

S = Application.State
STEPS = [
    ("填写申报书", {S.DRAFT, S.RETURNED}),
    ("市级审核", {S.SUBMITTED, S.NOT_RECOMMENDED, S.WITHDRAWN}),
    ("市级推荐报送", {S.RECOMMENDED, S.RETURNED_TO_CITY}),
    ("省级形式审查", {S.FORWARDED}),
    ("专家评审", {S.IN_EXPERT_REVIEW, S.REVIEWED}),
    ("联合审定", {S.SHORTLISTED, S.NOT_SELECTED}),
    ("公示", {S.IN_PUBLICITY}),
    ("确定入选", {S.SELECTED}),
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
        deadline = f"，截止{batch.application_deadline:%Y年%-m月%-d日}" if batch.application_deadline else ""
        return f"补齐各部分内容并提交至{application.organisation.review_unit.bureau_name}{deadline}。"
    if application.state == S.SUBMITTED and can_screen_application(user, application):
        return "审核申报材料：退回修改、不予推荐，或填写推荐意见和排序后推荐。"
    if application.state in (S.RECOMMENDED, S.RETURNED_TO_CITY) and can_screen_application(user, application):
        deadline = f"（截止{batch.forwarding_deadline:%Y年%-m月%-d日}）" if batch.forwarding_deadline else ""
        return f"在“本市申报书审核与报送”页确定排序，连同报送函报送省生态环境厅{deadline}。"
    if application.state == S.SUBMITTED:
        return f"等待{application.organisation.review_unit.bureau_name}审核；审核前可撤回。"
    return ""
