"""Demo dispatches (调度), through the services: one in drafting, one open with answers missing from two
cities (some answered on time, one late, one by Excel upload, one draft saved; the missing ones escalated
to their city bureau three days after the due date), one closed with a 通报 issued. Called by seed_demo after the pilots exist; deterministic (fixed dates, fixed figures).

Submissions happen now; the on-time ones are then dated back to before the due date (the only field
written directly: the services stamp the submission with the present moment).
"""

import datetime
import io
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import Batch
from dispatches import services
from dispatches.escalation import dispatch_late_escalations
from dispatches.excel import template_bytes
from dispatches.models import Dispatch, DispatchResponse, Question
from indicators.models import Indicator
from organisations.models import Role
from organisations.roles import users_with_role
from pilots.models import Pilot

OPEN_DUE = datetime.date(2026, 11, 28)
CLOSED_DUE = datetime.date(2026, 10, 10)

PROBLEMS = [
    "光伏项目并网接入审批周期较长，部分屋顶资源协调难度大。",
    "重点企业能源计量器具配备不全，分项用能数据采集滞后。",
    "清洁取暖改造资金缺口较大，需争取省级专项资金支持。",
    "园区集中供热管网建设受征地影响，进度滞后约一个月。",
    "碳排放统计核算人员不足，需加强业务培训。",
]
NEXT_STEPS = [
    "加快分布式光伏项目备案并网，年底前完成二期建设。",
    "推进重点用能单位能耗在线监测系统建设。",
    "组织开展低碳社区、低碳园区创建评估。",
]


def _staff(pilot: Pilot):
    return users_with_role(Role.APPLICANT, organisation=pilot.organisation_id)[0]


def _response(dispatch: Dispatch, name_part: str) -> DispatchResponse:
    response = (
        dispatch.responses.select_related("dispatch", "pilot__organisation")
        .filter(pilot__organisation__name__contains=name_part)
        .order_by("pk")
        .first()
    )
    assert response is not None, name_part
    return response


def _questions(dispatch: Dispatch, province) -> None:
    services.question_add(
        dispatch=dispatch,
        by=province,
        kind=Question.Kind.FIGURE,
        indicator=Indicator.objects.get(code="non_fossil_share"),
    )
    services.question_add(
        dispatch=dispatch,
        by=province,
        kind=Question.Kind.FIGURE,
        text="本季度重点项目完成投资",
        unit="万元",
        min_value=Decimal(0),
        max_value=Decimal(200000),
    )
    services.question_add(
        dispatch=dispatch,
        by=province,
        kind=Question.Kind.FIGURE,
        text="本季度新增可再生能源装机",
        unit="兆瓦",
        min_value=Decimal(0),
        max_value=Decimal(2000),
        required=False,
    )
    services.question_add(dispatch=dispatch, by=province, kind=Question.Kind.TEXT, text="存在的主要问题")
    services.question_add(
        dispatch=dispatch, by=province, kind=Question.Kind.TEXT, text="下一步工作安排", required=False
    )


def _values(dispatch: Dispatch, n: int) -> dict[int, object]:
    q = list(dispatch.questions.order_by("order"))
    return {
        q[0].pk: Decimal("18.5") + Decimal(n % 7) * Decimal("2.35"),
        q[1].pk: Decimal(850 + 415 * (n % 9)),
        q[2].pk: Decimal("4.2") * (n % 4 + 1),
        q[3].pk: PROBLEMS[n % len(PROBLEMS)],
        q[4].pk: NEXT_STEPS[n % len(NEXT_STEPS)],
    }


def _submit(response: DispatchResponse, n: int, *, on: datetime.date | None) -> None:
    staff = _staff(response.pilot)
    services.response_save(response=response, by=staff, values=_values(response.dispatch, n))
    services.response_submit(response=response, by=staff)
    if on is not None:
        _date_back(response, on)


def _date_back(response: DispatchResponse, on: datetime.date) -> None:
    when = timezone.make_aware(datetime.datetime.combine(on, datetime.time(16, 30)))
    DispatchResponse.objects.filter(pk=response.pk).update(
        submitted_at=when, first_submitted_at=when, late=on > response.dispatch.due_date
    )


