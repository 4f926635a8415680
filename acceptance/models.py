"""The acceptance request (验收申请, issue 10): the pilot's self-evaluation against the acceptance system of its
kind (附件3 county / 附件4 park), filed with the city bureau, which forwards it to the province or returns it.

One request per attempt: a pilot whose acceptance failed requests again (a new attempt) within its
construction period. The lines hold each indicator's actual and target (pulled from the latest annual report
and the filed plan's ledger; typed in only where no figure exists), the evidence, and, from submission on,
the self-score and calculation computed by indicators.scoring."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import lazy_permission


def _perm(name):
    return lazy_permission("acceptance.permissions", name)


class AcceptanceRequest(FSMModelMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("编制中")
        SUBMITTED = "submitted", _("已报市级生态环境局")
        FORWARDED = "forwarded", _("已报省生态环境厅")
        RETURNED = "returned", _("已退回（需修改）")

    EDITABLE_STATES = (State.DRAFT, State.RETURNED)
    SUBMITTED_STATES = (State.SUBMITTED, State.FORWARDED)

    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.PROTECT, related_name="acceptance_requests")
    attempt = models.PositiveSmallIntegerField(_("申请次数"), default=1)
    system = models.ForeignKey(
        "indicators.AcceptanceSystem",
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("验收评价指标体系"),
    )
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    report_year = models.PositiveSmallIntegerField(_("实际值所依据的年度报告"), null=True, blank=True)
    ledger_version = models.PositiveIntegerField(_("目标台账版本"), null=True, blank=True)
    summary = models.TextField(_("自评价概述"), blank=True)
    verifier = models.CharField(_("第三方核查机构"), max_length=128, blank=True)
    # The pilot's declaration on the vetoes (一票否决项): the codes it declares raised; `veto_declared` says
    # it has declared at all (required before submission).
    vetoes_raised = models.JSONField(_("申报触发的否决项"), default=list, blank=True)
    veto_declared = models.BooleanField(_("已作否决项声明"), default=False)
    # Stored at submission (what the city, the province and the experts read).
    total = models.DecimalField(_("自评总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("自评等级"), max_length=16, blank=True)
    calculation = models.TextField(_("总分计算"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("验收申请")
        verbose_name_plural = _("验收申请")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "attempt"], name="one_acceptance_request_per_attempt")
        ]

    def __str__(self) -> str:
        return gettext("%(name)s验收申请（第%(n)s次）") % {
            "name": self.pilot.organisation.name,
            "n": self.attempt,
        }

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @transition(
        state,
        source=[State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        permission=_perm("can_submit_request"),
        custom={"label": gettext_lazy("提交验收申请")},
    )
    def submit(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.FORWARDED,
        permission=_perm("can_decide_request"),
        custom={"label": gettext_lazy("审核通过并报省")},
    )
    def forward(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=_perm("can_decide_request"),
        custom={
            "label": gettext_lazy("退回验收申请"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("验收申请将退回%(object)s修改，须重新提交。确认退回？"),
        },
    )
    def return_request(self, *, by=None, reason=""):
        pass


class Decision(models.Model):
    """The city bureau's decision on a submitted request: forwarded to the province or returned (a reason)."""

    class Kind(models.TextChoices):
        FORWARDED = "forwarded", _("审核通过并报省")
        RETURNED = "returned", _("退回修改")

    request = models.ForeignKey(AcceptanceRequest, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("决定"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("验收申请审核意见")
        verbose_name_plural = _("验收申请审核意见")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Line(models.Model):
    """One acceptance item of the self-evaluation (自评价表的一行)."""

    class Source(models.TextChoices):
        REPORT = "report", _("年度自评报告")
        LEDGER = "ledger", _("目标台账")
        DEFAULT = "default", _("指标体系参考值")
        ENTERED = "entered", _("试点单位填报")
        NONE = "", _("无")

    request = models.ForeignKey(AcceptanceRequest, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("indicators.AcceptanceItem", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    actual = models.DecimalField(_("实际值"), max_digits=14, decimal_places=4, null=True, blank=True)
    actual_source = models.CharField(_("实际值来源"), max_length=16, choices=Source.choices, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4, null=True, blank=True)
    target_source = models.CharField(_("目标值来源"), max_length=16, choices=Source.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    # Stored at submission.
    self_score = models.DecimalField(_("自评得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    met = models.BooleanField(_("达到满分"), null=True, blank=True)
    calculation = models.TextField(_("计算过程"), blank=True)

    class Meta:
        verbose_name = _("自评价指标")
        verbose_name_plural = _("自评价指标")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["request", "item"], name="one_line_per_item")]

    def __str__(self) -> str:
        return str(self.item_id)

    @property
    def actual_editable(self) -> bool:
        return self.actual_source != self.Source.REPORT

    @property
    def target_editable(self) -> bool:
        return self.target_source != self.Source.LEDGER


class Claim(models.Model):
    """A bonus (加分) or penalty (减分) item the pilot claims, with its explanation and evidence."""

    request = models.ForeignKey(AcceptanceRequest, on_delete=models.CASCADE, related_name="claims")
    adjustment = models.ForeignKey(
        "indicators.AcceptanceAdjustment", on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("申报分值"), max_digits=5, decimal_places=2)
    explanation = models.TextField(_("依据说明"), blank=True)

    class Meta:
        verbose_name = _("加减分申报")
        verbose_name_plural = _("加减分申报")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "adjustment"], name="one_claim_per_adjustment")
        ]

    def __str__(self) -> str:
        return str(self.adjustment_id)


class ProjectCompletion(models.Model):
    """A key project of the filed plan: its completion and actual investment against the plan."""

    class Status(models.TextChoices):
        COMPLETED = "completed", _("已建成")
        IN_PROGRESS = "in_progress", _("在建")
        DELAYED = "delayed", _("滞后")
        NOT_STARTED = "not_started", _("未开工")

    request = models.ForeignKey(AcceptanceRequest, on_delete=models.CASCADE, related_name="projects")
    project_ref = models.PositiveIntegerField(_("重点项目"))
    name = models.CharField(_("项目名称"), max_length=128)
    planned_investment = models.DecimalField(
        _("计划投资（万元）"), max_digits=14, decimal_places=2, default=0
    )
    actual_investment = models.DecimalField(
        _("实际完成投资（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("完成情况"), max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("重点项目完成情况")
        verbose_name_plural = _("重点项目完成情况")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def investment_rate(self):
        if self.actual_investment is None or not self.planned_investment:
            return None
        return self.actual_investment / self.planned_investment * 100


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"acceptance/{instance.request_id}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    """A file of the request: an indicator's evidence, a claim's evidence or the third-party carbon
    verification report (第三方碳核查报告)."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("指标佐证材料")
        CLAIM = "claim", _("加减分佐证材料")
        VERIFICATION = "verification", _("第三方碳核查报告")

    request = models.ForeignKey(AcceptanceRequest, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    line = models.ForeignKey(
        Line, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=128)
    size = models.PositiveIntegerField(_("大小（字节）"))
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("验收申请附件")
        verbose_name_plural = _("验收申请附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


def dossier_path(instance: "Recommendation", filename: str) -> str:
    return f"acceptance/recommendations/{instance.pilot_id}/{instance.token}.pdf"


class Recommendation(models.Model):
    """The province recommends an accepted pilot to the national programme (推荐申报国家级试点): who, when, why,
    and the pilot's dossier PDF (rendered in a Celery task: application summary, filed plan, annual reports'
    key figures, the self-evaluation with its calculations, the acceptance result)."""

    pilot = models.OneToOneField("pilots.Pilot", on_delete=models.PROTECT, related_name="recommendation")
    reason = models.TextField(_("推荐理由"))
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommended_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)
    token = models.CharField(max_length=32, editable=False)
    dossier = models.FileField(_("推荐材料"), upload_to=dossier_path, max_length=255, blank=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("国家级试点推荐")
        verbose_name_plural = _("国家级试点推荐")
        ordering = ["-recommended_at", "-pk"]

    def __str__(self) -> str:
        return gettext("%(name)s推荐材料") % {"name": self.pilot.organisation.name}
