"""The versioned emission factor sets (reference data maintained in /admin/) and the fuels they cover.

The two tables keep the names they had when the models lived in `reports` (migration 0001 takes them
over in Django's state only, no row is copied); see docs/architecture.md.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class EmissionFactorSet(models.Model):
    """A versioned set of factors (fuel parameters + grid + heat), editable as reference data.

    Base-year and current-year emissions are computed with the same set when a reduction rate is
    computed, so that grid decarbonisation is not mistaken for local effort.
    """

    name = models.CharField(_("名称"), max_length=128, unique=True)
    vintage_year = models.PositiveSmallIntegerField(_("电力因子年份"))
    source = models.TextField(_("来源"), help_text=_("发布机关、文号或公告"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    grid_factor = models.DecimalField(
        _("电网排放因子（kgCO₂/kWh）"),
        max_digits=7,
        decimal_places=4,
        help_text=_("默认陕西省省级电力排放因子"),
    )
    grid_scope = models.CharField(_("电力因子范围"), max_length=32, default="陕西省")
    heat_factor = models.DecimalField(
        _("热力排放因子（tCO₂/GJ）"), max_digits=6, decimal_places=4, default=0.11
    )
    electricity_coal_equivalent = models.DecimalField(
        _("电力折标系数（kgce/kWh，当量值）"), max_digits=6, decimal_places=4, default=0.1229
    )
    deduct_green_power = models.BooleanField(
        _("扣除绿电交易电量"), default=False, help_text=_("是否允许以市场化方式扣除绿电/绿证电量")
    )
    is_default = models.BooleanField(_("默认因子集"), default=False)

    class Meta:
        verbose_name = _("排放因子集")
        verbose_name_plural = _("排放因子集")
        ordering = ["-vintage_year", "name"]
        db_table = "reports_emissionfactorset"  # moved from reports without copying: see migrations/0001

    def __str__(self) -> str:
        return self.name


class Fuel(models.TextChoices):
    RAW_COAL = "raw_coal", _("原煤")
    WASHED_COAL = "washed_coal", _("洗精煤")
    COKE = "coke", _("焦炭")
    CRUDE_OIL = "crude_oil", _("原油")
    FUEL_OIL = "fuel_oil", _("燃料油")
    GASOLINE = "gasoline", _("汽油")
    DIESEL = "diesel", _("柴油")
    KEROSENE = "kerosene", _("煤油")
    LPG = "lpg", _("液化石油气")
    LNG = "lng", _("液化天然气")
    NATURAL_GAS = "natural_gas", _("天然气")
    COKE_OVEN_GAS = "coke_oven_gas", _("焦炉煤气")


class FuelFactor(models.Model):
    factor_set = models.ForeignKey(EmissionFactorSet, on_delete=models.CASCADE, related_name="fuel_factors")
    fuel = models.CharField(_("能源品种"), max_length=32, choices=Fuel.choices)
    unit = models.CharField(_("计量单位"), max_length=16)
    net_calorific_value = models.DecimalField(_("低位发热量（GJ/计量单位）"), max_digits=10, decimal_places=3)
    carbon_content = models.DecimalField(_("单位热值含碳量（tC/GJ）"), max_digits=10, decimal_places=6)
    oxidation_rate = models.DecimalField(_("碳氧化率"), max_digits=5, decimal_places=3)
    coal_equivalent = models.DecimalField(_("折标准煤系数（tce/计量单位）"), max_digits=10, decimal_places=4)

    class Meta:
        verbose_name = _("燃料排放参数")
        verbose_name_plural = _("燃料排放参数")
        constraints = [models.UniqueConstraint(fields=["factor_set", "fuel"], name="one_factor_per_fuel")]
        ordering = ["factor_set", "fuel"]
        db_table = "reports_fuelfactor"

    def __str__(self) -> str:
        return gettext("%(fuel)s（%(factor_set)s）") % {
            "fuel": self.get_fuel_display(),
            "factor_set": self.factor_set,
        }
