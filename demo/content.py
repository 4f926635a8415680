"""Plausible Annex 1 content for the demo data: deterministic per organisation, scaled by kind.

Figures are illustrative (orders of magnitude of Shaanxi counties and parks), not official data.
"""

import hashlib
from decimal import Decimal

from django.utils import timezone

from applications import services
from applications.models import ApplicationTarget, Contact, FundingPlan, KeyProject, PilotTask
from applications.validators import ALPHABET, credit_code_check_char
from core.models import Notification
from indicators.selectors import indicators_by_code

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林"
GIVEN = ["建华", "晓东", "海燕", "志强", "丽娟", "文博", "国庆", "红梅", "永刚", "静"]
COAL_HEAVY = {"610881", "610822", "610802", "610803", "610581"}  # 神木、府谷、榆阳、横山、韩城


def _rng(key: str):
    digest = hashlib.sha256(key.encode()).digest()
    index = 0

    def uniform(low: float, high: float) -> Decimal:
        nonlocal index
        value = int.from_bytes(digest[index % 30 : index % 30 + 2], "big") / 65535
        index += 2
        return Decimal(str(round(low + (high - low) * value, 2)))

    return uniform


def _person(key: str, n: int) -> str:
    digest = hashlib.md5(f"{key}{n}".encode()).digest()
    return SURNAMES[digest[0] % len(SURNAMES)] + GIVEN[digest[1] % len(GIVEN)]


def _organisation_fields(org) -> dict:
    """A well-formed (illustrative) unified social credit code and an address, unless already set."""
    division = org.division.code if org.division else "610000"
    digest = hashlib.sha256(org.name.encode()).digest()
    body = "11" + division[:6] + "".join(ALPHABET[b % 10] for b in digest[:8]) + ALPHABET[digest[8] % 31]
    place = org.division.full_name if org.division else "陕西省"
    return {
        "credit_code": org.credit_code or body + credit_code_check_char(body),
        "address": org.address or f"{place}{org.short_name or org.name}政务服务中心",
    }


