"""Version 1 of the two acceptance indicator systems, 附件3 (县区) and 附件4 (园区), as proposed in
research.md §3.3 [P] (marked is_proposal until the province's official annexes replace them), and the
catalogue entries they use that did not exist yet. Idempotent: an existing version 1 is left as it is.

The third veto of research.md (约束性指标未完成) is not a veto row: the binding flag of the indicators it
names (县区 #1; 园区 #1 and #2) makes the engine fail them. 二氧化碳排放总量较基准年变化 is scored by
threshold (≤ 方案目标) rather than ratio because the change can be negative."""

from decimal import Decimal

from django.db import migrations

# Catalogue entries added here: code -> (name, unit, direction, category).
NEW_INDICATORS = {
    "non_fossil_share_rise": ("非化石能源占能源消费比重提高幅度", "百分点", "up", "目标完成"),
    "leading_body": ("试点领导机构、专班与专职人员", "", "up", "建立降碳管理机制"),
    "annual_carbon_accounting": ("年度碳排放核算/温室气体清单", "", "up", "建立降碳管理机制"),
    "carbon_platform_coverage": ("能碳数字化监测管理平台重点用能单位接入率", "%", "up", "建立降碳管理机制"),
    "low_carbon_policies": ("低碳政策制度（碳评纳入项目准入、激励资金、绿色采购等）", "项", "up", "建立降碳管理机制"),
    "carbon_inclusion": ("碳普惠/碳市场参与（碳惠三秦场景、CCER/碳汇项目）", "", "up", "建立降碳管理机制"),
    "clean_heating": ("北方地区清洁取暖率", "%", "up", "促进能源低碳转型"),
    "industry_energy_intensity_drop": ("规上工业单位增加值能耗降低率", "%", "up", "推动节能低碳发展"),
    "nev_public_fleet": ("新增/更新公交、出租、公务用车新能源占比", "%", "up", "推动节能低碳发展"),
    "public_institution_energy_drop": ("公共机构单位建筑面积能耗降低率", "%", "up", "推动节能低碳发展"),
    "green_living": ("绿色低碳生活（生活垃圾回收利用率/绿色出行比例）", "%", "up", "推动节能低碳发展"),
    "near_zero_scenarios": ("近零碳示范场景数（社区/校园/景区/园区/建筑）", "个", "up", "推动节能低碳发展"),
    "pm25_drop": ("PM2.5年均浓度降幅", "%", "up", "增强降碳减污协同"),
    "nox_voc_projects": ("NOx、VOCs重点工程减排量完成率", "%", "up", "增强降碳减污协同"),
    "synergy_projects": ("减污降碳协同项目完成率", "%", "up", "增强降碳减污协同"),
    "methane_n2o_control": ("污水/垃圾/农业领域甲烷与氧化亚氮协同控制措施", "", "up", "增强降碳减污协同"),
    "iva_energy_intensity": ("单位工业增加值综合能耗", "吨标准煤/万元", "down", "核心降碳"),
    "park_management_body": ("园区降碳专门管理机构及专职人员", "", "up", "建立降碳管理机制"),
    "park_carbon_ledger": ("园区年度碳排放核算报告/企业碳账本", "", "up", "建立降碳管理机制"),
    "park_platform_coverage": ("能碳管理平台重点企业在线监测接入率", "%", "up", "建立降碳管理机制"),
    "carbon_verification_share": ("开展碳排放核查/碳足迹认证企业占比", "%", "up", "建立降碳管理机制"),
    "low_carbon_admission": ("入园项目碳排放评价/低碳准入清单", "", "up", "建立降碳管理机制"),
    "renewable_power_share": ("可再生电力消费占比（含绿电交易、绿证）", "%", "up", "促进能源低碳转型"),
    "distributed_pv": ("分布式光伏装机", "兆瓦", "up", "促进能源低碳转型"),
    "waste_heat_use": ("余热/余冷/余压综合利用率", "%", "up", "促进能源低碳转型"),
    "benchmark_efficiency_share": ("企业能效达标杆水平比例", "%", "up", "推动节能低碳发展"),
    "green_factory_share": ("绿色工厂/绿色供应链管理企业占比", "%", "up", "推动节能低碳发展"),
    "green_building_2star": ("新建建筑二星及以上绿色建筑占比", "%", "up", "推动节能低碳发展"),
    "clean_transport_share": ("货物清洁运输比例/新能源交通工具占比", "%", "up", "推动节能低碳发展"),
    "water_reuse": ("工业用水重复利用率", "%", "up", "推动节能低碳发展"),
    "green_rd_intensity": ("绿色低碳R&D投入强度", "%", "up", "推动节能低碳发展"),
    "cleaner_production_audit": ("重点企业清洁生产审核实施率", "%", "up", "增强降碳减污协同"),
    "pollutant_reduction": ("主要污染物（NOx/VOCs）排放量较基准年削减率", "%", "up", "增强降碳减污协同"),
    "env_disclosure": ("规上企业环境信息披露率", "%", "up", "增强降碳减污协同"),
}