def _by_excel(response: DispatchResponse, n: int, *, on: datetime.date) -> None:
    """Fill the downloaded template as a pilot would in Excel, and upload it."""
    book = openpyxl.load_workbook(io.BytesIO(template_bytes(response)))
    ws = book.worksheets[0]
    values = list(_values(response.dispatch, n).values())
    for row, value in enumerate(values, start=4):
        ws.cell(row, 8, float(value) if isinstance(value, Decimal) else value)
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("调度填报.xlsx", buffer.getvalue())
    staff = _staff(response.pilot)
    services.response_import(response=response, by=staff, uploaded=upload)
    services.response_submit(response=response, by=staff)
    _date_back(response, on)


def _open_dispatch(province, title: str, period: str, due: datetime.date, **scope) -> Dispatch:
    dispatch = services.dispatch_create(
        by=province,
        title=title,
        period=period,
        year=2026,
        due_date=due,
        instructions="请如实填报本季度建设进展；数值按统计口径填写，无数据的非必填项可留空。",
        **scope,
    )
    _questions(dispatch, province)
    return services.dispatch_open(dispatch=dispatch, by=province)


def seed(stdout) -> None:
    from django.contrib.auth import get_user_model

    province = get_user_model().objects.get(username="province")

    # Closed, with a circular: the third quarter, first batch.
    first_batch = Batch.objects.get(name__startswith="2023年第一批")
    closed = _open_dispatch(
        province,
        "2026年第三季度试点建设进展调度",
        "2026年第三季度",
        CLOSED_DUE,
        scope=Dispatch.Scope.BATCH,
        scope_batch=first_batch,
    )
    responses = list(closed.responses.select_related("pilot__organisation").order_by("pk"))
    for n, response in enumerate(responses):
        if n in (2, 7):
            continue  # missing
        late = n in (4, 9)
        _submit(response, n, on=datetime.date(2026, 10, 14) if late else datetime.date(2026, 10, 8))
    services.dispatch_urge(dispatch=closed, by=province)
    services.dispatch_close(dispatch=closed, by=province)
    services.circular_issue(
        dispatch=closed,
        by=province,
        document_no="陕环办发〔2026〕86号",
        issued_on=datetime.date(2026, 10, 20),
        remarks="请逾期报送和未报送的试点单位于10月31日前补报，并说明原因；"
        "相关市生态环境局加强督促指导。\n下一季度调度将于12月上旬开展，请提前做好数据准备。",
    )

    # Open, past its due date, answers missing from 西安 and 安康 (and others).
    current = _open_dispatch(
        province, "2026年第四季度试点建设进展调度", "2026年第四季度（截至11月底）", OPEN_DUE
    )
    on_time = datetime.date(2026, 11, 26)
    _submit(_response(current, "石泉县"), 1, on=on_time)
    _submit(_response(current, "宝鸡高新"), 2, on=on_time)
    _submit(_response(current, "留坝县"), 3, on=on_time)
    _by_excel(
        _response(current, "汉中经济"),
        4,
        on=datetime.date(2026, 11, 27),
    )
    _submit(
        _response(current, "西安高新"),
        5,
        on=datetime.date(2026, 11, 30),
    )
    draft = _response(current, "安康高新")
    services.response_save(
        response=draft, by=_staff(draft.pilot), values=dict(list(_values(current, 6).items())[:2])
    )

    # Three days past the due date: the pilots still not answered are escalated to their city bureau
    # (the daily beat's rule, run here for that day: the answer page of each shows the escalation).
    escalated = dispatch_late_escalations(today=OPEN_DUE + datetime.timedelta(days=3))

    # Drafting: the next quarter's dispatch, not yet opened.
    nxt = services.dispatch_create(
        by=province,
        title="2027年第一季度试点建设进展调度",
        period="2027年第一季度",
        year=2027,
        due_date=datetime.date(2027, 4, 10),
        scope=Dispatch.Scope.ALL,
    )
    _questions(nxt, province)
    stdout.write(
        f"Dispatches: {closed.title} (closed, circular), {current.title} "
        f"({current.responses.filter(state=DispatchResponse.State.SUBMITTED).count()}/"
        f"{current.responses.count()} answered, {escalated} late escalated to their city), {nxt.title} (drafting)"
    )
