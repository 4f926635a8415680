"""Construction plans (建设方案, Annex 2), their versions and the province's decisions on them, the local
approval, the targets ledger (目标台账, versioned) and change / extension requests.

A pilot has one `Plan`. The pilot (or an agency it entrusted) writes it chapter by chapter or uploads its
own document, and in both cases fills the structured tables (targets, key projects, funding, base-year
activity data for the carbon inventory). Each submission freezes a `PlanVersion` (JSON snapshot); the
province answers with a `PlanDecision` (returned with comments per chapter, or filed with a number).
Filing creates `LedgerVersion` 1 from the plan's targets; an approved `ChangeRequest` on a target or a
project creates the next ledger version; an approved extension moves a due date (selectors.due_date).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from applications.models import FundingPlan, PilotTask
from core.transitions import lazy_permission
from indicators.models import Indicator


class Chapter(models.TextChoices):
    """The chapters of the Annex 2 compilation guide (research.md §3.2)."""

    GENERAL = "general", _("一、总论")
    FOUNDATION = "foundation", _("二、基本情况与工作基础")
    SITUATION = "situation", _("三、形势分析")
    GOALS = "goals", _("四、总体思路与建设目标")
    TASKS = "tasks", _("五、重点任务")
    PROJECTS = "projects", _("六、重点工程项目")
    INVESTMENT = "investment", _("七、投资估算与资金筹措")
    OUTCOMES = "outcomes", _("八、预期成效")
    SAFEGUARDS = "safeguards", _("九、保障措施")
    ANNEXES = "annexes", _("十、附表与附图")


# What each chapter should cover (shown as help text next to the editor), from the compilation guide.
CHAPTER_GUIDANCE = {
    Chapter.GENERAL: _(
        "编制背景与依据（国家、省政策，陕环发〔2023〕48号），试点范围与边界，建设期，基准年。"
    ),
    Chapter.FOUNDATION: _(
        "自然地理与资源禀赋，经济社会发展（近3年），能源生产与消费，碳排放现状（基准年核算），"
        "生态环境质量与减污降碳协同现状，低碳工作基础。"
    ),
    Chapter.SITUATION: _("优势，问题短板，减排潜力与路径情景（常规情景与试点情景）。"),
    Chapter.GOALS: _("指导思想，基本原则，总体目标；目标指标见下方“目标指标表”。"),
    Chapter.TASKS: _(
        "按四项试点任务分节：建立降碳管理机制、促进能源低碳转型、推动节能低碳发展、增强降碳减污协同，及特色创新场景。"
    ),
    Chapter.PROJECTS: _("项目清单、投资、年度计划与减排量测算；项目明细见下方“重点工程项目表”。"),
    Chapter.INVESTMENT: _("投资估算与资金筹措；分年度、分来源资金见下方“资金筹措表”。"),
    Chapter.OUTCOMES: _("碳减排、节能、污染物减排、经济社会效益，可复制推广经验。"),
    Chapter.SAFEGUARDS: _(
        "组织保障、政策、资金、技术与人才、数据与监测评估（年度自评、中期评估、验收）、宣传。"
    ),
    Chapter.ANNEXES: _("指标表、项目表、基准年碳排放核算表、能源平衡表、边界图、部门分工表等说明。"),
}


def _plan_file_path(instance, filename: str) -> str:
    # The stored name never uses the uploader's file name: it is only kept as metadata.
    return f"plans/{instance.pk or 'new'}/document-{instance.document_token}{instance.document_extension}"


def _minutes_path(instance, filename: str) -> str:
    return f"plans/{instance.pk}/minutes-{instance.minutes_token}{instance.minutes_extension}"


class Plan(FSMModelMixin, models.Model):
    """The construction plan of one pilot."""

    class State(models.TextChoices):
        DRAFTING = "drafting", _("编制中")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回（需修改）")
        FILED = "filed", _("已审核备案")

    class Form(models.TextChoices):
        ONLINE = "online", _("在线分章节编写")
        UPLOAD = "upload", _("上传方案文本")

    class MeetingKind(models.TextChoices):
        COUNTY_EXECUTIVE = "county_executive", _("县（区）政府常务会议")
        PARK_COMMITTEE = "park_committee", _("园区管委会专题会议")

    pilot = models.OneToOneField("pilots.Pilot", on_delete=models.PROTECT, related_name="plan")
    state = FSMField(_("状态"), default=State.DRAFTING, choices=State.choices, protected=True, db_index=True)
    form = models.CharField(_("编制方式"), max_length=16, choices=Form.choices, default=Form.ONLINE)
    title = models.CharField(_("方案名称"), max_length=200, blank=True)
    # The pilot's own document (Form.UPLOAD): PDF or Word, checked by content, private storage.
    document = models.FileField(_("方案文本"), upload_to=_plan_file_path, max_length=255, blank=True)
    document_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    document_type = models.CharField(_("文件类型"), max_length=128, blank=True)
    document_size = models.PositiveIntegerField(_("大小（字节）"), null=True, blank=True)
    document_token = models.CharField(max_length=32, blank=True, editable=False)
    document_extension = models.CharField(max_length=8, blank=True, editable=False)
    factor_set = models.ForeignKey(
        "carbon.EmissionFactorSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("排放因子版本"),
    )
    filing_number = models.CharField(_("备案编号"), max_length=64, blank=True)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    # Local approval (本级审议印发), recorded by the pilot after filing.
    meeting_kind = models.CharField(_("审议会议类型"), max_length=32, choices=MeetingKind.choices, blank=True)
    meeting_name = models.CharField(_("会议名称"), max_length=128, blank=True)
    meeting_date = models.DateField(_("会议日期"), null=True, blank=True)
    minutes = models.FileField(_("会议纪要"), upload_to=_minutes_path, max_length=255, blank=True)
    minutes_name = models.CharField(_("纪要原文件名"), max_length=255, blank=True)
    minutes_type = models.CharField(max_length=128, blank=True, editable=False)
    minutes_token = models.CharField(max_length=32, blank=True, editable=False)
    minutes_extension = models.CharField(max_length=8, blank=True, editable=False)
    issuing_document_no = models.CharField(_("印发文号"), max_length=64, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    local_approval_recorded_at = models.DateTimeField(_("审议登记时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("建设方案")
        verbose_name_plural = _("建设方案")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["filing_number"],
                condition=~models.Q(filing_number=""),
                name="unique_plan_filing_number",
            )
        ]

    def __str__(self) -> str:
        return gettext("%(pilot)s建设方案") % {"pilot": self.pilot.organisation.name}

    @property
    def has_local_approval(self) -> bool:
        return bool(
            self.meeting_kind
            and self.meeting_date
            and self.minutes
            and self.issuing_document_no
            and self.issued_on
        )

    def _perm(name):  # noqa: N805 - a class-body helper, deleted below
        return lazy_permission("plans.permissions", name)

    @transition(
        state,
        source=[State.DRAFTING, State.RETURNED],
        target=State.SUBMITTED,
        permission=_perm("can_submit_plan"),
        custom={"label": gettext_lazy("报送建设方案")},
    )
    def submit(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=_perm("can_decide_plan"),
        custom={
            "label": gettext_lazy("退回修改"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("%(object)s将退回修改，须重新报送。确认退回？"),
        },
    )
    def return_plan(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.FILED,
        permission=_perm("can_decide_plan"),
        custom={"label": gettext_lazy("审核备案")},
    )
    def file(self, *, by=None, reason=""):
        pass

    del _perm


class PlanChapter(models.Model):
    """One chapter's rich text (sanitised HTML: services.sanitise_html on every save)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="chapters")
    key = models.CharField(_("章节"), max_length=16, choices=Chapter.choices)
    body = models.TextField(_("正文"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("方案章节")
        verbose_name_plural = _("方案章节")
        ordering = ["plan", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="one_chapter_per_key")]

    def __str__(self) -> str:
        return self.get_key_display()


class PlanTarget(models.Model):
    """A target indicator of the plan: base-year value and a path value for each year of construction."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="plan_targets", verbose_name=_("指标")
    )
    binding = models.BooleanField(_("约束性"), default=False, help_text=_("约束性指标；否则为预期性指标"))
    base_value = models.DecimalField(_("基准年值"), max_digits=14, decimal_places=4)
    values = models.JSONField(_("分年度目标值"), default=dict, help_text=_("{年份: 目标值}"))
    data_source = models.CharField(_("数据来源"), max_length=128, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("目标指标")
        verbose_name_plural = _("目标指标")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="one_plan_target_per_indicator")
        ]

    def __str__(self) -> str:
        return str(self.indicator)


class KeyProject(models.Model):
    """A key project (重点工程项目) of the plan. After filing it changes only through an approved change
    request (which also records a new ledger version with the projects as they then are)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="key_projects")
    name = models.CharField(_("项目名称"), max_length=128)
    task = models.CharField(_("所属试点任务"), max_length=16, choices=PilotTask.choices)
    location = models.CharField(_("建设地点"), max_length=128, blank=True)
    owner_unit = models.CharField(_("实施主体"), max_length=128, blank=True)
    content = models.TextField(_("建设内容与规模"), max_length=2000, blank=True)
    investment_by_year = models.JSONField(
        _("分年度投资"), default=dict, help_text=_('{年份: {"amount": 万元, "source": 资金来源}}')
    )
    milestones = models.JSONField(_("年度节点"), default=dict, help_text=_("{年份: 节点目标}"))
    expected_reduction_t = models.DecimalField(
        _("预计年减排二氧化碳（吨）"), max_digits=12, decimal_places=2, default=0
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("重点工程项目")
        verbose_name_plural = _("重点工程项目")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def total_investment(self):
        from decimal import Decimal, InvalidOperation

        total = Decimal(0)
        for entry in (self.investment_by_year or {}).values():
            try:
                total += Decimal(str(entry.get("amount") or 0))
            except (InvalidOperation, AttributeError):
                continue
        return total


class PlanFunding(models.Model):
    """Funding of the plan by year and source (资金筹措)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="funding")
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("资金来源"), max_length=16, choices=FundingPlan.Source.choices)
    amount = models.DecimalField(_("金额（万元）"), max_digits=12, decimal_places=2)
    use = models.CharField(_("主要用途"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("资金筹措")
        verbose_name_plural = _("资金筹措")
        ordering = ["plan", "year", "source", "pk"]

    def __str__(self) -> str:
        return gettext("%(year)s %(source)s %(amount)s万元") % {
            "year": self.year,
            "source": self.get_source_display(),
            "amount": self.amount,
        }


class PlanBaseline(models.Model):
    """Base-year activity data of the plan, for the carbon inventory (carbon.accounting.compute_inventory
    reads these attributes, as it does an application's AnnualBaseline). Prefilled from the application."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="baseline")
    year = models.PositiveSmallIntegerField(_("基准年"))
    data_source = models.CharField(_("数据来源"), max_length=128, blank=True)
    resident_population_10k = models.DecimalField(
        _("常住人口（万人）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    gdp_100m = models.DecimalField(
        _("地区生产总值（亿元，当年价）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    gdp_constant_100m = models.DecimalField(
        _("地区生产总值（亿元，基准年可比价）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    industrial_value_added_100m = models.DecimalField(
        _("工业增加值（亿元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    electricity_10k_kwh = models.DecimalField(
        _("全社会用电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    green_power_10k_kwh = models.DecimalField(
        _("绿电交易电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    purchased_heat_gj = models.DecimalField(
        _("外购热力（吉焦）"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("基准年活动水平")
        verbose_name_plural = _("基准年活动水平")

    def __str__(self) -> str:
        return gettext("%(year)s年活动水平") % {"year": self.year}


class PlanEnergyUse(models.Model):
    baseline = models.ForeignKey(PlanBaseline, on_delete=models.CASCADE, related_name="energy_uses")
    fuel = models.CharField(_("能源品种"), max_length=32)
    quantity = models.DecimalField(_("消费量（实物量）"), max_digits=14, decimal_places=3)

    class Meta:
        verbose_name = _("分品种能源消费")
        verbose_name_plural = _("分品种能源消费")
        constraints = [models.UniqueConstraint(fields=["baseline", "fuel"], name="one_plan_row_per_fuel")]

    def __str__(self) -> str:
        return f"{self.fuel} {self.quantity}"


def _version_pdf_path(instance, filename: str) -> str:
    return f"plans/{instance.plan_id}/pdf/plan-v{instance.number}-{instance.token}.pdf"


class PlanVersion(models.Model):
    """What was submitted, frozen: one row per submission, numbered from 1."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    snapshot = models.JSONField(_("内容快照"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    token = models.CharField(max_length=32, editable=False)
    pdf = models.FileField(_("方案PDF"), upload_to=_version_pdf_path, max_length=255, blank=True)

    class Meta:
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")]

    def __str__(self) -> str:
        return gettext("第%(number)s版") % {"number": self.number}


class PlanDecision(models.Model):
    """The province's decision on a submitted version: returned (with comments per chapter) or filed."""

    class Outcome(models.TextChoices):
        RETURNED = "returned", _("退回修改")
        FILED = "filed", _("审核备案")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="decisions")
    version = models.OneToOneField(PlanVersion, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("审核结果"), max_length=16, choices=Outcome.choices)
    comment = models.TextField(_("总体意见"), blank=True)
    chapter_comments = models.JSONField(_("分章节意见"), default=dict, blank=True)
    filing_number = models.CharField(_("备案编号"), max_length=64, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("方案审核意见")
        verbose_name_plural = _("方案审核意见")
        ordering = ["plan", "decided_at", "pk"]

    def __str__(self) -> str:
        return self.get_outcome_display()


class LedgerVersion(models.Model):
    """One version of a pilot's targets ledger (目标台账). Version 1 comes from the filed plan; each
    approved target or project change adds the next one. Old versions are never changed."""

    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.PROTECT, related_name="ledger_versions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="ledger_versions")
    number = models.PositiveSmallIntegerField(_("台账版本"))
    change_request = models.OneToOneField(
        "ChangeRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_version"
    )
    projects = models.JSONField(_("重点项目快照"), default=list, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("目标台账版本")
        verbose_name_plural = _("目标台账版本")
        ordering = ["pilot", "number"]
        constraints = [models.UniqueConstraint(fields=["pilot", "number"], name="one_ledger_version_number")]

    def __str__(self) -> str:
        return gettext("目标台账第%(number)s版") % {"number": self.number}


class LedgerTarget(models.Model):
    version = models.ForeignKey(LedgerVersion, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="ledger_targets", verbose_name=_("指标")
    )
    binding = models.BooleanField(_("约束性"), default=False)
    base_year = models.PositiveSmallIntegerField(_("基准年"))
    base_value = models.DecimalField(_("基准年值"), max_digits=14, decimal_places=4)
    values = models.JSONField(_("分年度目标值"), default=dict)
    data_source = models.CharField(_("数据来源"), max_length=128, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("台账目标")
        verbose_name_plural = _("台账目标")
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "indicator"], name="one_ledger_target_per_indicator")
        ]

    def __str__(self) -> str:
        return str(self.indicator)


class DueKind(models.TextChoices):
    """Due dates a pilot may ask to extend (selectors.due_date)."""

    ANNUAL_REPORT = "annual_report", _("年度自评报告")


def _evidence_path(instance, filename: str) -> str:
    return (
        f"plans/changes/{instance.pilot_id}/evidence-{instance.evidence_token}{instance.evidence_extension}"
    )


class ChangeRequest(FSMModelMixin, models.Model):
    """A pilot's request to change a target, a key project or a due date (extension)."""

    class Kind(models.TextChoices):
        TARGET = "target", _("目标指标调整")
        PROJECT = "project", _("重点项目调整")
        EXTENSION = "extension", _("延期申请")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("待市级意见")
        CITY_REVIEWED = "city_reviewed", _("待省级审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    pilot = models.ForeignKey("pilots.Pilot", on_delete=models.PROTECT, related_name="change_requests")
    kind = models.CharField(_("申请类型"), max_length=16, choices=Kind.choices)
    state = FSMField(_("状态"), default=State.SUBMITTED, choices=State.choices, protected=True, db_index=True)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("指标")
    )
    project = models.ForeignKey(
        KeyProject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
        verbose_name=_("重点项目"),
    )
    proposed = models.JSONField(_("调整后内容"), default=dict, blank=True)
    current = models.JSONField(_("调整前内容"), default=dict, blank=True)
    due_kind = models.CharField(_("延期事项"), max_length=32, choices=DueKind.choices, blank=True)
    due_year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    new_due_date = models.DateField(_("申请延至"), null=True, blank=True)
    reasons = models.TextField(_("申请理由"), max_length=4000)
    evidence = models.FileField(_("证明材料"), upload_to=_evidence_path, max_length=255, blank=True)
    evidence_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    evidence_type = models.CharField(max_length=128, blank=True, editable=False)
    evidence_token = models.CharField(max_length=32, blank=True, editable=False)
    evidence_extension = models.CharField(max_length=8, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("调整与延期申请")
        verbose_name_plural = _("调整与延期申请")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return gettext("%(pilot)s%(kind)s") % {
            "pilot": self.pilot.organisation.name,
            "kind": self.get_kind_display(),
        }

    def _perm(name):  # noqa: N805 - a class-body helper, deleted below
        return lazy_permission("plans.permissions", name)

    @transition(
        state,
        source=State.SUBMITTED,
        target=State.CITY_REVIEWED,
        permission=_perm("can_give_city_opinion"),
        custom={"label": gettext_lazy("出具市级意见")},
    )
    def give_city_opinion(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.CITY_REVIEWED,
        target=State.APPROVED,
        permission=_perm("can_decide_change"),
        custom={"label": gettext_lazy("批准")},
    )
    def approve(self, *, by=None, reason=""):
        pass

    @transition(
        state,
        source=State.CITY_REVIEWED,
        target=State.REFUSED,
        permission=_perm("can_decide_change"),
        custom={
            "label": gettext_lazy("不予批准"),
            "reason_required": True,
            "destructive": True,
            "confirm": _("%(object)s将不予批准。确认？"),
        },
    )
    def refuse(self, *, by=None, reason=""):
        pass

    del _perm


class ChangeOpinion(models.Model):
    """The city officer's opinion on a change request (one per request)."""

    request = models.OneToOneField(ChangeRequest, on_delete=models.CASCADE, related_name="city_opinion")
    supports = models.BooleanField(_("同意"), default=True)
    opinion = models.TextField(_("市级意见"), max_length=2000)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("出具时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("市级意见")
        verbose_name_plural = _("市级意见")

    def __str__(self) -> str:
        return self.opinion[:40]


class ChangeDecision(models.Model):
    """The province's decision on a change request: who, when, approved or refused, and why."""

    request = models.OneToOneField(ChangeRequest, on_delete=models.CASCADE, related_name="decision")
    approved = models.BooleanField(_("批准"))
    reason = models.TextField(_("审批意见"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("省级审批")
        verbose_name_plural = _("省级审批")

    def __str__(self) -> str:
        return gettext("批准") if self.approved else gettext("不予批准")
