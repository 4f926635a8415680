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
