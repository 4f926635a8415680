"""The application list as Excel (core.xlsx): the state each application shows on the list page, plus
the key figures of its base year."""

from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carbon.accounting import compute_inventory, q
from carbon.models import EmissionFactorSet
from core import xlsx
from organisations.resources import list_scope

PERCENT_POINTS = Decimal(100)


class KeyFigures:
    """The base-year figures of each application, computed once per application from data loaded in a
    fixed number of queries (`prepare`)."""

    @staticmethod
    def prepare(queryset):
        return queryset.select_related("batch", "organisation", "organisation__review_unit").prefetch_related(
            "baselines__energy_uses", "projects"
        )

    def __init__(self):
        self._factor_sets = {s.pk: s for s in EmissionFactorSet.objects.prefetch_related("fuel_factors")}
        self._default = next((s for s in self._factor_sets.values() if s.is_default), None)
        self._inventories: dict[int, object] = {}

    @staticmethod
    def base(application):
        year = application.batch.base_year
        return next((b for b in application.baselines.all() if b.year == year), None)

    def inventory(self, application):
        if application.pk not in self._inventories:
            factor_set = self._factor_sets.get(application.factor_set_id) or self._default
            base = self.base(application)
            self._inventories[application.pk] = (
                compute_inventory(base, factor_set, energy_uses=list(base.energy_uses.all()))
                if base is not None and factor_set is not None
                else None
            )
        return self._inventories[application.pk]

    def gdp(self, application):
        base = self.base(application)
        return base.gdp_100m if base else None

    def non_fossil_share(self, application):
        base = self.base(application)
        if base is None or base.non_fossil_share is None:
            return None
        return base.non_fossil_share / PERCENT_POINTS  # stored in percent points, written as a fraction

    def co2(self, application):
        inventory = self.inventory(application)
        return q(inventory.total_t) if inventory else None

    def co2_per_gdp(self, application):
        inventory = self.inventory(application)
        value = inventory.co2_per_gdp if inventory else None
        return q(value, "0.0001") if value is not None else None

    def energy(self, application):
        inventory = self.inventory(application)
        return q(inventory.energy_tce) if inventory else None

    @staticmethod
    def investment(application):
        return sum((p.total_investment for p in application.projects.all()), Decimal(0))

    @staticmethod
    def reduction(application):
        return sum((p.expected_co2_reduction_t for p in application.projects.all()), Decimal(0))


def application_columns(figures: KeyFigures) -> list[xlsx.Column]:
    return [
        xlsx.Column(_("批次"), lambda a: a.batch.name),
        xlsx.Column(_("申报单位"), lambda a: a.organisation.name),
        xlsx.Column(_("类型"), lambda a: a.organisation.get_kind_display()),
        xlsx.Column(
            _("所属市（区）"),
            lambda a: a.organisation.review_unit.name if a.organisation.review_unit_id else "",
        ),
        xlsx.Column(_("状态"), lambda a: a.get_state_display()),
        xlsx.Column(_("申报类型"), lambda a: a.get_pilot_level_display()),
        xlsx.Column(_("提交时间"), lambda a: a.submitted_at, kind=xlsx.DATETIME),
        xlsx.Column(_("市内排序"), lambda a: a.city_rank, kind=xlsx.INT),
        xlsx.Column(_("市级推荐意见"), lambda a: a.city_opinion, width=40),
        xlsx.Column(_("基准年"), lambda a: a.batch.base_year, kind=xlsx.INT),
        xlsx.Column(_("基准年地区生产总值（亿元）"), figures.gdp, kind=xlsx.DECIMAL),
        xlsx.Column(_("基准年二氧化碳排放（吨）"), figures.co2, kind=xlsx.DECIMAL),
        xlsx.Column(
            _("单位GDP二氧化碳排放（吨/万元）"),
            figures.co2_per_gdp,
            kind=xlsx.DECIMAL,
            number_format=xlsx.decimals(4),
        ),
        xlsx.Column(_("基准年综合能耗（吨标准煤）"), figures.energy, kind=xlsx.DECIMAL),
        xlsx.Column(_("基准年非化石能源消费占比"), figures.non_fossil_share, kind=xlsx.PERCENT),
        xlsx.Column(
            _("重点项目数"), lambda a: len(a.projects.all()), kind=xlsx.INT, number_format=xlsx.COUNT
        ),
        xlsx.Column(_("重点项目总投资（万元）"), figures.investment, kind=xlsx.DECIMAL),
        xlsx.Column(_("预计年减排（吨CO₂）"), figures.reduction, kind=xlsx.DECIMAL),
    ]


def application_list_xlsx(applications, *, user, filters):
    """The list page's applications (same scope and filters), by city, with their key figures."""
    figures = KeyFigures()
    rows = KeyFigures.prepare(applications.order_by("organisation__review_unit__order", "pk"))
    sheet = xlsx.Sheet(
        name=_("申报书列表"),
        title=_("陕西省低碳近零碳试点示范建设申报书列表"),
        scope=list_scope(user, filters),
        columns=application_columns(figures),
        rows=rows,
    )
    return xlsx.xlsx_response(sheet, filename=gettext("申报书列表.xlsx"))