# (category, points, [(indicator code, points, rule, params, binding, target note, reference), ...])
COUNTY = [
    ("目标完成", 30, [
        ("co2_intensity_drop", 12, "ratio_up", {}, True, "≥ 市下达同期进度（或自定目标 ≥ 国家进度，约每年3.9%）", "SX, Nat"),
        ("co2_total_change", 6, "threshold", {"direction": "down"}, False, "≤ 方案目标（近零碳：绝对量下降）", "P"),
        ("energy_intensity_drop", 6, "ratio_up", {}, False, "≥ 下达进度", "SX"),
        ("non_fossil_share_rise", 6, "ratio_up", {}, False, "≥ 方案目标", "SX"),
    ]),
    ("建立降碳管理机制", 15, [
        ("leading_body", 2, "evidence", {}, False, "成立并运行，≥2名专职人员", "ZJ"),
        ("annual_carbon_accounting", 4, "qualitative", {}, False, "每年编制，方法规范", "SX"),
        ("carbon_platform_coverage", 3, "ratio_up", {"target": 80}, False, "≥80%", "P"),
        ("low_carbon_policies", 3, "tiered", {"tiers": [[1, 1], [2, 2], [3, 3]]}, False, "≥3项", "P"),
        ("carbon_inclusion", 3, "qualitative", {}, False, "有场景上线/项目开发", "P"),
    ]),
    ("促进能源低碳转型", 20, [
        ("non_fossil_share", 5, "ratio_up", {}, False, "≥ 方案目标（全省2025年约16%）", "Nat/K"),
        ("renewable_capacity", 4, "ratio_up", {}, False, "新增装机（光伏、风电、生物质等）≥ 方案目标", "P"),
        ("coal_share", 4, "ratio_down", {}, False, "≤ 方案目标", "P"),
        ("clean_heating", 4, "ratio_up", {}, False, "≥ 方案目标（关中基本全覆盖）", "P"),
        ("electrification", 3, "ratio_up", {}, False, "≥ 方案目标", "P"),
    ]),
    ("推动节能低碳发展", 20, [
        ("industry_energy_intensity_drop", 4, "ratio_up", {}, False, "≥ 方案目标", "P"),
        ("green_building", 3, "ratio_up", {"target": 100}, False, "100%", "Nat"),
        ("nev_public_fleet", 3, "ratio_up", {"target": 80}, False, "≥80%", "JS"),
        ("public_institution_energy_drop", 2, "ratio_up", {}, False, "≥ 方案目标", "P"),
        ("forest_coverage", 4, "ratio_up", {}, False, "不降低且达方案目标", "P"),
        ("green_living", 2, "ratio_up", {}, False, "≥ 方案目标", "P"),
        ("near_zero_scenarios", 2, "tiered", {"tiers": [[1, 1], [3, 2]]}, False, "≥3个", "P"),
    ]),
    ("增强降碳减污协同", 15, [
        ("pm25_drop", 4, "ratio_up", {}, False, "完成省/市下达目标", "P"),
        ("nox_voc_projects", 3, "ratio_up", {"target": 100}, False, "100%", "P"),
        ("solid_waste", 3, "ratio_up", {"target": 80}, False, "≥ 方案目标（≥80%）", "N"),
        ("synergy_projects", 3, "ratio_up", {"target": 100}, False, "100%（超低排放、VOCs源头替代、锅炉低氮等）", "P"),
        ("methane_n2o_control", 2, "qualitative", {}, False, "有措施有成效", "P"),
    ]),
]

