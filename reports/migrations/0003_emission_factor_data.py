import datetime
from decimal import Decimal

from django.db import migrations

# 《工业其他行业企业温室气体排放核算方法与报告指南（试行）》附录二 parameters (research.md §4.2) and
# GB/T 2589-2020 standard-coal coefficients (§4.4). fuel: (unit, NCV GJ/unit, CC tC/GJ, OF, tce/unit)
FUELS = {
    "raw_coal": ("吨", "20.908", "0.02637", "0.94", "0.7143"),
    "washed_coal": ("吨", "26.344", "0.02541", "0.90", "0.9000"),
    "coke": ("吨", "28.435", "0.02950", "0.93", "0.9714"),
    "crude_oil": ("吨", "41.816", "0.02010", "0.98", "1.4286"),
    "fuel_oil": ("吨", "41.816", "0.02110", "0.98", "1.4286"),
    "gasoline": ("吨", "43.070", "0.01890", "0.98", "1.4714"),
    "diesel": ("吨", "42.652", "0.02020", "0.98", "1.4571"),
    "kerosene": ("吨", "43.070", "0.01960", "0.98", "1.4714"),
    "lpg": ("吨", "50.179", "0.01720", "0.98", "1.7143"),
    "lng": ("吨", "44.200", "0.01720", "0.98", "1.7572"),
    # 1.2143 kgce/m³: the statistical convention used in 统计公报 (GB/T 2589-2020 gives 1.1000–1.3300).
    "natural_gas": ("万立方米", "389.310", "0.01530", "0.99", "12.1430"),
    "coke_oven_gas": ("万立方米", "179.810", "0.01358", "0.99", "5.7140"),
}
SETS = [
    {
        "name": "2023年度因子（陕西省电力因子0.6335）",
        "vintage_year": 2023,
        "source": "生态环境部、国家统计局《关于发布2023年电力二氧化碳排放因子的公告》；燃料参数：发改办气候〔2015〕1722号附录二",
        "published_on": datetime.date(2025, 12, 31),
        "grid_factor": Decimal("0.6335"),
        "is_default": True,
    },
    {
        "name": "2022年度因子（陕西省电力因子0.6558）",
        "vintage_year": 2022,
        "source": "生态环境部、国家统计局 2022年电力二氧化碳排放因子（2024年12月发布）；燃料参数：发改办气候〔2015〕1722号附录二",
        "published_on": datetime.date(2024, 12, 31),
        "grid_factor": Decimal("0.6558"),
        "is_default": False,
    },
]


def load(apps, schema_editor):
    EmissionFactorSet = apps.get_model("reports", "EmissionFactorSet")
    FuelFactor = apps.get_model("reports", "FuelFactor")
    for spec in SETS:
        factor_set, _ = EmissionFactorSet.objects.update_or_create(name=spec["name"], defaults=spec)
        for fuel, (unit, ncv, cc, of, tce) in FUELS.items():
            FuelFactor.objects.update_or_create(
                factor_set=factor_set,
                fuel=fuel,
                defaults={
                    "unit": unit,
                    "net_calorific_value": Decimal(ncv),
                    "carbon_content": Decimal(cc),
                    "oxidation_rate": Decimal(of),
                    "coal_equivalent": Decimal(tce),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_emission_factor_sets")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
