"""Every write of the dispatches app. Keyword-only, no request; refusals raise DomainError."""

import datetime
import re
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.audit import record
from core.errors import ActionNotPermitted, DomainError
from core.formats import chinese_date
from core.notifications import notify, notify_many
from core.queue import enqueue_on_commit
from core.transitions import perform_transition
from organisations.models import Organisation, Role
from organisations.roles import users_with_role_by
from pilots.recipients import pilot_staff

from . import permissions
from .models import Answer, Circular, Dispatch, DispatchReminder, DispatchResponse, Question
from .selection import resolve_pilots, selection_record
from .validation import AnswerInvalid, clean_answer

UNANSWERED = (DispatchResponse.State.DRAFT, DispatchResponse.State.REOPENED)


class AnswersInvalid(DomainError):
    """Some answers were refused; `errors` maps a question's pk to its message (shown next to it)."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(gettext("部分答复有误，请按提示修改后重新保存。"), code="invalid")
        self.errors = errors


def _require_province(by) -> None:
    if not permissions.can_manage_dispatches(by):
        raise ActionNotPermitted()


# Dispatches -------------------------------------------------------------------------------------
def dispatch_create(
    *,
    by,
    title: str,
    period: str,
    year: int,
    due_date: datetime.date,
    instructions: str = "",
    scope: str = Dispatch.Scope.ALL,
    scope_batch=None,
    scope_kind: str = "",
    scope_review_unit=None,
) -> Dispatch:
    _require_province(by)
    if scope == Dispatch.Scope.BATCH and scope_batch is None:
        raise DomainError(gettext("按批次调度须选择批次。"))
    if scope == Dispatch.Scope.KIND and scope_kind not in (Organisation.Kind.COUNTY, Organisation.Kind.PARK):
        raise DomainError(gettext("按类型调度须选择县（区）或园区。"))
    if scope == Dispatch.Scope.CITY and scope_review_unit is None:
        raise DomainError(gettext("按市（区）调度须选择市（区）。"))
    with transaction.atomic():
        dispatch = Dispatch.objects.create(
            title=title.strip(),
            period=period.strip(),
            year=year,
            due_date=due_date,
            instructions=instructions.strip(),
            scope=scope,
            scope_batch=scope_batch if scope == Dispatch.Scope.BATCH else None,
            scope_kind=scope_kind if scope == Dispatch.Scope.KIND else "",
            scope_review_unit=scope_review_unit if scope == Dispatch.Scope.CITY else None,
            created_by=by,
        )
        record(dispatch, actor=by, action="create", label=gettext_noop("起草调度"), to_state=dispatch.state)
    return dispatch


def default_range(unit: str) -> tuple[Decimal | None, Decimal | None]:
    """The plausible range of a catalogue figure when the province gives none: a percentage lies
    between -100 and 100 (a change may be negative), any other quantity is not negative."""
    if unit.strip() == "%":
        return Decimal(-100), Decimal(100)
    return Decimal(0), None


def question_add(
    *,
    dispatch: Dispatch,
    by,
    kind: str,
    text: str = "",
    indicator=None,
    unit: str = "",
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    required: bool = True,
) -> Question:
    """Add a question to a dispatch in drafting. A figure question on a catalogue indicator takes its
    text and unit from the catalogue and, unless given, a default plausible range (`default_range`)."""
    _require_province(by)
    with transaction.atomic():
        locked = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if locked.state != Dispatch.State.DRAFTING:
            raise DomainError(gettext("调度已发起，问题不能再修改。"))
        if kind == Question.Kind.TEXT:
            indicator, unit, min_value, max_value = None, "", None, None
        elif indicator is not None:
            unit = indicator.unit
            text = text.strip() or indicator.name
            if min_value is None and max_value is None:
                min_value, max_value = default_range(unit)
        if not text.strip():
            raise DomainError(gettext("请填写问题内容。"))
        if min_value is not None and max_value is not None and min_value > max_value:
            raise DomainError(gettext("合理范围下限不能大于上限。"))
        order = (locked.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        question = Question.objects.create(
            dispatch=locked,
            order=order,
            kind=kind,
            text=text.strip(),
            indicator=indicator,
            unit=unit.strip(),
            min_value=min_value,
            max_value=max_value,
            required=required,
        )
        record(
            locked,
            actor=by,
            action="add_question",
            label=gettext_noop("添加调度问题"),
            data={"question": question.pk, "text": question.text},
        )
    return question


def question_remove(*, question: Question, by) -> None:
    _require_province(by)
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().get(pk=question.dispatch_id)
        if dispatch.state != Dispatch.State.DRAFTING:
            raise DomainError(gettext("调度已发起，问题不能再修改。"))
        text = question.text
        question.delete()
        record(
            dispatch,
            actor=by,
            action="remove_question",
            label=gettext_noop("删除调度问题"),
            data={"text": text},
        )


def dispatch_open(*, dispatch: Dispatch, by) -> Dispatch:
    """Open: the selection is resolved into one response per pilot (fixed from now on) and each pilot's
    staff is told."""

    def changes(obj: Dispatch) -> None:
        obj.selection = selection_record(obj)

    with transaction.atomic():
        dispatch = perform_transition(Dispatch, dispatch.pk, "open", by=by, changes=changes)
        pilots = list(resolve_pilots(dispatch).select_related("organisation"))
        DispatchResponse.objects.bulk_create([DispatchResponse(dispatch=dispatch, pilot=p) for p in pilots])
        dispatch.selection = {**dispatch.selection, "pilots": [p.pk for p in pilots]}
        dispatch.save(update_fields=["selection"])
        responses = {r.pilot_id: r.pk for r in dispatch.responses.only("pk", "pilot_id")}
        for pilot in pilots:
            notify(
                pilot_staff(pilot),
                kind="dispatch_opened",
                title=f"省生态环境厅发起调度：{dispatch.title}，请于{chinese_date(dispatch.due_date)}前报送",
                body=f"调度期：{dispatch.period}。可在线填报，或下载Excel模板填写后上传。",
                url=reverse("dispatches:response", args=[responses[pilot.pk]]),
            )
    return dispatch


def dispatch_close(*, dispatch: Dispatch, by) -> Dispatch:
    return perform_transition(Dispatch, dispatch.pk, "close", by=by)


# Answers ----------------------------------------------------------------------------------------
def _locked_response(response: DispatchResponse) -> DispatchResponse:
    return (
        DispatchResponse.objects.select_for_update(of=("self",))
        .select_related("dispatch", "pilot__organisation")
        .get(pk=response.pk)
    )


def response_save(
    *, response: DispatchResponse, by, values: dict, source: str = "portal"
) -> DispatchResponse:
    """Save the answers typed in the portal or read from the template (`values`: question pk -> raw).

    Every value goes through `validation.clean_answer`; if one is refused nothing is saved. Questions
    absent from `values` keep their answer."""
    with transaction.atomic():
        response = _locked_response(response)
        if not permissions.can_edit_response(by, response):
            if response.state == DispatchResponse.State.SUBMITTED:
                raise DomainError(gettext("已提交的填报不能修改；如需修改，请联系省生态环境厅退回。"))
            if response.dispatch.state != Dispatch.State.OPEN:
                raise DomainError(gettext("调度已结束或尚未发起，不能填报。"))
            raise ActionNotPermitted()
        questions = {q.pk: q for q in response.dispatch.questions.all()}
        cleaned, errors = {}, {}
        for pk, raw in values.items():
            question = questions.get(int(pk))
            if question is None:
                continue
            try:
                cleaned[question.pk] = clean_answer(question, raw)
            except AnswerInvalid as error:
                errors[question.pk] = error.message
        if errors:
            raise AnswersInvalid(errors)
        existing = {a.question_id: a for a in response.answers.all()}
        changed = 0
        for pk, (text, number) in cleaned.items():
            answer = existing.get(pk) or Answer(response=response, question_id=pk)
            if answer.pk and (answer.text_value, answer.number_value) == (text, number):
                continue
            answer.text_value, answer.number_value = text, number
            answer.save()
            changed += 1
        response.saved_at = timezone.now()
        # The source says how the answers were last filled: re-saving the same values in the form (as
        # "保存并提交" does after an upload) leaves an Excel answer an Excel answer.
        if changed or not response.source:
            response.source = source
        response.save(update_fields=["saved_at", "source"])
        record(
            response,
            actor=by,
            action="save" if source == "portal" else "import",
            label=gettext_noop("保存调度填报") if source == "portal" else gettext_noop("导入Excel填报模板"),
            data={"answers": len(cleaned), "changed": changed},
        )
    return response


def response_import(*, response: DispatchResponse, by, uploaded) -> DispatchResponse:
    """Read a filled template (dispatches.excel) and save it like the portal form: all or nothing."""
    from .excel import read_template

    values = read_template(response, uploaded)
    try:
        return response_save(response=response, by=by, values=values, source="excel")
    except AnswersInvalid as error:  # read_template validated already; kept as a safety net
        raise DomainError("；".join(error.errors.values())) from error


def response_submit(*, response: DispatchResponse, by) -> DispatchResponse:
    return perform_transition(DispatchResponse, response.pk, "submit", by=by)


def response_reopen(*, response: DispatchResponse, by, reason: str) -> DispatchResponse:
    with transaction.atomic():
        response = perform_transition(DispatchResponse, response.pk, "reopen", by=by, reason=reason)
        notify(
            pilot_staff(response.pilot),
            kind="dispatch_reopened",
            title=f"调度填报已退回修改：{response.dispatch.title}",
            body=f"退回理由：{reason.strip()}。请修改后重新提交。",
            url=reverse("dispatches:response", args=[response.pk]),
        )
    return response


# Reminders --------------------------------------------------------------------------------------
def _reminder_message(dispatch: Dispatch, response: DispatchResponse, kind: str, day: datetime.date) -> dict:
    """The notice of one reminder (core.notifications.notify_many's message), keyed so that it is stored
    once per pilot and stage (per day for 催报)."""
    days = (dispatch.due_date - day).days
    due = chinese_date(dispatch.due_date)
    if kind == DispatchReminder.Kind.URGE:
        title = f"催报：{dispatch.title}（截止{due}），贵单位尚未报送"
        body = "请尽快登录平台填报并提交；逾期报送将在通报中列明。"
    elif days > 0:
        title = f"提醒：{dispatch.title}将于{due}截止报送（还剩{days}天）"
        body = "贵单位尚未提交，请按时填报。"
    else:
        title = f"提醒：{dispatch.title}今日（{due}）截止报送"
        body = "贵单位尚未提交，请于今日完成填报。"
    urge = kind == DispatchReminder.Kind.URGE
    return {
        "kind": "dispatch_urge" if urge else "dispatch_deadline",
        "title": title,
        "body": body,
        "url": reverse("dispatches:response", args=[response.pk]),
        "dedupe_key": f"dispatch-{kind}:{dispatch.pk}:{day if urge else dispatch.due_date}:p{response.pilot_id}",
    }


def remind_many(
    *, dispatch: Dispatch, responses, kind: str, day: datetime.date, by
) -> list[DispatchResponse]:
    """Remind the pilot of each response once per the unique keys of DispatchReminder (per stage; per
    day for 催报) and return the responses reminded now. The rows and their notices are inserted in bulk:
    a fixed number of queries whatever the number of pilots (the reminders sent, the inserts, one
    recipients look-up, the notices).

    Call it inside a transaction holding the dispatch's row lock: every writer of a dispatch's reminders
    takes it, so the reminders read here as sent are all there are and what is inserted is what is sent."""
    urge = kind == DispatchReminder.Kind.URGE
    sent = DispatchReminder.objects.filter(dispatch=dispatch, kind=kind)
    if urge:
        sent = sent.filter(day=day)
    already = set(sent.values_list("pilot_id", flat=True))
    new = [r for r in responses if r.pilot_id not in already]
    if not new:
        return []
    DispatchReminder.objects.bulk_create(
        [
            DispatchReminder(dispatch=dispatch, pilot_id=r.pilot_id, kind=kind, day=day, sent_by=by)
            for r in new
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    staff = users_with_role_by(Role.APPLICANT, organisations={r.pilot.organisation_id for r in new})
    notify_many(
        {**_reminder_message(dispatch, r, kind, day), "recipients": staff.get(r.pilot.organisation_id, [])}
        for r in new
    )
    return new


def dispatch_urge(*, dispatch: Dispatch, by, today: datetime.date | None = None) -> tuple[int, int]:
    """催报: one reminder to each pilot that has not answered, never twice on the same day.
    Returns (sent, already reminded today)."""
    _require_province(by)
    today = today or timezone.localdate()
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if dispatch.state != Dispatch.State.OPEN:
            raise DomainError(gettext("只能对填报中的调度催报。"))
        pending = list(
            dispatch.responses.filter(state__in=UNANSWERED).select_related("pilot__organisation", "dispatch")
        )
        if not pending:
            raise DomainError(gettext("所有试点单位均已报送，无需催报。"))
        sent = remind_many(
            dispatch=dispatch, responses=pending, kind=DispatchReminder.Kind.URGE, day=today, by=by
        )
        record(
            dispatch,
            actor=by,
            action="urge",
            label=gettext_noop("催报"),
            data={"sent": [r.pilot.organisation.name for r in sent], "skipped": len(pending) - len(sent)},
        )
    return len(sent), len(pending) - len(sent)


# Circular (通报) --------------------------------------------------------------------------------
DOCUMENT_NO = re.compile(r"^\S+〔\d{4}〕[1-9]\d*号$")


def circular_lists(dispatch: Dispatch) -> dict:
    """On-time, late and missing pilots, each as {name, city}, in city order."""
    lists = {"on_time": [], "late": [], "missing": []}
    for response in dispatch.responses.select_related("pilot__organisation__review_unit").order_by(
        "pilot__organisation__review_unit__order", "pilot__organisation__name"
    ):
        unit = response.pilot.organisation.review_unit
        row = {"name": response.pilot.organisation.name, "city": unit.name if unit else ""}
        if response.state != DispatchResponse.State.SUBMITTED:
            lists["missing"].append(row)
        elif response.late:
            lists["late"].append(row)
        else:
            lists["on_time"].append(row)
    return lists


def circular_issue(
    *, dispatch: Dispatch, by, document_no: str, issued_on: datetime.date | None = None, remarks: str = ""
) -> Circular:
    _require_province(by)
    document_no = document_no.strip()
    if not DOCUMENT_NO.match(document_no):
        raise DomainError(
            gettext("文号格式应如“陕环办发〔2026〕12号”（六角括号，年份四位，序号不带前导零）。")
        )
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if dispatch.state == Dispatch.State.DRAFTING:
            raise DomainError(gettext("调度尚未发起，不能通报。"))
        if Circular.objects.filter(dispatch=dispatch).exists():
            raise DomainError(gettext("该调度已印发通报。"))
        circular = Circular.objects.create(
            dispatch=dispatch,
            document_no=document_no,
            issued_on=issued_on or timezone.localdate(),
            remarks=remarks.strip(),
            lists=circular_lists(dispatch),
            created_by=by,
        )
        record(
            dispatch,
            actor=by,
            action="issue_circular",
            label=gettext_noop("印发调度通报"),
            data={"document_no": document_no, **{k: len(v) for k, v in circular.lists.items()}},
        )
        from .tasks import render_circular

        enqueue_on_commit(render_circular, circular.pk)
    return circular
