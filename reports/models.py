"""年度自评报告 (annual self-assessment): one per pilot and year, due by plans.selectors.due_date.

The report carries the year's indicator actuals, the activity data for the carbon module, the progress of
the key projects, the four tasks and the text sections. Decisions are rows of their own (the city's
opinions, the province's evaluation); reminders sent are rows too (one per pilot, year and kind).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.transitions import guard, lazy_permission


def _perm(name):
    return lazy_permission("reports.permissions", name)


def _amount(label, **kwargs):
    return models.DecimalField(label, max_digits=14, decimal_places=2, null=True, blank=True, **kwargs)


class AnnualReport(FSMModelMixin, models.Model):
    """年度自评报告: each December, to the province and the finance department."""

    class State(models.TextChoices):
        DRAFT = "draft", _("待提交")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回（需修改）")
        RECEIVED = "received", _("已接收")

    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    state = FSMField(_("状态"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    summary = models.TextField(_("总体进展概述"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Lateness: the due date in force at the (last) submission, and whether it was passed.
    due_on = models.DateField(_("报送截止日期"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)
    # The targets' statuses against the ledger, computed by reports.target_summary (plans.status's rule)
    # when the report is submitted, and again whenever the pilot's current ledger version is no longer
    # `targets_version` (the LedgerVersion pk they were computed on; 0: no ledger; null: not computed).
    # A stored result of the rule, never typed: the overview reads it instead of recomputing per request.
    targets_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    target_counts = models.JSONField(default=dict, blank=True, editable=False)  # status code -> targets
    target_status = models.CharField(max_length=16, blank=True, editable=False)  # the worst of them

    # Socio-economic data of the year (GDP for intensity, population for per-capita figures).
    gdp_100m = _amount(_("地区生产总值（亿元，当年价）"))
    gdp_constant_100m = _amount(_("地区生产总值（亿元，基准年可比价）"))
    population_10k = _amount(_("常住人口（万人）"))
    total_energy_tce = _amount(_("能源消费总量（吨标准煤）"))
    # Electricity (万千瓦时) and heat (吉焦).
    grid_purchase_10k_kwh = _amount(_("电网购入电量（万千瓦时）"))
    green_power_10k_kwh = _amount(_("其中：绿电交易/绿证电量（万千瓦时）"))
    local_generation_10k_kwh = _amount(_("本地发电量（万千瓦时）"))
    exported_10k_kwh = _amount(_("上网外送电量（万千瓦时）"))
    electricity_consumed_10k_kwh = _amount(_("全社会用电量（万千瓦时）"))
    heat_gj = _amount(_("外购热力（吉焦）"))
    activity_explanation = models.TextField(_("活动数据变化说明"), blank=True)

    # The work plan's four tasks, funds and the text sections.
    task_mechanism = models.TextField(_("健全降碳管理机制"), blank=True)
    task_energy = models.TextField(_("促进能源低碳转型"), blank=True)
    task_saving = models.TextField(_("推动节能低碳发展"), blank=True)
    task_synergy = models.TextField(_("增强降碳减污协同"), blank=True)
    funds_used_10k_yuan = _amount(_("本年度资金使用（万元）"))
    funds_note = models.TextField(_("资金使用情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步工作"), blank=True)

    class Meta:
        verbose_name = _("年度自评报告")
        verbose_name_plural = _("年度自评报告")
        ordering = ["-year", "pilot__organisation__name"]
        constraints = [models.UniqueConstraint(fields=["pilot", "year"], name="one_report_per_pilot_year")]

    def __str__(self) -> str:
        return gettext("%(name)s %(year)s年度自评报告") % {
            "name": self.pilot.organisation.name,
            "year": self.year,
        }

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @guard(gettext_lazy("须填写总体进展概述后方可提交。"))
    def has_summary(self) -> bool:
        return bool(self.summary.strip())

    @guard(gettext_lazy("有同比变化超过阈值的数据尚未说明原因，请在报告中补充说明后再提交。"))
    def changes_explained(self) -> bool:
        from .checks import unexplained_changes

        return not unexplained_changes(self)

    @guard(gettext_lazy("已作出年度评估的报告不能撤回接收。"))
    def not_evaluated(self) -> bool:
        return not ReportEvaluation.objects.filter(report=self).exists()

    @transition(
        state,
        source=[State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        conditions=[has_summary, changes_explained],
        permission=_perm("can_submit_report"),
        custom={"label": gettext_lazy("提交年度自评报告")},
    )
    def submit(self, *, by=None, reason=""):
        self.submitted_at = timezone.now()
        # due_on is set by the service (plans.selectors.due_date) before the transition runs.
        self.is_late = bool(self.due_on and timezone.localdate() > self.due_on)

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=_perm("can_receive_report"),
        custom={"label": gettext_lazy("退回修改"), "reason_required": True},
    )
    def return_for_revision(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.RECEIVED,
        permission=_perm("can_receive_report"),
        custom={"label": gettext_lazy("接收")},
    )
    def receive(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.RECEIVED,
        target=State.SUBMITTED,
        conditions=[not_evaluated],
        permission=_perm("can_receive_report"),
        custom={"label": gettext_lazy("撤回接收"), "reason_required": True},
    )
    def withdraw_receipt(self, *, by=None, reason=""):
        pass


class Quality(models.TextChoices):
    YEARBOOK = "yearbook", _("统计年鉴")
    GRID = "grid", _("电网企业数据")
    ENTERPRISE = "enterprise", _("企业台账")
    ESTIMATE = "estimate", _("估算")


def _evidence_path(instance, filename):
    return f"reports/{instance.report_id}/evidence/{instance.token}{instance.extension}"


def _photo_path(instance, filename):
    return f"reports/{instance.report_id}/cases/{instance.token}{instance.extension}"


class IndicatorActual(models.Model):
    """The year's actual value of one target of the pilot's ledger."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="actuals")
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("实际值"), max_digits=14, decimal_places=4)
    data_source = models.CharField(_("数据来源"), max_length=128, blank=True)
    quality = models.CharField(_("数据质量"), max_length=16, choices=Quality.choices)
    explanation = models.TextField(_("变化说明"), blank=True)
    token = models.CharField(max_length=32, blank=True)
    extension = models.CharField(max_length=8, blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to=_evidence_path, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_type = models.CharField(max_length=128, blank=True)

    class Meta:
        verbose_name = _("指标实际值")
        verbose_name_plural = _("指标实际值")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_actual_per_indicator")
        ]
        ordering = ["report", "indicator__code"]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.value}"


