"""The catalogue entries for every indicator of the former code enum ApplicationTarget.Indicator
(same codes; the name and unit together read as the enum's label), and the set 申报目标指标 v1 offering
them for application targets, in the enum's order. Frozen if application targets already use it."""

from django.db import migrations

# (code, name, unit, direction, category) in the order the form offered them.
ENTRIES = [
    ("co2_intensity_drop", "单位GDP二氧化碳排放较基准年降低率", "%", "up", "目标完成"),
    ("energy_intensity_drop", "单位GDP能耗较基准年降低率", "%", "up", "目标完成"),
    ("non_fossil_share", "非化石能源消费占比", "%", "up", "促进能源低碳转型"),
    ("co2_total_change", "二氧化碳排放总量较基准年变化", "%", "down", "目标完成"),
    ("renewable_capacity", "可再生能源装机", "兆瓦", "up", "促进能源低碳转型"),
    ("coal_share", "煤炭消费占比", "%", "down", "促进能源低碳转型"),
    ("electrification", "电能占终端能源消费比重", "%", "up", "促进能源低碳转型"),
    ("green_building", "城镇新建建筑中绿色建筑占比", "%", "up", "推动节能低碳发展"),
    ("iva_co2_intensity", "单位工业增加值二氧化碳排放", "吨/万元", "down", "核心降碳"),
    ("co2_per_tce", "单位能耗碳排放", "吨CO₂/吨标准煤", "down", "核心降碳"),
    ("clean_energy_share", "清洁能源消费占比", "%", "up", "促进能源低碳转型"),
    ("solid_waste", "一般工业固体废物综合利用率", "%", "up", "增强降碳减污协同"),
    ("forest_coverage", "森林覆盖率", "%", "up", "推动节能低碳发展"),
    ("other", "其他", "", "up", ""),
]
SET_NAME = "申报目标指标"
OTHER_DESCRIPTION = "由申报单位填写指标名称（含单位）。"


def create(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorSet = apps.get_model("indicators", "IndicatorSet")
    IndicatorSetItem = apps.get_model("indicators", "IndicatorSetItem")
    indicator_set, _ = IndicatorSet.objects.get_or_create(
        purpose="application_targets", version=1, defaults={"name": SET_NAME}
    )
    for order, (code, name, unit, direction, category) in enumerate(ENTRIES):
        indicator, _ = Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "direction": direction,
                "category": category,
                "description": OTHER_DESCRIPTION if code == "other" else "",
            },
        )
        IndicatorSetItem.objects.get_or_create(indicator_set=indicator_set, indicator=indicator, defaults={"order": order})


def remove(apps, schema_editor):
    apps.get_model("indicators", "IndicatorSet").objects.filter(purpose="application_targets", version=1).delete()
    apps.get_model("indicators", "Indicator").objects.filter(code__in=[e[0] for e in ENTRIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