PARK = [
    ("核心降碳", 30, [
        ("iva_co2_intensity", 10, "ratio_down", {"target": 0.6}, True, "≤0.6，或达方案降幅", "JS"),
        ("co2_per_tce", 8, "ratio_down", {}, True, "较基准年下降 ≥ 方案目标；近零碳路径 ≤0.20（20–100万吨标准煤园区）/≤0.30（≥100万吨标准煤园区）", "N"),
        ("co2_total_change", 6, "threshold", {"direction": "down"}, False, "≤ 方案目标", "P"),
        ("iva_energy_intensity", 6, "ratio_down", {"target": 0.35}, False, "≤0.35，或达方案降幅", "JS"),
    ]),
    ("建立降碳管理机制", 15, [
        ("park_management_body", 2, "evidence", {}, False, "设立专门管理机构，≥2名专职人员", "ZJ"),
        ("park_carbon_ledger", 4, "qualitative", {}, False, "每年编制，覆盖规上企业", "S"),
        ("park_platform_coverage", 3, "ratio_up", {"target": 80}, False, "≥80%", "P"),
        ("carbon_verification_share", 3, "ratio_up", {"target": 10}, False, "≥10%", "JS"),
        ("low_carbon_admission", 3, "evidence", {}, False, "建立并执行", "S"),
    ]),
    ("促进能源低碳转型", 20, [
        ("clean_energy_share", 6, "ratio_up", {}, False, "≥ 方案目标（近零碳 ≥50%；零碳园区 ≥90%）", "N"),
        ("renewable_power_share", 5, "ratio_up", {"target": 30}, False, "≥30%", "JS"),
        ("electrification", 3, "ratio_up", {"target": 50}, False, "终端电气化率 ≥50%", "JS"),
        ("distributed_pv", 3, "ratio_up", {}, False, "≥ 方案目标", "P"),
        ("waste_heat_use", 3, "ratio_up", {"target": 50}, False, "≥50%（或储能/微电网）", "N"),
    ]),
    ("推动节能低碳发展", 20, [
        ("benchmark_efficiency_share", 4, "ratio_up", {"target": 50}, False, "≥50%", "JS"),
        ("green_factory_share", 4, "ratio_up", {"target": 50}, False, "≥50%", "JS"),
        ("green_building_2star", 3, "ratio_up", {"target": 50}, False, "≥50%", "JS"),
        ("clean_transport_share", 3, "ratio_up", {"target": 80}, False, "≥80%", "JS"),
        ("water_reuse", 3, "ratio_up", {"target": 85}, False, "≥85%（N：≥80%）", "JS/N"),
        ("green_rd_intensity", 3, "tiered", {"tiers": [[1.5, 1], [2.5, 2], [3.5, 3]]}, False, "≥3.5%（或省级以上绿色低碳创新平台 ≥1个）", "JS"),
    ]),
    ("增强降碳减污协同", 15, [
        ("solid_waste", 4, "ratio_up", {"target": 96}, False, "≥96%（N：≥80%）", "JS/N"),
        ("cleaner_production_audit", 3, "ratio_up", {"target": 100}, False, "100%", "ZJ"),
        ("pollutant_reduction", 3, "ratio_up", {}, False, "≥ 方案目标", "P"),
        ("env_disclosure", 2, "ratio_up", {"target": 50}, False, "≥50%", "JS"),
        ("synergy_projects", 3, "ratio_up", {"target": 100}, False, "100%", "P"),
    ]),
]

