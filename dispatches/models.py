"""Provincial progress dispatches (调度): the province asks the pilots questions and figures by a due
date; each pilot concerned answers once (in the portal or by the Excel template), late answers are
accepted and marked late.

A `Dispatch` is drafted (title, period, due date, selection, questions), opened (the selection is then
resolved into one `DispatchResponse` per pilot: the list is fixed at opening) and closed. Each
`DispatchResponse` holds the pilot's `Answer`s; `DispatchReminder` rows make every reminder unique;
a `Circular` is the 通报 PDF issued on the dispatch.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.formats import parenthesised
from core.transitions import guard, lazy_permission
from core.uploads import new_token


def _perm(name):
    return lazy_permission("dispatches.permissions", name)


class Dispatch(FSMModelMixin, models.Model):
    """调度: one request of the province to a list of pilots."""

    class State(models.TextChoices):
        DRAFTING = "drafting", _("起草中")
        OPEN = "open", _("填报中")
        CLOSED = "closed", _("已结束")

    class Scope(models.TextChoices):
        ALL = "all", _("全部试点单位")
        BATCH = "batch", _("按批次")
        KIND = "kind", _("按类型")
        CITY = "city", _("按市（区）")

    title = models.CharField(_("调度名称"), max_length=128)
    period = models.CharField(_("调度期"), max_length=64, help_text=_("如 2026年第三季度"))
    year = models.PositiveSmallIntegerField(_("所属年度"), help_text=_("与目标路径对照的年度"))
    due_date = models.DateField(_("报送截止日期"))
    instructions = models.TextField(_("填报说明"), blank=True)
    state = FSMField(_("状态"), default=State.DRAFTING, choices=State.choices, protected=True, db_index=True)
    scope = models.CharField(_("调度范围"), max_length=8, choices=Scope.choices, default=Scope.ALL)
    scope_batch = models.ForeignKey(
        "applications.Batch", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("批次")
    )
    scope_kind = models.CharField(_("类型"), max_length=16, blank=True)
    scope_review_unit = models.ForeignKey(
        "organisations.ReviewUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("市（区）"),
    )
    # The criteria as they were applied when the dispatch was opened (labels in Chinese, for the record).
    selection = models.JSONField(_("选择条件"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(_("发起时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("进展调度")
        verbose_name_plural = _("进展调度")
        ordering = ["-due_date", "-pk"]

    def __str__(self) -> str:
        return self.title

    @guard(gettext_lazy("须至少设置一个调度问题。"))
    def has_questions(self) -> bool:
        return self.questions.exists()

    @guard(gettext_lazy("调度范围内没有试点单位。"))
    def has_pilots(self) -> bool:
        from .selection import resolve_pilots

        return resolve_pilots(self).exists()

    @transition(
        state,
        source=State.DRAFTING,
        target=State.OPEN,
        conditions=[has_questions, has_pilots],
        permission=_perm("can_manage_dispatches"),
        custom={"label": gettext_lazy("发起调度")},
    )
    def open(self, *, by=None, reason=""):
        self.opened_at = timezone.now()

    @transition(
        state,
        source=State.OPEN,
        target=State.CLOSED,
        permission=_perm("can_manage_dispatches"),
        custom={
            "label": gettext_lazy("结束调度"),
            "destructive": True,
            "style": "secondary",
            "confirm": _("结束后试点单位不能再填报「%(object)s」。确认结束？"),
        },
    )
    def close(self, *, by=None, reason=""):
        self.closed_at = timezone.now()


class Question(models.Model):
    """A question of a dispatch: free text, or a figure (from the indicator catalogue or free-standing,
    with its unit and plausible range)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("文字")
        FIGURE = "figure", _("数值")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    text = models.CharField(_("问题"), max_length=255)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("目录指标"),
    )
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    min_value = models.DecimalField(_("合理范围下限"), max_digits=18, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("合理范围上限"), max_digits=18, decimal_places=4, null=True, blank=True)
    required = models.BooleanField(_("必填"), default=True)

    class Meta:
        verbose_name = _("调度问题")
        verbose_name_plural = _("调度问题")
        ordering = ["dispatch", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="dispatch_question_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(kind="figure") | Q(indicator__isnull=True),
                name="dispatch_question_indicator_only_for_figures",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def code(self) -> str:
        """The question's key in the Excel template (Q1, Q2, …): stable within the dispatch."""
        return f"Q{self.order}"

    @property
    def is_figure(self) -> bool:
        return self.kind == self.Kind.FIGURE

    @property
    def label(self) -> str:
        return f"{self.text}{parenthesised(self.unit)}"

    @property
    def range_text(self) -> str:
        if self.min_value is None and self.max_value is None:
            return ""
        low = "" if self.min_value is None else _plain(self.min_value)
        high = "" if self.max_value is None else _plain(self.max_value)
        return f"{low}–{high}"


def _plain(value) -> str:
    return format(value.normalize(), "f") if value is not None else ""


class DispatchResponse(FSMModelMixin, models.Model):
    """One pilot's answers to one dispatch (created for each pilot concerned when the dispatch opens)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("待提交")
        SUBMITTED = "submitted", _("已提交")
        REOPENED = "reopened", _("已退回（需修改）")

    class Source(models.TextChoices):
        PORTAL = "portal", _("在线填报")
        EXCEL = "excel", _("Excel模板导入")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.PROTECT, related_name="responses")
    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.PROTECT, related_name="dispatch_responses")
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    # The hidden key of the pilot's Excel template: a template is accepted only for this response.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(_("填报方式"), max_length=8, choices=Source.choices, blank=True)
    saved_at = models.DateTimeField(_("保存时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        verbose_name = _("调度填报")
        verbose_name_plural = _("调度填报")
        ordering = ["dispatch", "pilot__organisation__review_unit__order", "pilot__organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "pilot"], name="one_response_per_dispatch_pilot")
        ]

    def __str__(self) -> str:
        return gettext("%(pilot)s · %(dispatch)s") % {
            "pilot": self.pilot.organisation.name,
            "dispatch": self.dispatch.title,
        }

    @property
    def answered(self) -> bool:
        return self.state == self.State.SUBMITTED

    @property
    def on_time(self) -> bool:
        return self.answered and not self.late

    @guard(gettext_lazy("调度已结束或尚未发起，不能提交。"))
    def dispatch_is_open(self) -> bool:
        return self.dispatch.state == Dispatch.State.OPEN

    @guard(gettext_lazy("尚有必填问题未填写，请补齐后提交。"))
    def is_complete(self) -> bool:
        required = set(self.dispatch.questions.filter(required=True).values_list("pk", flat=True))
        filled = {
            a.question_id
            for a in self.answers.all()
            if a.number_value is not None or (a.text_value or "").strip()
        }
        return required <= filled

    @transition(
        state,
        source=[State.DRAFT, State.REOPENED],
        target=State.SUBMITTED,
        conditions=[dispatch_is_open, is_complete],
        permission=_perm("can_submit_response"),
        custom={"label": gettext_lazy("提交调度填报")},
    )
    def submit(self, *, by=None, reason=""):
        now = timezone.now()
        self.submitted_at = now
        if self.first_submitted_at is None:
            self.first_submitted_at = now
        # Timeliness is judged by the first submission: a re-opened answer corrected later stays on time.
        self.late = timezone.localdate(self.first_submitted_at) > self.dispatch.due_date

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.REOPENED,
        conditions=[dispatch_is_open],
        permission=_perm("can_reopen_response"),
        custom={
            "label": gettext_lazy("退回修改"),
            "reason_required": True,
            "confirm": _("「%(object)s」将退回试点单位修改，须重新提交。确认退回？"),
        },
    )
    def reopen(self, *, by=None, reason=""):
        pass


class Answer(models.Model):
    response = models.ForeignKey(DispatchResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text_value = models.TextField(_("文字答复"), blank=True)
    number_value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("调度答复")
        verbose_name_plural = _("调度答复")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return str(self.value)

    @property
    def value(self):
        return self.number_value if self.question.is_figure else self.text_value


class DispatchReminder(models.Model):
    """A reminder sent to one pilot about one dispatch. The unique constraints make each reminder happen
    once whatever the retries: the automatic ones (before the due date, and the late escalations to the
    city and the province, see dispatches.escalation) once per (dispatch, pilot, kind), the province's 催报
    once per (dispatch, pilot, day)."""

    class Kind(models.TextChoices):
        DAYS_BEFORE_3 = "before_3", _("截止前3天提醒")
        DUE_DAY = "due_day", _("截止当日提醒")
        URGE = "urge", _("催报")
        LATE_CITY = "late_city", _("逾期告知市级主管部门")
        LATE_PROVINCE = "late_province", _("逾期告知省生态环境厅")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="reminders")
    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    day = models.DateField(_("日期"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("调度提醒")
        verbose_name_plural = _("调度提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "pilot", "kind"],
                condition=~Q(kind="urge"),
                name="one_automatic_dispatch_reminder",
            ),
            models.UniqueConstraint(
                fields=["dispatch", "pilot", "day"],
                condition=Q(kind="urge"),
                name="one_dispatch_urge_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.day}"


def _circular_path(instance, filename: str) -> str:
    # Never the uploader's or a guessable name: the file is served only through a checked view.
    return f"dispatches/{instance.dispatch_id}/circular/{new_token()}.pdf"


class Circular(models.Model):
    """通报: the province's circular on a dispatch, listing on-time, late and missing pilots as they were
    when it was issued (frozen in `lists`); its PDF is rendered in a task."""

    dispatch = models.OneToOneField(Dispatch, on_delete=models.PROTECT, related_name="circular")
    document_no = models.CharField(_("文号"), max_length=64, help_text=_("如 陕环办发〔2026〕12号"))
    issuer = models.CharField(_("发文机关"), max_length=64, default="陕西省生态环境厅办公室")
    issued_on = models.DateField(_("成文日期"))
    remarks = models.TextField(_("通报意见"), blank=True)
    lists = models.JSONField(default=dict)
    file = models.FileField(upload_to=_circular_path, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("调度通报")
        verbose_name_plural = _("调度通报")

    def __str__(self) -> str:
        return gettext("关于%(title)s情况的通报") % {"title": self.dispatch.title}
