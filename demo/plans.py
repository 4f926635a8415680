"""Demo construction plans, ledgers and change requests, through plans.services.

seed_demo moves each first-batch pilot through its stages; the plan stages (start_plan … record_local_
approval) are delegated to `plan_step` here, so every pilot past selection has a plan in the matching
state: 杨凌 drafting (with the agency's help), 陇县-style returned with comments per chapter, one submitted
awaiting review, 610430 filed awaiting local approval, the others filed, approved locally and in
implementation with a ledger. `seed(stdout)` then adds change requests: an approved target change (a
second ledger version) and pending ones at the city and at the province.

Figures are plausible for Shaanxi (not official): the province's 14th five-year target for CO₂ intensity
is −18 % over 2020–2025, so a 2022-based pilot path of about 4–5 points a year; non-fossil shares of
12–20 %; forest cover about 65–72 % in the Qinba mountains (安康, 汉中, 商洛), 40–50 % in Guanzhong and
about 35 % in northern Shaanxi.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indicators.models import Indicator
from organisations.models import Organisation, Role
from organisations.roles import users_with_role
from pilots.models import Pilot
from plans import services
from plans.models import Chapter, Plan, PlanDecision, PlanVersion
from plans.snapshot import construction_years

PLAN_STEPS = {"start_plan", "submit_plan", "return_plan", "file_plan", "record_local_approval"}
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
QINBA = ("6107", "6109", "6110")  # 汉中, 安康, 商洛
NORTH = ("6106", "6108")  # 延安, 榆林


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def _division(pilot: Pilot) -> str:
    org = pilot.organisation
    return org.division_id or (org.review_unit_id or "")


def _name(pilot: Pilot) -> str:
    return pilot.organisation.short_name or pilot.organisation.name


def _chapters(pilot: Pilot) -> dict[str, str]:
    name = _name(pilot)
    park = pilot.organisation.kind == Organisation.Kind.PARK
    scope = "园区规划范围" if park else "县域行政区划范围"
    return {
        Chapter.GENERAL: (
            f"<h3>（一）编制依据</h3><p>依据《陕西省低碳近零碳试点示范建设工作方案（2023-2025年）》（陕环发〔2023〕48号）"
            f"及省、市碳达峰实施方案，结合{name}实际，编制本方案。</p>"
            f"<h3>（二）试点范围与建设期</h3><p>试点范围为{scope}；建设期2023—2025年，基准年为2022年。</p>"
        ),
        Chapter.FOUNDATION: (
            f"<p>{name}能源消费以煤炭、电力为主，2022年全社会用电量持续增长，可再生能源装机占比逐年提高。</p>"
            "<ul><li>已成立碳达峰碳中和工作领导小组；</li><li>建成重点用能单位能耗在线监测系统；</li>"
            "<li>完成2022年度温室气体排放清单编制。</li></ul>"
        ),
        Chapter.SITUATION: (
            "<p><strong>优势：</strong>可再生能源资源较好，生态本底优良。<strong>短板：</strong>产业结构偏重，"
            "碳排放统计核算基础薄弱。</p><p>按试点情景测算，2025年单位GDP二氧化碳排放较2022年下降13%以上。</p>"
        ),
        Chapter.GOALS: (
            "<h3>（一）总体目标</h3><p>到2025年，低碳近零碳发展机制基本建立，能源结构持续优化，"
            "碳排放强度明显下降，形成可复制推广的试点经验。</p><p>分年度目标见目标指标表。</p>"
        ),
        Chapter.TASKS: (
            "<h3>（一）建立降碳管理机制</h3><p>建立碳排放统计核算制度，建设能碳监测管理平台。</p>"
            "<h3>（二）促进能源低碳转型</h3><p>推进分布式光伏、清洁取暖和电能替代。</p>"
            "<h3>（三）推动节能低碳发展</h3><p>实施工业节能降碳改造和公共建筑节能改造。</p>"
            "<h3>（四）增强降碳减污协同</h3><p>推进固废综合利用和VOCs协同治理。</p>"
        ),
        Chapter.PROJECTS: "<p>共谋划重点工程项目3个，总投资与年度计划见重点工程项目表，减排量按项目逐一测算。</p>",
        Chapter.INVESTMENT: "<p>资金以企业自筹和社会资本为主，积极争取中央和省级专项资金，详见资金筹措表。</p>",
        Chapter.OUTCOMES: "<p>试点建成后，预计年减排二氧化碳约3万吨，带动绿色低碳产业发展。</p>",
        Chapter.SAFEGUARDS: (
            "<table><tr><th>保障措施</th><th>责任单位</th></tr><tr><td>组织保障</td><td>试点工作领导小组</td></tr>"
            "<tr><td>资金保障</td><td>财政局</td></tr><tr><td>监测评估（年度自评、中期评估）</td><td>生态环境分局</td></tr></table>"
        ),
        Chapter.ANNEXES: "<p>附表：目标指标表、重点工程项目表、资金筹措表、基准年碳排放核算表。</p>",
    }


def _target_rows(pilot: Pilot, years: list[int]) -> list[dict]:
    codes = Indicator.objects.in_bulk(
        ["co2_intensity_drop", "non_fossil_share", "forest_coverage", "co2_per_tce", "solid_waste"],
        field_name="code",
    )
    seed = int(pilot.organisation_id) % 7
    n = len(years)

    def path(base: Decimal, end: Decimal) -> dict[int, Decimal]:
        step = (end - base) / n
        return {y: (base + step * (i + 1)).quantize(Decimal("0.1")) for i, y in enumerate(years)}

    division = _division(pilot)
    rows = [
        {
            "indicator": codes["co2_intensity_drop"],
            "binding": True,
            "base_value": Decimal("0"),
            "values": path(Decimal("0"), Decimal("13.5") + Decimal(seed) / 2),
            "data_source": "统计部门、能源消费统计",
        },
        {
            "indicator": codes["non_fossil_share"],
            "binding": True,
            "base_value": Decimal("12.4") + seed,
            "values": path(Decimal("12.4") + seed, Decimal("16.0") + seed),
            "data_source": "能源统计、电网企业",
        },
    ]
    if pilot.organisation.kind == Organisation.Kind.PARK:
        rows.append(
            {
                "indicator": codes["co2_per_tce"],
                "binding": False,
                "base_value": Decimal("2.35"),
                "values": path(Decimal("2.35"), Decimal("2.05")),
                "data_source": "园区能源统计",
            }
        )
        rows.append(
            {
                "indicator": codes["solid_waste"],
                "binding": False,
                "base_value": Decimal("82.0"),
                "values": path(Decimal("82.0"), Decimal("90.0")),
                "data_source": "企业台账",
            }
        )
    else:
        base = (
            Decimal("68.0")
            if division.startswith(QINBA)
            else Decimal("35.5")
            if division.startswith(NORTH)
            else Decimal("44.0")
        )
        base += Decimal(seed) / 2
        rows.append(
            {
                "indicator": codes["forest_coverage"],
                "binding": False,
                "base_value": base,
                "values": path(base, base + Decimal("1.2")),
                "data_source": "林业部门年度森林资源监测",
            }
        )
    return rows


def _projects(pilot: Pilot, years: list[int]) -> list[dict]:
    name = _name(pilot)
    first, last = years[0], years[-1]
    return [
        {
            "name": f"{name}屋顶分布式光伏项目",
            "task": "energy",
            "location": name,
            "owner_unit": "国网陕西综合能源服务有限公司",
            "content": "利用公共建筑和工业厂房屋顶建设分布式光伏20兆瓦",
            "expected_reduction_t": Decimal("16200"),
            "investment_by_year": {
                str(first): {"amount": "3800", "source": "企业自筹"},
                str(first + 1): {"amount": "4200", "source": "绿色信贷"},
            },
            "milestones": {str(first): "完成备案并开工", str(first + 1): "并网10兆瓦", str(last): "全部并网"},
        },
        {
            "name": f"{name}公共建筑节能改造",
            "task": "efficiency",
            "location": name,
            "owner_unit": "住房和城乡建设局",
            "content": "对12栋公共建筑实施围护结构、照明和空调系统节能改造",
            "expected_reduction_t": Decimal("2100"),
            "investment_by_year": {str(first + 1): {"amount": "1500", "source": "市县财政"}},
            "milestones": {str(first + 1): "完成6栋", str(last): "全部完成并验收"},
        },
        {
            "name": f"{name}能碳监测管理平台",
            "task": "management",
            "location": name,
            "owner_unit": "发展和改革局",
            "content": "建设覆盖重点用能单位的能耗与碳排放在线监测平台",
            "expected_reduction_t": Decimal("0"),
            "investment_by_year": {str(first): {"amount": "600", "source": "省级资金"}},
            "milestones": {str(first): "平台上线", str(last): "接入全部重点用能单位"},
        },
    ]


def _fill(plan: Plan, by, *, complete: bool = True) -> None:
    pilot = plan.pilot
    years = construction_years(plan)
    chapters = _chapters(pilot)
    for key in Chapter.values if complete else Chapter.values[:3]:
        services.plan_save_chapter(plan=plan, key=key, body=chapters[key], by=by)
    services.plan_save_targets(plan=plan, rows=_target_rows(pilot, years), by=by)
    if not complete:
        return
    services.plan_save_projects(plan=plan, rows=_projects(pilot, years), by=by)
    services.plan_save_funding(
        plan=plan,
        by=by,
        rows=[
            {
                "year": years[0],
                "source": "enterprise",
                "amount": Decimal("4400"),
                "use": "分布式光伏、节能改造",
            },
            {"year": years[0], "source": "provincial", "amount": Decimal("600"), "use": "能碳监测管理平台"},
            {"year": years[1], "source": "green_finance", "amount": Decimal("4200"), "use": "分布式光伏"},
            {"year": years[1], "source": "local", "amount": Decimal("1500"), "use": "公共建筑节能改造"},
        ],
    )
    if not hasattr(plan, "baseline"):
        services.plan_save_baseline(
            plan=plan,
            by=by,
            fields={
                "data_source": "2022年统计年鉴、能源统计报表",
                "gdp_100m": Decimal("150.6"),
                "gdp_constant_100m": Decimal("150.6"),
                "resident_population_10k": Decimal("17.8"),
                "electricity_10k_kwh": Decimal("68500"),
                "green_power_10k_kwh": Decimal("3200"),
            },
            energy={
                "raw_coal": Decimal("185000"),
                "natural_gas": Decimal("3600"),
                "diesel": Decimal("12500"),
            },
        )


def _agency_user(pilot: Pilot):
    agencies = list(pilot.delegated_agencies.values_list("pk", flat=True))
    if not agencies:
        return None
    users = users_with_role(Role.AGENCY, organisation=agencies[0])
    return users[0] if users else None


def _backdate(plan: Plan, when: datetime.date) -> None:
    """Demo history: the plan was filed in early 2024 (the seeding runs today)."""
    moment = timezone.make_aware(datetime.datetime.combine(when, datetime.time(10, 0)))
    Plan.objects.filter(pk=plan.pk).update(filed_at=moment)
    PlanVersion.objects.filter(plan=plan).update(submitted_at=moment - datetime.timedelta(days=20))
    PlanDecision.objects.filter(plan=plan).update(decided_at=moment)


def plan_step(pilot: Pilot, step: str, *, staff, province) -> None:
    """Run one of the pilot's plan stages through plans.services (called by seed_demo._move_pilot)."""
    plan = Plan.objects.filter(pilot=pilot).select_related("pilot").first()
    if step == "start_plan":
        plan = services.plan_start(pilot=pilot, by=staff)
        drafter = _agency_user(pilot) or staff
        complete = pilot.organisation.name != "杨凌农业高新技术产业示范区管委会"  # the one still drafting
        _fill(plan, drafter, complete=complete)
    elif step == "submit_plan":
        services.plan_submit(plan=plan, by=staff)
    elif step == "return_plan":
        services.plan_return(
            plan=plan,
            by=province,
            comment="方案总体可行，请按分章节意见修改后重新报送。",
            chapter_comments={
                Chapter.PROJECTS: "重点工程减排量测算依据不足，请补充测算过程。",
                Chapter.GOALS: "单位GDP二氧化碳排放降低率分年度目标偏低，请对标全省平均水平。",
            },
        )
    elif step == "file_plan":
        number = Plan.objects.filter(state=Plan.State.FILED).count() + 1
        services.plan_file(
            plan=plan,
            by=province,
            filing_number=f"陕环试点备〔2024〕{number}号",
            comment="经审核，同意备案。",
        )
        _backdate(plan, datetime.date(2024, 2, 1) + datetime.timedelta(days=number))
    elif step == "record_local_approval":
        county = pilot.organisation.kind == Organisation.Kind.COUNTY
        name = _name(pilot)
        services.plan_record_local_approval(
            plan=plan,
            by=staff,
            meeting_kind=Plan.MeetingKind.COUNTY_EXECUTIVE if county else Plan.MeetingKind.PARK_COMMITTEE,
            meeting_name=f"{name}人民政府第8次常务会议" if county else f"{name}管委会专题会议",
            meeting_date=datetime.date(2024, 3, 8),
            minutes=_pdf("会议纪要.pdf"),
            issuing_document_no=f"{name[:2]}政办发〔2024〕12号",
            issued_on=datetime.date(2024, 3, 15),
        )
    else:  # pragma: no cover - PLAN_STEPS lists the steps
        raise ValueError(step)


