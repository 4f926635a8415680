"""Follow-up of the pilots during construction (issue 12): yearly work plans (年度工作方案) filed with the
city bureau, the city's follow-up visits (督导) and the province's expert guidance groups (帮扶指导)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import guard, lazy_permission


def _perm(name):
    return lazy_permission("followup.permissions", name)


# Yearly work plans ---------------------------------------------------------------------------------
class WorkPlan(FSMModelMixin, models.Model):
    """A pilot's work plan for one year (年度工作方案): the year's tasks, its targets from the ledger and its
    key projects' milestones, filed with the city bureau of its review unit, which acknowledges it or returns
    it. One per pilot and year."""

    class State(models.TextChoices):
        DRAFT = "draft", _("编制中")
        FILED = "filed", _("已报市级生态环境局")
        RETURNED = "returned", _("已退回（需修改）")
        ACKNOWLEDGED = "acknowledged", _("市级已确认")

    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.PROTECT, related_name="work_plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    summary = models.TextField(_("年度工作思路"), blank=True)
    # The targets and milestones as they were when the plan was last filed (the ledger may change later).
    targets = models.JSONField(_("年度目标"), default=list, blank=True)
    milestones = models.JSONField(_("重点项目年度节点"), default=list, blank=True)
    ledger_version = models.PositiveIntegerField(_("目标台账版本"), null=True, blank=True)
    filed_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度工作方案")
        verbose_name_plural = _("年度工作方案")
        ordering = ["-year", "pilot__organisation__review_unit__order", "pilot__organisation__name"]
        constraints = [models.UniqueConstraint(fields=["pilot", "year"], name="one_work_plan_per_pilot_year")]

    def __str__(self) -> str:
        return gettext("%(name)s %(year)s年度工作方案") % {
            "name": self.pilot.organisation.name,
            "year": self.year,
        }

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @guard(gettext_lazy("须至少填写一项年度任务（任务、责任单位、完成时限）。"))
    def has_tasks(self) -> bool:
        return self.tasks.exists()

    @transition(
        state,
        source=[State.DRAFT, State.RETURNED],
        target=State.FILED,
        conditions=[has_tasks],
        permission=_perm("can_file_work_plan"),
        custom={"label": gettext_lazy("报送市级生态环境局")},
    )
    def file(self, *, by=None, reason=""):
        self.filed_at = timezone.now()

    @transition(
        state,
        source=State.FILED,
        target=State.ACKNOWLEDGED,
        permission=_perm("can_decide_work_plan"),
        custom={"label": gettext_lazy("确认年度工作方案")},
    )
    def acknowledge(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.FILED,
        target=State.RETURNED,
        permission=_perm("can_decide_work_plan"),
        custom={
            "label": gettext_lazy("退回年度工作方案"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("年度工作方案将退回%(object)s修改，须重新报送。确认退回？"),
        },
    )
    def return_plan(self, *, by=None, reason=""):
        pass


class WorkPlanTask(models.Model):
    """One task of the year: what, which unit is responsible, by when."""

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(default=0)
    task = models.CharField(_("任务"), max_length=500)
    responsible_unit = models.CharField(_("责任单位"), max_length=128)
    deadline = models.DateField(_("完成时限"))

    class Meta:
        verbose_name = _("年度任务")
        verbose_name_plural = _("年度任务")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.task


class WorkPlanDecision(models.Model):
    """The city bureau's decision on a filed work plan: a row of its own, kept whatever happens next."""

    class Kind(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("确认")
        RETURNED = "returned", _("退回")

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("决定"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("理由/意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度工作方案审核意见")
        verbose_name_plural = _("年度工作方案审核意见")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.work_plan} · {self.get_kind_display()}"


# City follow-up visits (督导) ------------------------------------------------------------------------
class Visit(FSMModelMixin, models.Model):
    """A city bureau's follow-up visit (督导) to a pilot of its unit: findings, problems, a rectification
    deadline; closed by the city once rectified."""

    class State(models.TextChoices):
        OPEN = "open", _("整改中")
        CLOSED = "closed", _("已整改销号")

    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.PROTECT, related_name="followup_visits")
    visit_date = models.DateField(_("督导日期"))
    people = models.CharField(_("督导人员"), max_length=255)
    findings = models.TextField(_("督导发现"))
    problems = models.TextField(_("存在问题"), blank=True)
    rectification_deadline = models.DateField(_("整改时限"), null=True, blank=True)
    state = FSMField(_("状态"), default=State.OPEN, choices=State.choices, protected=True, db_index=True)
    response = models.TextField(_("整改情况"), blank=True)
    responded_at = models.DateTimeField(_("整改情况报送时间"), null=True, blank=True)
    closing_note = models.TextField(_("销号说明"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督导记录")
        verbose_name_plural = _("督导记录")
        ordering = ["-visit_date", "-pk"]

    def __str__(self) -> str:
        return gettext("%(name)s %(date)s督导") % {
            "name": self.pilot.organisation.name,
            "date": self.visit_date.isoformat(),
        }

    def is_overdue(self, today=None) -> bool:
        """Open after its rectification deadline (the deadline day itself is still in time)."""
        today = today or timezone.localdate()
        return (
            self.state == self.State.OPEN
            and self.rectification_deadline is not None
            and self.rectification_deadline < today
        )

    @transition(
        state,
        source=State.OPEN,
        target=State.CLOSED,
        permission=_perm("can_close_visit"),
        custom={"label": gettext_lazy("整改完成，销号"), "reason_required": True, "destructive": False},
    )
    def close(self, *, by=None, reason=""):
        self.closing_note = reason
        self.closed_at = timezone.now()


class VisitReminder(models.Model):
    """A rectification-deadline reminder about one open visit (followup.reminders): 7 and 1 days before
    the deadline to the pilot, and after it an escalation to the city bureau. Unique per (visit, kind), so
    each is sent once whatever the retries."""

    class Kind(models.TextChoices):
        BEFORE_7 = "before_7", _("整改时限前7天提醒")
        BEFORE_1 = "before_1", _("整改时限前1天提醒")
        OVERDUE = "overdue", _("逾期未整改，告知市级主管部门")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    day = models.DateField(_("日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("整改提醒")
        verbose_name_plural = _("整改提醒")
        ordering = ["day", "pk"]
        constraints = [models.UniqueConstraint(fields=["visit", "kind"], name="one_visit_reminder_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.day}"


def visit_attachment_path(instance: "VisitAttachment", filename: str) -> str:
    # The stored name never uses the uploader's file name: it is only kept as metadata.
    return f"followup/visits/{instance.visit_id}/{instance.token}{instance.extension}"


class VisitAttachment(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("说明"), max_length=128, blank=True)
    file = models.FileField(_("文件"), upload_to=visit_attachment_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=128)
    size = models.PositiveIntegerField(_("大小（字节）"))
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督导附件")
        verbose_name_plural = _("督导附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


# Expert guidance (帮扶指导) --------------------------------------------------------------------------
class GuidanceGroup(models.Model):
    """An expert guidance group (专家帮扶指导组) formed by the province from the expert pool and assigned to
    pilots. No expert of the group may have a conflict of interest with a pilot it is assigned to."""

    name = models.CharField(_("名称"), max_length=128, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    experts = models.ManyToManyField("reviews.Expert", related_name="guidance_groups", verbose_name=_("专家"))
    pilots = models.ManyToManyField(
        "pilots.Pilot", related_name="guidance_groups", verbose_name=_("帮扶试点")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("专家帮扶指导组")
        verbose_name_plural = _("专家帮扶指导组")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name


class GuidanceVisit(models.Model):
    """One visit or consultation of a guidance group with a pilot: the experts present, their advice and
    the pilot's response."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("现场指导")
        CONSULTATION = "consultation", _("线上/会议咨询")

    group = models.ForeignKey(GuidanceGroup, on_delete=models.PROTECT, related_name="visits")
    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.PROTECT, related_name="guidance_visits")
    kind = models.CharField(_("形式"), max_length=16, choices=Kind.choices, default=Kind.VISIT)
    visit_date = models.DateField(_("日期"))
    experts = models.ManyToManyField("reviews.Expert", related_name="+", verbose_name=_("参加专家"))
    advice = models.TextField(_("指导意见"))
    response = models.TextField(_("试点单位落实情况"), blank=True)
    responded_at = models.DateTimeField(_("落实情况报送时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("帮扶指导记录")
        verbose_name_plural = _("帮扶指导记录")
        ordering = ["-visit_date", "-pk"]

    def __str__(self) -> str:
        return gettext("%(name)s %(date)s帮扶指导") % {
            "name": self.pilot.organisation.name,
            "date": self.visit_date.isoformat(),
        }
