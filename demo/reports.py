"""Demo annual self-assessments (年度自评报告) of the first batch's pilots, 2023-2025 and the 2026 draft.

Everything goes through reports.services; only the historic submission times (and so the late mark) are
set afterwards, as the seed does for the batches' historic dates. Deterministic: the figures follow the
pilot's base-year data (its plan's, else its application's) with a steady yearly decline.
"""

import datetime
import zoneinfo
from decimal import Decimal

from organisations.models import Role
from organisations.roles import users_with_role
from pilots.models import Pilot
from reports import accounting, checks, ledger, services
from reports.models import AnnualReport, ReportEvaluation

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FIRST_BATCH = "2023年第一批"
REPORTING = (
    Pilot.State.PLAN_FILED,
    Pilot.State.IMPLEMENTING,
    Pilot.State.ACCEPTANCE_REQUESTED,
    Pilot.State.ACCEPTANCE_FORWARDED,
    Pilot.State.IN_ACCEPTANCE_REVIEW,
    Pilot.State.ACCEPTED,
    Pilot.State.ACCEPTANCE_FAILED,
    Pilot.State.PLAN_SUBMITTED,
    Pilot.State.PLAN_RETURNED,
)
STILL_BUILDING = (
    Pilot.State.PLAN_FILED,
    Pilot.State.IMPLEMENTING,
    Pilot.State.PLAN_SUBMITTED,
    Pilot.State.PLAN_RETURNED,
)
RATINGS = [
    ReportEvaluation.Rating.EXCELLENT,
    ReportEvaluation.Rating.GOOD,
    ReportEvaluation.Rating.GOOD,
    ReportEvaluation.Rating.PASS,
]
OPINIONS = {
    "excellent": "年度目标任务全面完成，重点项目进度超前，降碳管理机制健全，典型经验可复制推广。",
    "good": "年度目标任务总体按进度完成，重点项目有序推进；个别指标数据支撑材料有待完善。",
    "pass": "主要约束性指标达到年度进度要求，部分重点项目投资完成率偏低，请加快推进。",
    "fail": "约束性指标未达到年度进度要求，请制定整改措施并报送。",
}
DEFAULT_BASE = {
    "gdp": Decimal("120"),
    "population": Decimal("25"),
    "fuels": {"raw_coal": Decimal("180000"), "diesel": Decimal("9000"), "natural_gas": Decimal("3200")},
    "electricity": Decimal("95000"),
    "heat": Decimal("120000"),
}


