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

# The labels of the catalogue entries created by migration 0004 (the acceptance systems' indicators).
ACCEPTANCE_LABELS = (
    gettext_noop("非化石能源占能源消费比重提高幅度（百分点）"),
    gettext_noop("试点领导机构、专班与专职人员"),
    gettext_noop("年度碳排放核算/温室气体清单"),
    gettext_noop("能碳数字化监测管理平台重点用能单位接入率（%）"),
    gettext_noop("低碳政策制度（碳评纳入项目准入、激励资金、绿色采购等）（项）"),
    gettext_noop("碳普惠/碳市场参与（碳惠三秦场景、CCER/碳汇项目）"),
    gettext_noop("北方地区清洁取暖率（%）"),
    gettext_noop("规上工业单位增加值能耗降低率（%）"),
    gettext_noop("新增/更新公交、出租、公务用车新能源占比（%）"),
    gettext_noop("公共机构单位建筑面积能耗降低率（%）"),
    gettext_noop("绿色低碳生活（生活垃圾回收利用率/绿色出行比例）（%）"),
    gettext_noop("近零碳示范场景数（社区/校园/景区/园区/建筑）（个）"),
    gettext_noop("PM2.5年均浓度降幅（%）"),
    gettext_noop("NOx、VOCs重点工程减排量完成率（%）"),
    gettext_noop("减污降碳协同项目完成率（%）"),
    gettext_noop("污水/垃圾/农业领域甲烷与氧化亚氮协同控制措施"),
    gettext_noop("单位工业增加值综合能耗（吨标准煤/万元）"),
    gettext_noop("园区降碳专门管理机构及专职人员"),
    gettext_noop("园区年度碳排放核算报告/企业碳账本"),
    gettext_noop("能碳管理平台重点企业在线监测接入率（%）"),
    gettext_noop("开展碳排放核查/碳足迹认证企业占比（%）"),
    gettext_noop("入园项目碳排放评价/低碳准入清单"),
    gettext_noop("可再生电力消费占比（含绿电交易、绿证）（%）"),
    gettext_noop("分布式光伏装机（兆瓦）"),
    gettext_noop("余热/余冷/余压综合利用率（%）"),
    gettext_noop("企业能效达标杆水平比例（%）"),
    gettext_noop("绿色工厂/绿色供应链管理企业占比（%）"),
    gettext_noop("新建建筑二星及以上绿色建筑占比（%）"),
    gettext_noop("货物清洁运输比例/新能源交通工具占比（%）"),
    gettext_noop("工业用水重复利用率（%）"),
    gettext_noop("绿色低碳R&D投入强度（%）"),
    gettext_noop("重点企业清洁生产审核实施率（%）"),
    gettext_noop("主要污染物（NOx/VOCs）排放量较基准年削减率（%）"),
    gettext_noop("规上企业环境信息披露率（%）"),
)
# The seeded systems' names, descriptions, categories, vetoes and bonus/penalty items (migration 0004).
ACCEPTANCE_SEEDED_TEXT = (
    gettext_noop("县（市、区）低碳近零碳试点验收评价指标体系"),
    gettext_noop("附件3的建议稿（research.md §3.3(a)，[P]），正式附件发布后以新版本替换。"),
    gettext_noop("目标完成"),
    gettext_noop("建立降碳管理机制"),
    gettext_noop("促进能源低碳转型"),
    gettext_noop("推动节能低碳发展"),
    gettext_noop("增强降碳减污协同"),
    gettext_noop("获国家级低碳/减污降碳/气候类试点称号"),
    gettext_noop("试点经验被省级以上推广"),
    gettext_noop("绿色金融/碳汇交易落地"),
    gettext_noop("园区低碳近零碳试点验收评价指标体系"),
    gettext_noop("附件4的建议稿（research.md §3.3(b)，[P]），正式附件发布后以新版本替换。"),
    gettext_noop("核心降碳"),
    gettext_noop("入选国家零碳园区/减污降碳协同创新试点园区"),
    gettext_noop("绿电直连/源网荷储一体化示范"),
    gettext_noop("CCUS示范项目"),
    gettext_noop("试点期内发生重大及以上突发环境事件"),
    gettext_noop("数据弄虚作假"),
    gettext_noop("年度自评估报告或监测数据未按时报送"),
    gettext_noop("重点工程项目明显滞后且无合理说明"),
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

        if self.points is None or not self.rule:
            return  # reported on their own fields
        name = self.indicator.name if self.indicator_id else ""
        try:
            validate_rule(self.rule, self.params, self.points, binding=self.binding, name=name)
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