VETOES = [
    ("major_environmental_incident", "试点期内发生重大及以上突发环境事件"),
    ("data_fraud", "数据弄虚作假"),
]
PENALTIES = [
    ("late_reporting", "年度自评估报告或监测数据未按时报送", 2),
    ("key_projects_delayed", "重点工程项目明显滞后且无合理说明", 3),
]
COUNTY_BONUSES = [
    ("national_pilot_title", "获国家级低碳/减污降碳/气候类试点称号", 3),
    ("experience_promoted", "试点经验被省级以上推广", 2),
    ("green_finance", "绿色金融/碳汇交易落地", 2),
]
PARK_BONUSES = [
    ("national_zero_carbon_park", "入选国家零碳园区/减污降碳协同创新试点园区", 3),
    ("green_power_direct", "绿电直连/源网荷储一体化示范", 2),
    ("ccus", "CCUS示范项目", 2),
]
SYSTEMS = [
    (
        "county",
        "县（市、区）低碳近零碳试点验收评价指标体系",
        "附件3的建议稿（research.md §3.3(a)，[P]），正式附件发布后以新版本替换。",
        COUNTY,
        COUNTY_BONUSES,
    ),
    (
        "park",
        "园区低碳近零碳试点验收评价指标体系",
        "附件4的建议稿（research.md §3.3(b)，[P]），正式附件发布后以新版本替换。",
        PARK,
        PARK_BONUSES,
    ),
]


def create(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    System = apps.get_model("indicators", "AcceptanceSystem")
    Category = apps.get_model("indicators", "AcceptanceCategory")
    Item = apps.get_model("indicators", "AcceptanceItem")
    Veto = apps.get_model("indicators", "AcceptanceVeto")
    Adjustment = apps.get_model("indicators", "AcceptanceAdjustment")
    for code, (name, unit, direction, category) in NEW_INDICATORS.items():
        Indicator.objects.get_or_create(
            code=code, defaults={"name": name, "unit": unit, "direction": direction, "category": category}
        )
    for kind, name, description, categories, bonuses in SYSTEMS:
        if System.objects.filter(kind=kind, version=1).exists():
            continue
        system = System.objects.create(kind=kind, version=1, name=name, description=description, is_proposal=True)
        for c_order, (c_name, c_points, items) in enumerate(categories):
            assert sum(i[1] for i in items) == c_points, c_name
            category = Category.objects.create(system=system, name=c_name, points=c_points, order=c_order)
            for order, (code, points, rule, params, binding, note, reference) in enumerate(items):
                Item.objects.create(
                    category=category,
                    indicator=Indicator.objects.get(code=code),
                    points=Decimal(points),
                    rule=rule,
                    params=params,
                    binding=binding,
                    order=order,
                    target_note=note,
                    reference=reference,
                )
        for order, (code, text) in enumerate(VETOES):
            Veto.objects.create(system=system, code=code, description=text, order=order)
        for kind_, rows in (("bonus", bonuses), ("penalty", PENALTIES)):
            for order, (code, text, points) in enumerate(rows):
                Adjustment.objects.create(
                    system=system, kind=kind_, code=code, description=text, max_points=points, order=order
                )


def remove(apps, schema_editor):
    # Bottom-up raw deletes: the tables go with 0003 anyway, and the deletion collector of historical
    # models mixes model classes on the way back.
    alias = schema_editor.connection.alias
    for model in ("AcceptanceItem", "AcceptanceCategory", "AcceptanceVeto", "AcceptanceAdjustment", "AcceptanceSystem"):
        apps.get_model("indicators", model).objects.all()._raw_delete(alias)
    apps.get_model("indicators", "Indicator").objects.filter(code__in=list(NEW_INDICATORS))._raw_delete(alias)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_acceptance_systems")]

    operations = [migrations.RunPython(create, remove)]