def _when(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def _first(users):
    users = list(users)
    return users[0] if users else None


def _base(pilot):
    activity = accounting.base_activity(pilot)
    if activity is None or not activity.uses:
        return DEFAULT_BASE
    return {
        "gdp": activity.gdp_constant_100m or activity.gdp_100m or DEFAULT_BASE["gdp"],
        "population": activity.resident_population_10k or DEFAULT_BASE["population"],
        "fuels": {u.fuel: u.quantity for u in activity.uses},
        "electricity": activity.electricity_10k_kwh or DEFAULT_BASE["electricity"],
        "heat": activity.purchased_heat_gj or Decimal(0),
    }


def _fill(report, staff, index: int, sets) -> None:
    """Real-looking figures for the report's year: fossil fuels −4 %/year, power +5 %/year with more local
    solar and green power, GDP +5.5 %/year."""
    base = _base(report.pilot)
    n = report.year - 2022
    q2 = Decimal("0.01")
    fuel_factor = Decimal("0.96") ** n
    gdp = (base["gdp"] * Decimal("1.055") ** n).quantize(q2)
    consumed = (base["electricity"] * Decimal("1.05") ** n).quantize(q2)
    local = (consumed * (Decimal("0.06") + Decimal("0.03") * n)).quantize(q2)
    exported = (local * Decimal("0.1")).quantize(q2)
    grid = consumed - local + exported
    green = (grid * Decimal("0.02") * n).quantize(q2)
    heat = (base["heat"] * fuel_factor).quantize(q2)
    fuels = {f: (q * fuel_factor).quantize(Decimal("0.001")) for f, q in base["fuels"].items()}
    services.report_update(
        report=report,
        by=staff,
        section="general",
        fields={
            "gdp_100m": (gdp * Decimal("1.03") ** n).quantize(q2),
            "gdp_constant_100m": gdp,
            "population_10k": (base["population"] * Decimal("1.002") ** n).quantize(q2),
            "summary": f"{report.year}年，{report.pilot.organisation.name}围绕降碳管理机制、能源低碳转型、节能低碳发展和"
            "降碳减污协同四项任务推进试点建设，重点项目按计划实施，碳排放强度较基准年持续下降。",
        },
    )
    services.report_update(
        report=report,
        by=staff,
        section="energy",
        fields={
            "grid_purchase_10k_kwh": grid,
            "green_power_10k_kwh": green,
            "local_generation_10k_kwh": local,
            "exported_10k_kwh": exported,
            "electricity_consumed_10k_kwh": consumed,
            "heat_gj": heat,
        },
    )
    services.report_set_fuels(report=report, by=staff, quantities=fuels)
    report.refresh_from_db()
    factor_set = accounting.factor_set_for(report.year, sets)
    total = checks.energy_sum_tce(report, list(report.fuel_uses.all()), factor_set)
    services.report_update(
        report=report,
        by=staff,
        section="tasks",
        fields={
            "total_energy_tce": (total * Decimal("1.012")).quantize(q2) if total else None,
            "task_mechanism": "成立试点建设领导小组，建立碳排放统计核算和目标责任考核制度，按季度调度重点项目。",
            "task_energy": f"新增分布式光伏，本地发电量达到{local}万千瓦时；推进清洁取暖和天然气替代。",
            "task_saving": "实施工业企业节能改造和公共建筑能效提升，新建建筑全面执行绿色建筑标准。",
            "task_synergy": "推进工业园区污水处理设施提标改造，开展秸秆综合利用和农村人居环境整治。",
            "funds_used_10k_yuan": Decimal(800 + 150 * (index % 7) + 120 * n),
            "funds_note": "省级专项资金按计划拨付，县级配套资金足额到位，社会资本参与重点项目建设。",
            "problems": "部分重点项目前期手续办理周期较长；能源统计基础薄弱，部分数据依赖企业台账。",
            "next_steps": "加快推进重点项目建设，完善能源和碳排放统计监测体系，总结推广典型经验。",
        },
    )
    for position, (_code, path) in enumerate(ledger.target_path(report.pilot).items()):
        value = path.values.get(report.year)
        if value is None:
            continue
        # most targets on the path; one pilot in four lags on its second target
        if index % 4 == 3 and position == 1:
            value = value * (Decimal("0.85") if path.indicator.direction == "up" else Decimal("1.15"))
        low, high = checks.plausible_range(path.indicator)
        if high is not None:
            value = min(value, high)
        services.report_set_actual(
            report=report,
            by=staff,
            indicator=path.indicator,
            value=value.quantize(Decimal("0.01")),
            data_source="县统计局、国网供电公司" if position % 2 == 0 else "重点企业能源台账",
            quality="yearbook" if position % 2 == 0 else "enterprise",
        )
    for project in ledger.key_projects(report.pilot):
        amount = ((project.investment_by_year or {}).get(str(report.year)) or {}).get("amount")
        services.report_set_progress(
            report=report,
            by=staff,
            project_id=project.pk,
            name=project.name,
            milestone_met=(project.pk + report.year) % 3 != 0,
            note="按年度节点推进，已完成主体工程建设。"
            if (project.pk + report.year) % 3
            else "受用地审批影响，节点滞后约两个月。",
            investment=Decimal(str(amount)) if amount else None,
        )
    if report.year == 2025:
        services.report_add_case(
            report=report,
            by=staff,
            title="整县屋顶分布式光伏与储能示范",
            text="依托党政机关、学校和工业厂房屋顶建设分布式光伏，配套建设储能设施，年减排二氧化碳约1.2万吨。",
        )


def _explain(report, staff) -> None:
    """The pilot explains each change beyond the threshold, as the check asks before submission."""
    report.refresh_from_db()
    for check in checks.unexplained_changes(report):
        code = check.code.removeprefix("yoy:")
        if code.startswith("indicator:"):
            actual = report.actuals.select_related("indicator").get(
                indicator__code=code.removeprefix("indicator:")
            )
            services.report_set_actual(
                report=report,
                by=staff,
                indicator=actual.indicator,
                value=actual.value,
                data_source=actual.data_source,
                quality=actual.quality,
                explanation="按建设方案年度目标推进，重点项目集中投产，数据经统计部门核实。",
            )
        else:
            services.report_update(
                report=report,
                by=staff,
                section="energy",
                fields={"activity_explanation": "重点项目集中投产及统计口径调整，数据经统计部门核实。"},
            )


def _submit(report, staff, at: datetime.datetime) -> None:
    _explain(report, staff)
    report = services.report_transition(report=report, name="submit", by=staff)
    AnnualReport.objects.filter(pk=report.pk).update(submitted_at=at, is_late=at.date() > report.due_on)


def seed(stdout) -> None:
    province = _first(users_with_role(Role.PROVINCE_OFFICER))
    pilots = list(
        Pilot.objects.filter(batch__name__startswith=FIRST_BATCH, state__in=REPORTING)
        .select_related("organisation", "batch")
        .order_by("pk")
    )
    sets = accounting.factor_sets()
    count = 0
    for index, pilot in enumerate(pilots):
        staff = _first(users_with_role(Role.APPLICANT, organisation=pilot.organisation_id))
        city = _first(users_with_role(Role.CITY_OFFICER, review_unit=pilot.organisation.review_unit_id))
        if staff is None:
            continue
        years = [2023, 2024, 2025] + ([2026] if pilot.state in STILL_BUILDING else [])
        for year in years:
            report = services.report_create(pilot=pilot, year=year, by=staff)
            _fill(report, staff, index, sets)
            count += 1
            if year == 2026:
                continue  # the 2026 report is a draft: due 2026-12-10
            late = (year == 2024 and index % 4 == 1) or (year == 2025 and index % 5 == 1)
            _submit(report, staff, _when(year, 12, 16 if late else 6))
            report.refresh_from_db()
            if city is not None and (index + year) % 3 == 0:
                services.report_add_city_opinion(
                    report=report, by=city, text="经审核，报告数据与市级统计口径一致，同意报送。"
                )
            if year == 2025 and index % 5 == 0:
                services.report_transition(
                    report=report,
                    by=province,
                    name="return_for_revision",
                    reason="重点项目投资完成情况缺少佐证材料；非化石能源消费占比的数据来源请补充说明。",
                )
                continue
            if year == 2025 and index % 5 in (1, 2):
                continue  # submitted (one of them late), awaiting receipt
            services.report_transition(report=report, name="receive", by=province)
            rating = RATINGS[(index + year) % len(RATINGS)]
            if year == 2025 and index % 5 == 3:
                continue  # received, not yet evaluated
            services.report_evaluate(report=report, by=province, rating=rating, opinion=OPINIONS[rating])
    stdout.write(f"Annual reports: {count} for {len(pilots)} first-batch pilots.")
