from decimal import Decimal

from django.utils import timezone
from import_export import fields

from core.resources import ExportResource
from reports.carbon import compute_inventory, q
from reports.models import EmissionFactorSet

from .models import Application


class ApplicationResource(ExportResource):
    """The province's Excel list: status plus the key figures of each application."""

    id = fields.Field(attribute="id", column_name="编号")
    batch = fields.Field(attribute="batch__name", column_name="批次")
    organisation = fields.Field(attribute="organisation__name", column_name="申报单位")
    kind = fields.Field(column_name="类型")
    review_unit = fields.Field(attribute="organisation__review_unit__name", column_name="所属市（区）")
    state = fields.Field(column_name="状态")
    pilot_level = fields.Field(column_name="申报类型")
    submitted_at = fields.Field(column_name="提交时间")
    city_rank = fields.Field(attribute="city_rank", column_name="市内排序")
    city_opinion = fields.Field(attribute="city_opinion", column_name="市级推荐意见")
    base_year = fields.Field(column_name="基准年")
    gdp = fields.Field(column_name="基准年地区生产总值（亿元）")
    co2 = fields.Field(column_name="基准年二氧化碳排放（吨）")
    co2_per_gdp = fields.Field(column_name="单位GDP二氧化碳排放（吨/万元）")
    energy = fields.Field(column_name="基准年综合能耗（吨标准煤）")
    projects = fields.Field(column_name="重点项目数")
    investment = fields.Field(column_name="重点项目总投资（万元）")
    reduction = fields.Field(column_name="预计年减排（吨CO₂）")

    class Meta:
        model = Application
        fields = (
            "id",
            "batch",
            "organisation",
            "kind",
            "review_unit",
            "state",
            "pilot_level",
            "submitted_at",
            "city_rank",
            "city_opinion",
            "base_year",
            "gdp",
            "co2",
            "co2_per_gdp",
            "energy",
            "projects",
            "investment",
            "reduction",
        )
        export_order = fields

    @classmethod
    def prepare(cls, queryset):
        """Everything the figures need, loaded in a fixed number of queries."""
        return queryset.prefetch_related("baselines__energy_uses", "projects")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        default = EmissionFactorSet.objects.filter(is_default=True).first()
        self._factor_sets = {s.pk: s for s in EmissionFactorSet.objects.prefetch_related("fuel_factors")}
        self._default = self._factor_sets.get(default.pk) if default else None
        self._inventories: dict[int, object] = {}

    def _inventory(self, application):
        if application.pk not in self._inventories:
            factor_set = self._factor_sets.get(application.factor_set_id) or self._default
            base = next(
                (b for b in application.baselines.all() if b.year == application.batch.base_year), None
            )
            self._inventories[application.pk] = (
                compute_inventory(base, factor_set, energy_uses=list(base.energy_uses.all()))
                if base is not None and factor_set is not None
                else None
            )
        return self._inventories[application.pk]

    def dehydrate_kind(self, application):
        return application.organisation.get_kind_display()

    def dehydrate_state(self, application):
        return application.get_state_display()

    def dehydrate_pilot_level(self, application):
        return application.get_pilot_level_display()

    def dehydrate_submitted_at(self, application):
        if not application.submitted_at:
            return ""
        return timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")

    def dehydrate_base_year(self, application):
        return application.batch.base_year

    def dehydrate_gdp(self, application):
        base = next((b for b in application.baselines.all() if b.year == application.batch.base_year), None)
        return float(base.gdp_100m) if base and base.gdp_100m is not None else ""

    def dehydrate_co2(self, application):
        inventory = self._inventory(application)
        return float(q(inventory.total_t)) if inventory else ""

    def dehydrate_co2_per_gdp(self, application):
        inventory = self._inventory(application)
        value = inventory.co2_per_gdp if inventory else None
        return float(q(value, "0.0001")) if value is not None else ""

    def dehydrate_energy(self, application):
        inventory = self._inventory(application)
        return float(q(inventory.energy_tce)) if inventory else ""

    def dehydrate_projects(self, application):
        return len(application.projects.all())

    def dehydrate_investment(self, application):
        return float(sum((p.total_investment for p in application.projects.all()), Decimal(0)))

    def dehydrate_reduction(self, application):
        return float(sum((p.expected_co2_reduction_t for p in application.projects.all()), Decimal(0)))