class FuelUse(models.Model):
    """Energy consumed in the report's year by fuel, in the fuel's physical unit (carbon.models.Fuel)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="fuel_uses")
    fuel = models.CharField(_("能源品种"), max_length=32)
    quantity = models.DecimalField(_("消费量（实物量）"), max_digits=14, decimal_places=3)

    class Meta:
        verbose_name = _("分品种能源消费")
        verbose_name_plural = _("分品种能源消费")
        constraints = [models.UniqueConstraint(fields=["report", "fuel"], name="one_report_row_per_fuel")]

    def __str__(self) -> str:
        return f"{self.fuel} {self.quantity}"


class ProjectProgress(models.Model):
    """Progress of one key project of the filed plan (plans.models.KeyProject) in the report's year."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="project_progress")
    project_id_ref = models.PositiveIntegerField(_("重点项目"))
    project_name = models.CharField(_("项目名称"), max_length=255)
    milestone_met = models.BooleanField(_("年度节点已完成"), default=False)
    note = models.TextField(_("进展说明"), blank=True)
    investment_10k_yuan = models.DecimalField(
        _("本年度完成投资（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("重点项目进展")
        verbose_name_plural = _("重点项目进展")
        constraints = [
            models.UniqueConstraint(fields=["report", "project_id_ref"], name="one_progress_per_project")
        ]
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.project_name


class TypicalCase(models.Model):
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="cases")
    title = models.CharField(_("案例名称"), max_length=200)
    text = models.TextField(_("案例介绍"))
    token = models.CharField(max_length=32, blank=True)
    extension = models.CharField(max_length=8, blank=True)
    photo = models.FileField(_("照片"), upload_to=_photo_path, blank=True)
    photo_type = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.title


class CityOpinion(models.Model):
    """The city bureau's opinion on a submitted report (a decision row; several may follow one another)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="city_opinions")
    text = models.TextField(_("市级意见"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("市级意见")
        verbose_name_plural = _("市级意见")
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class ReportEvaluation(models.Model):
    """年度目标任务完成情况评估: the province's rating of a received report (one per report)."""

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    report = models.OneToOneField(AnnualReport, on_delete=models.PROTECT, related_name="evaluation")
    rating = models.CharField(_("评估等次"), max_length=16, choices=Rating.choices)
    opinion = models.TextField(_("评估意见"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度目标任务完成情况评估")
        verbose_name_plural = _("年度目标任务完成情况评估")

    def __str__(self) -> str:
        return f"{self.report} {self.get_rating_display()}"


class ReportReminder(models.Model):
    """One row per reminder sent: (pilot, year, kind), or (year, kind) for the province's summary.

    The unique constraints make each reminder go out once whatever the retries."""

    class Kind(models.TextChoices):
        BEFORE_30 = "before_30", _("截止前30天")
        BEFORE_10 = "before_10", _("截止前10天")
        BEFORE_3 = "before_3", _("截止前3天")
        DUE_DAY = "due_day", _("截止当日")
        ESCALATE_CITY = "escalate_city", _("逾期3天：告知市级主管部门")
        ESCALATE_PROVINCE = "escalate_province", _("逾期10天：告知省生态环境厅")
        LATE_SUMMARY = "late_summary", _("逾期汇总（省级）")

    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.CASCADE, null=True, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=32, choices=Kind.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度报告提醒")
        verbose_name_plural = _("年度报告提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "year", "kind"],
                condition=models.Q(pilot__isnull=False),
                name="one_report_reminder_per_pilot_year_kind",
            ),
            models.UniqueConstraint(
                fields=["year", "kind"],
                condition=models.Q(pilot__isnull=True),
                name="one_report_summary_per_year_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot_id} {self.year} {self.kind}"