def fill(application, by) -> None:
    org = application.organisation
    r = _rng(org.name)
    park = application.is_park
    short = org.short_name or org.name
    services.application_update(
        application=application,
        by=by,
        section="基本情况与边界",
        organisation_fields=_organisation_fields(org),
        fields={
            "pilot_scope": "whole",
            "boundary_area_km2": r(20, 80) if park else r(600, 2800),
            "boundary_description": (
                f"{short}规划控制范围，四至边界清晰，统计口径与管委会统计报表一致。"
                if park
                else f"{short}行政区划全域，统计口径与县（区）统计年鉴一致。"
            ),
            "statistical_boundary_clear": park,
            "enterprises_count": int(r(300, 1500)) if park else None,
            "above_scale_enterprises_count": int(r(40, 200)) if park else None,
            "leading_industries": "电子信息、先进制造、生物医药" if park else "",
            "work_foundation": (
                f"{short}已成立碳达峰碳中和工作领导小组，编制了碳达峰实施方案，建成分布式光伏"
                f"{r(20, 120)}兆瓦，完成清洁取暖改造{int(r(3000, 20000))}户，"
                "重点用能单位能耗在线监测实现全覆盖，单位GDP能耗连续三年下降。"
            ),
            "existing_policies": "碳达峰实施方案；绿色低碳发展“十四五”规划；减污降碳协同增效实施方案。",
            "organisation_setup": "主要负责同志任组长的试点建设领导小组，下设办公室于生态环境部门，配备专职人员3名。",
            "declares_no_major_accident": True,
            "priority_eco_civilisation": not park and r(0, 1) > Decimal("0.5"),
            "priority_green_industrial_park": park and r(0, 1) > Decimal("0.4"),
        },
    )
    Contact.objects.bulk_create(
        [
            Contact(
                application=application,
                role=Contact.Role.LEADER,
                name=_person(org.name, 1),
                title="县长" if not park else "管委会主任",
                unit=org.name,
                mobile="13900000001",
            ),
            Contact(
                application=application,
                role=Contact.Role.CONTACT,
                name=_person(org.name, 2),
                title="科长",
                unit=f"{short}生态环境局" if not park else f"{short}生态环境部",
                mobile="13900000002",
                phone="029-88880000",
                email="lowcarbon@example.cn",
            ),
        ]
    )
    population = r(3, 12) if park else r(12, 60)
    gdp = population * r(9, 18) if park else population * r(4.5, 9)
    coal_multiplier = Decimal(12) if org.division_id in COAL_HEAVY else Decimal(1)
    for offset, year in enumerate(application.baseline_years):
        growth = Decimal("1") + Decimal("0.05") * (offset - 2)
        year_gdp = (gdp * growth).quantize(Decimal("0.01"))
        services.baseline_save(
            application=application,
            by=by,
            year=year,
            fields={
                "data_source": f"{year}年统计年鉴、统计公报",
                "resident_population_10k": population,
                "gdp_100m": year_gdp,
                "gdp_constant_100m": year_gdp,
                "primary_share": Decimal("2.10") if park else Decimal("12.40"),
                "secondary_share": Decimal("63.50") if park else Decimal("41.20"),
                "tertiary_share": Decimal("34.40") if park else Decimal("46.40"),
                "industrial_value_added_100m": (year_gdp * Decimal("0.55")).quantize(Decimal("0.01")),
                "electricity_10k_kwh": (year_gdp * r(420, 680)).quantize(Decimal("0.01")),
                "green_power_10k_kwh": (year_gdp * r(10, 60)).quantize(Decimal("0.01")),
                "purchased_heat_gj": (year_gdp * r(200, 900)).quantize(Decimal("0.01")) if park else None,
                "generation_pv_10k_kwh": (year_gdp * r(10, 40)).quantize(Decimal("0.01")),
                "capacity_pv_mw": r(20, 150),
                "non_fossil_share": r(12, 24),
                "forest_coverage": None if park else r(35, 72),
                "pm25": r(28, 52),
                "good_air_days_ratio": r(68, 90),
            },
            energy={
                "raw_coal": (year_gdp * r(350, 900) * coal_multiplier).quantize(Decimal("0.001")),
                "natural_gas": (year_gdp * r(2, 6)).quantize(Decimal("0.001")),
                "gasoline": (year_gdp * r(25, 45)).quantize(Decimal("0.001")),
                "diesel": (year_gdp * r(35, 70)).quantize(Decimal("0.001")),
            },
        )
    indicators = indicators_by_code("co2_intensity_drop", "energy_intensity_drop", "non_fossil_share")
    ApplicationTarget.objects.bulk_create(
        [
            ApplicationTarget(
                application=application,
                indicator=indicators["co2_intensity_drop"],
                base_value=0,
                target_value=r(18, 24),
                is_binding=True,
            ),
            ApplicationTarget(
                application=application,
                indicator=indicators["energy_intensity_drop"],
                base_value=0,
                target_value=r(13.5, 16),
                is_binding=True,
            ),
            ApplicationTarget(
                application=application,
                indicator=indicators["non_fossil_share"],
                base_value=r(12, 18),
                target_value=r(20, 28),
            ),
        ]
    )
    projects = [
        ("分布式光伏整体推进项目", PilotTask.ENERGY, "光伏", r(8000, 30000), r(8000, 30000)),
        ("重点企业节能降碳改造", PilotTask.EFFICIENCY, "节能改造", r(3000, 12000), r(5000, 20000)),
        ("能碳一体化监测管理平台", PilotTask.MANAGEMENT, "数字化平台", r(600, 1800), r(0, 500)),
        ("清洁取暖与锅炉低氮改造", PilotTask.SYNERGY, "清洁取暖", r(2000, 9000), r(3000, 12000)),
    ]
    KeyProject.objects.bulk_create(
        [
            KeyProject(
                application=application,
                name=f"{short}{name}",
                task=task,
                subtype=subtype,
                owner_unit=f"{short}发展和改革局" if task == PilotTask.ENERGY else f"{short}生态环境局",
                location=short,
                content=f"实施{name}，2023—2025年分年度推进。",
                start_year=2023,
                end_year=2025,
                status=KeyProject.Status.BUILDING,
                total_investment=investment,
                fund_provincial=(investment * Decimal("0.1")).quantize(Decimal("0.01")),
                fund_local=(investment * Decimal("0.2")).quantize(Decimal("0.01")),
                fund_enterprise=investment
                - (investment * Decimal("0.1")).quantize(Decimal("0.01"))
                - (investment * Decimal("0.2")).quantize(Decimal("0.01")),
                expected_co2_reduction_t=reduction,
                calculation_note="按年发电量（节能量）× 陕西省电网排放因子测算。",
            )
            for name, task, subtype, investment, reduction in projects
        ]
    )
    FundingPlan.objects.bulk_create(
        [
            FundingPlan(application=application, year=year, source=source, amount=r(500, 5000), use=use)
            for year, source, use in [
                (2024, FundingPlan.Source.PROVINCIAL, "试点奖补资金（申请）"),
                (2024, FundingPlan.Source.LOCAL, "配套资金"),
                (2025, FundingPlan.Source.ENTERPRISE, "重点项目企业投资"),
            ]
        ]
    )


def restate_opening_notice(batch) -> None:
    """The demo opens each batch with provisional future dates (so that its applications can be
    submitted through the services) and sets the real dates afterwards. The "已开放申报" notice must
    then state the real deadline, and a call that has long closed leaves no notice in today's inbox."""
    batch.refresh_from_db()
    notices = Notification.objects.filter(dedupe_key__startswith=f"{services.opening_notice_key(batch)}:")
    deadline = batch.application_deadline
    if deadline is None or deadline < timezone.localdate():
        notices.delete()
    else:
        notices.update(title=services.opening_notice_title(batch))
