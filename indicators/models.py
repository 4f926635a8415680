"""The indicator catalogue: indicators as versioned data, reused by application targets, plans, annual
reports and acceptance.

An `Indicator` is one measurable quantity (code, name, unit, direction). An `IndicatorSet` is the list
of indicators offered for one purpose in one version; it is frozen when first used, and an edit after
that is a new version (services.indicator_set_new_version). Weights, targets and binding flags belong
to the target or indicator system that uses an entry, not to the entry itself.
"""

from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

OTHER = "other"  # the code of 其他: the applicant names the indicator (custom_name)

# The labels of the entries created by migration 0002 (the former ApplicationTarget.Indicator enum), marked
# here so that makemessages keeps their msgids: an entry's label is translated when displayed (__str__).
SEEDED_LABELS = (
    gettext_noop("单位GDP二氧化碳排放较基准年降低率（%）"),
    gettext_noop("单位GDP能耗较基准年降低率（%）"),
    gettext_noop("非化石能源消费占比（%）"),
    gettext_noop("二氧化碳排放总量较基准年变化（%）"),
    gettext_noop("可再生能源装机（兆瓦）"),
    gettext_noop("煤炭消费占比（%）"),
    gettext_noop("电能占终端能源消费比重（%）"),
    gettext_noop("城镇新建建筑中绿色建筑占比（%）"),
    gettext_noop("单位工业增加值二氧化碳排放（吨/万元）"),
    gettext_noop("单位能耗碳排放（吨CO₂/吨标准煤）"),
    gettext_noop("清洁能源消费占比（%）"),
    gettext_noop("一般工业固体废物综合利用率（%）"),
    gettext_noop("森林覆盖率（%）"),
    gettext_noop("其他"),
)


class Indicator(models.Model):
    class Direction(models.TextChoices):
        UP = "up", _("越大越好")
        DOWN = "down", _("越小越好")

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.UP)
    category = models.CharField(_("类别"), max_length=64, blank=True)
    description = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["code"]

    def __str__(self) -> str:
        return gettext(self.label)

    @property
    def label(self) -> str:
        """Name with its unit as the Annex 1 prints it, e.g. 非化石能源消费占比（%）."""
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    @property
    def is_other(self) -> bool:
        return self.code == OTHER


class IndicatorSet(models.Model):
    class Purpose(models.TextChoices):
        APPLICATION_TARGETS = "application_targets", _("申报目标指标")
        PLAN = "plan", _("建设方案目标指标")
        ANNUAL_REPORT = "annual_report", _("年度自评估")
        ACCEPTANCE = "acceptance", _("验收评价")

    purpose = models.CharField(_("用途"), max_length=32, choices=Purpose.choices)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=128)
    description = models.TextField(_("说明"), blank=True)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    indicators = models.ManyToManyField(Indicator, through="IndicatorSetItem", related_name="sets")

    class Meta:
        verbose_name = _("指标集")
        verbose_name_plural = _("指标集")
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="unique_indicator_set_version")
        ]

    def __str__(self) -> str:
        return gettext("%(name)s（第%(version)s版）") % {"name": gettext(self.name), "version": self.version}

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class IndicatorSetItem(models.Model):
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="set_items")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("指标集条目")
        verbose_name_plural = _("指标集条目")
        ordering = ["indicator_set", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "indicator"], name="one_item_per_indicator")
        ]

    def __str__(self) -> str:
        return str(self.indicator)


# ---------------------------------------------------------------------------------------------------------
# Acceptance indicator systems (验收评价指标体系, 附件3 县区 / 附件4 园区), versioned data scored by
# indicators.scoring. Until the province publishes its annexes the shipped versions are our proposals
# (research.md §3.3 [P]): `is_proposal` says so wherever a system is shown.