def _officer(role: str, pilot: Pilot | None = None):
    if role == Role.CITY_OFFICER:
        users = users_with_role(role, review_unit=pilot.organisation.review_unit_id)
    else:
        users = users_with_role(role)
    return users[0] if users else None


def _staff(pilot: Pilot):
    users = users_with_role(Role.APPLICANT, organisation=pilot.organisation_id)
    return users[0] if users else None


def seed(stdout) -> None:
    """Change requests on the first batch's pilots in implementation (石泉县, 平利县 in 安康)."""
    from plans import selectors

    province = _officer(Role.PROVINCE_OFFICER)
    pilots = {
        p.organisation.division_id: p
        for p in Pilot.objects.filter(
            state=Pilot.State.IMPLEMENTING, organisation__division_id__in=["610922", "610926"]
        ).select_related("organisation")
    }
    shiquan, pingli = pilots.get("610922"), pilots.get("610926")
    if shiquan is not None:
        staff, city = _staff(shiquan), _officer(Role.CITY_OFFICER, shiquan)
        forest = selectors.target_path(shiquan)["forest_coverage"]
        last = max(forest.values)
        approved = services.change_request_create(
            pilot=shiquan,
            by=staff,
            kind="target",
            indicator=forest.indicator,
            target_values={last: forest.values[last] - Decimal("0.4")},
            binding=False,
            reasons="国土空间规划调整后，部分林地调整为重点项目建设用地，按林业部门核定值调减2025年森林覆盖率目标。",
            evidence=_pdf("县林业局核定意见.pdf"),
        )
        services.change_give_city_opinion(
            request=approved, by=city, supports=True, opinion="经核实，情况属实，同意调整。"
        )
        services.change_decide(request=approved, by=province, approve=True, reason="同意调整，其他目标不变。")
        project = selectors.key_projects(shiquan)[1]
        pending = services.change_request_create(
            pilot=shiquan,
            by=staff,
            kind="project",
            project=project,
            project_changes={
                "content": "对15栋公共建筑实施节能改造（新增3栋学校建筑）",
                "investment_by_year": {
                    **project.investment_by_year,
                    "2025": {"amount": "600", "source": "市县财政"},
                },
            },
            reasons="新增3栋中小学校舍纳入节能改造范围，需增加投资600万元。",
        )
        services.change_give_city_opinion(request=pending, by=city, supports=True, opinion="同意报省审批。")
    if pingli is not None:
        services.change_request_create(
            pilot=pingli,
            by=_staff(pingli),
            kind="extension",
            due_kind="annual_report",
            due_year=2026,
            new_due_date=datetime.date(2026, 12, 31),
            reasons="县统计年鉴2026年能源数据发布推迟至12月下旬，申请延期报送2026年度自评报告。",
            evidence=_pdf("县统计局说明.pdf"),
        )
    stdout.write(f"Plans: {Plan.objects.count()} plans, {Plan.objects.filter(state='filed').count()} filed.")