class AcceptanceSystem(models.Model):
    class Kind(models.TextChoices):
        COUNTY = "county", _("县（市、区）（附件3）")
        PARK = "park", _("园区（附件4）")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=128)
    description = models.TextField(_("说明"), blank=True)
    is_proposal = models.BooleanField(
        _("建议稿"), default=True, help_text=_("正式附件发布前为本平台的建议稿。")
    )
    total_points = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, default=100)
    pass_score = models.DecimalField(_("通过分数线"), max_digits=6, decimal_places=2, default=80)
    excellent_score = models.DecimalField(_("优秀分数线"), max_digits=6, decimal_places=2, default=90)
    bonus_cap = models.DecimalField(_("加分上限"), max_digits=5, decimal_places=2, default=5)
    penalty_cap = models.DecimalField(_("减分上限"), max_digits=5, decimal_places=2, default=5)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("验收评价指标体系")
        verbose_name_plural = _("验收评价指标体系")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="unique_acceptance_system_version"),
            models.CheckConstraint(
                condition=models.Q(excellent_score__gte=models.F("pass_score")),
                name="acceptance_excellent_not_below_pass",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(name)s（第%(version)s版）") % {"name": gettext(self.name), "version": self.version}

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class AcceptanceCategory(models.Model):
    system = models.ForeignKey(AcceptanceSystem, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("类别"), max_length=64)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("验收指标类别")
        verbose_name_plural = _("验收指标类别")
        ordering = ["system", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["system", "name"], name="unique_acceptance_category_name")
        ]

    def __str__(self) -> str:
        return gettext(self.name)


class AcceptanceItem(models.Model):
    class Rule(models.TextChoices):
        RATIO_UP = "ratio_up", _("比值法（越大越好）")
        RATIO_DOWN = "ratio_down", _("比值法（越小越好）")
        THRESHOLD = "threshold", _("达标法")
        TIERED = "tiered", _("分档法")
        QUALITATIVE = "qualitative", _("专家评议")
        EVIDENCE = "evidence", _("佐证材料")

    category = models.ForeignKey(AcceptanceCategory, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="acceptance_items")
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    binding = models.BooleanField(_("约束性"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    rule = models.CharField(_("评分规则"), max_length=16, choices=Rule.choices)
    params = models.JSONField(_("规则参数"), default=dict, blank=True)
    target_note = models.CharField(_("目标要求"), max_length=255, blank=True)
    reference = models.CharField(_("依据"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("验收指标")
        verbose_name_plural = _("验收指标")
        ordering = ["category__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "indicator"], name="one_acceptance_item_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return str(self.indicator)

    def clean(self):
        from django.core.exceptions import ValidationError

        from .scoring import RuleError, validate_rule

        try:
            validate_rule(self.rule, self.params, self.points, binding=self.binding, name=self.indicator.name)
        except RuleError as error:
            raise ValidationError({"params": error.message}) from error


class AcceptanceVeto(models.Model):
    system = models.ForeignKey(AcceptanceSystem, on_delete=models.CASCADE, related_name="vetoes")
    code = models.SlugField(_("代码"), max_length=64)
    description = models.CharField(_("否决情形"), max_length=255)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("一票否决项")
        verbose_name_plural = _("一票否决项")
        ordering = ["system", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="unique_acceptance_veto_code")]

    def __str__(self) -> str:
        return gettext(self.description)


class AcceptanceAdjustment(models.Model):
    """A bonus (加分) or penalty (减分) item, worth at most `max_points`; the system caps the sum of each
    kind (bonus_cap, penalty_cap)."""

    class Kind(models.TextChoices):
        BONUS = "bonus", _("加分项")
        PENALTY = "penalty", _("减分项")

    system = models.ForeignKey(AcceptanceSystem, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    code = models.SlugField(_("代码"), max_length=64)
    description = models.CharField(_("情形"), max_length=255)
    max_points = models.DecimalField(_("单项上限"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("加减分项")
        verbose_name_plural = _("加减分项")
        ordering = ["system", "kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="unique_acceptance_adjustment_code"),
            models.CheckConstraint(
                condition=models.Q(max_points__gt=0), name="acceptance_adjustment_positive"
            ),
        ]

    def __str__(self) -> str:
        return gettext(self.description)
