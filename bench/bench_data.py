"""The benchmark data set: a realistic production volume, written with bulk_create in chunks.

`demo.content.fill` goes through the services (one audit entry and several queries per section),
which is far too slow for this volume; this module writes the same kind of content directly:

- 1,000 applicant organisations: the 107 county governments and 18 parks of the reference data, plus
  parks attached to a county (so spread over the 12 review units like the counties are);
- six batches (2023–2027) in every batch state that has applications, 5,000 applications in all,
  in states spread the way a programme at that stage would have them;
- per application: 3 AnnualBaseline years with 5 EnergyUse rows each, 2 contacts, 3 targets,
  3 key projects, 3 funding rows, attachments (metadata only) and the audit trail of its path;
- one applicant account per organisation, one city officer per review unit, the provincial officer,
  and the city forwardings (with their M2M rows) of every city and batch that forwarded anything.

Figures are illustrative (orders of magnitude of Shaanxi counties and parks), generated from a fixed
seed so that two runs load the same data.
"""

import datetime
import random
import secrets
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from applications.models import (
    AnnualBaseline,
    Application,
    ApplicationTarget,
    Attachment,
    Batch,
    CityForwarding,
    Contact,
    EnergyUse,
    FundingPlan,
    KeyProject,
    PilotTask,
)
from core import chain
from core.audit import action_code
from core.models import AuditEntry, Notification
from indicators.selectors import indicators_by_code
from organisations.models import Membership, Organisation, ReviewUnit, Role

CHUNK = 2000
PASSWORD = "Bench-Shaanxi-2026"
CITY_UNIT = "610100"  # 西安市: the city officer measured
S = Application.State

# name, year, base year, batch state, number of applications, state weights
BATCHES = [
    (
        "2023年第一批低碳近零碳试点",
        2023,
        2022,
        Batch.State.PUBLISHED,
        700,
        {
            S.DRAFT: 25,
            S.RETURNED: 5,
            S.WITHDRAWN: 5,
            S.NOT_RECOMMENDED: 25,
            S.NOT_SELECTED: 25,
            S.SELECTED: 15,
        },
    ),
    (
        "2024年第二批低碳近零碳试点",
        2024,
        2023,
        Batch.State.PUBLISHED,
        750,
        {
            S.DRAFT: 25,
            S.RETURNED: 5,
            S.WITHDRAWN: 5,
            S.NOT_RECOMMENDED: 25,
            S.NOT_SELECTED: 25,
            S.SELECTED: 15,
        },
    ),
    (
        "2025年第三批低碳近零碳试点",
        2025,
        2024,
        Batch.State.PUBLISHED,
        800,
        {
            S.DRAFT: 25,
            S.RETURNED: 5,
            S.WITHDRAWN: 5,
            S.NOT_RECOMMENDED: 25,
            S.NOT_SELECTED: 25,
            S.SELECTED: 15,
        },
    ),
    (
        "2026年第四批低碳近零碳试点",
        2026,
        2025,
        Batch.State.PUBLICITY,
        850,
        {
            S.DRAFT: 25,
            S.RETURNED: 5,
            S.WITHDRAWN: 5,
            S.NOT_RECOMMENDED: 25,
            S.NOT_SELECTED: 20,
            S.IN_PUBLICITY: 20,
        },
    ),
    (
        "2026年第五批低碳近零碳试点",
        2026,
        2025,
        Batch.State.PROVINCIAL_REVIEW,
        900,
        {
            S.DRAFT: 20,
            S.SUBMITTED: 3,
            S.RETURNED: 5,
            S.WITHDRAWN: 4,
            S.NOT_RECOMMENDED: 15,
            S.RECOMMENDED: 5,
            S.RETURNED_TO_CITY: 3,
            S.FORWARDED: 20,
            S.IN_EXPERT_REVIEW: 20,
            S.REVIEWED: 5,
        },
    ),
    (
        "2027年第六批低碳近零碳试点",
        2027,
        2026,
        Batch.State.OPEN,
        1000,
        {
            S.DRAFT: 35,
            S.SUBMITTED: 30,
            S.RETURNED: 8,
            S.WITHDRAWN: 2,
            S.NOT_RECOMMENDED: 5,
            S.RECOMMENDED: 15,
            S.FORWARDED: 5,
        },
    ),
]

# The transitions that lead to each state (for the audit trail), from a draft.
_TO_FORWARDED = ["submit", "recommend", "forward"]
_TO_REVIEWED = [*_TO_FORWARDED, "start_expert_review", "finish_review"]
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.RETURNED: ["submit", "return_for_revision"],
    S.WITHDRAWN: ["submit", "withdraw"],
    S.NOT_RECOMMENDED: ["submit", "reject"],
    S.RECOMMENDED: ["submit", "recommend"],
    S.FORWARDED: _TO_FORWARDED,
    S.RETURNED_TO_CITY: [*_TO_FORWARDED, "return_to_city"],
    S.IN_EXPERT_REVIEW: [*_TO_FORWARDED, "start_expert_review"],
    S.REVIEWED: _TO_REVIEWED,
    S.SHORTLISTED: [*_TO_REVIEWED, "propose_decision", "shortlist"],
    S.NOT_SELECTED: [*_TO_REVIEWED, "propose_decision", "decline"],
    S.IN_PUBLICITY: [*_TO_REVIEWED, "propose_decision", "shortlist", "publicise"],
    S.SELECTED: [*_TO_REVIEWED, "propose_decision", "shortlist", "publicise", "select"],
}
TARGET_OF = {
    "submit": S.SUBMITTED,
    "return_for_revision": S.RETURNED,
    "withdraw": S.WITHDRAWN,
    "reject": S.NOT_RECOMMENDED,
    "recommend": S.RECOMMENDED,
    "forward": S.FORWARDED,
    "return_to_city": S.RETURNED_TO_CITY,
    "start_expert_review": S.IN_EXPERT_REVIEW,
    "finish_review": S.REVIEWED,
    "propose_decision": None,
    "shortlist": S.SHORTLISTED,
    "decline": S.NOT_SELECTED,
    "publicise": S.IN_PUBLICITY,
    "select": S.SELECTED,
}
RECOMMENDED_OR_LATER = set(PATHS) - {
    S.DRAFT,
    S.SUBMITTED,
    S.RETURNED,
    S.WITHDRAWN,
    S.NOT_RECOMMENDED,
}
FORWARDED_OR_LATER = RECOMMENDED_OR_LATER - {S.RECOMMENDED}

PARK_THEMES = [
    "现代农业",
    "食品工业",
    "装备制造",
    "新材料",
    "循环经济",
    "物流",
    "文化旅游",
    "电子信息",
    "能源化工",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林"
GIVEN = ["建华", "晓东", "海燕", "志强", "丽娟", "文博", "国庆", "红梅", "永刚", "静", "磊", "敏"]
# Text is built from phrases, places and figures so that it compresses about as badly as real prose:
# TOAST compression of a few repeated sentences would make the wide text columns unrealistically cheap.
SUBJECTS = [
    "县委县政府",
    "管委会",
    "发展和改革局",
    "生态环境分局",
    "工业和信息化局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "林业局",
    "统计局",
    "重点用能单位",
    "园区企业",
    "国有平台公司",
    "供电公司",
    "燃气公司",
]
ACTIONS = [
    "成立碳达峰碳中和工作领导小组",
    "建立月调度季通报工作机制",
    "编制碳达峰实施方案",
    "印发绿色低碳发展专项规划",
    "实现能耗在线监测全覆盖",
    "整县推进屋顶分布式光伏开发",
    "完成燃煤锅炉清洁能源替代",
    "推进农村清洁取暖改造",
    "实施园区循环化改造",
    "开展工业固废综合利用",
    "执行新建建筑绿色建筑标准",
    "推进既有公共建筑节能改造",
    "提高公交出租车新能源化比例",
    "建设充电基础设施",
    "实施重点行业超低排放改造",
    "编制温室气体排放清单",
    "开展国土绿化和生态修复",
    "加大绿色信贷投放",
    "建设能碳一体化管理平台",
    "推广余热余压回收利用",
    "实施电机水泵变频改造",
    "建成生物质成型燃料站",
    "推进畜禽粪污资源化利用",
    "开展低碳社区创建",
]
RESULTS = [
    "单位地区生产总值能耗下降{p}%",
    "二氧化碳排放强度下降{p}%",
    "新增光伏装机{n}兆瓦",
    "削减散煤{n}万吨",
    "改造{n}户",
    "节约标准煤{n}吨",
    "减少二氧化碳排放{n}吨",
    "覆盖{n}家企业",
    "完成投资{n}万元",
    "非化石能源消费占比提高到{p}%",
    "森林覆盖率达到{p}%",
    "固废综合利用率达到{p}%",
]
PLACES = [
    "城关镇",
    "东城街道",
    "西城街道",
    "南郊工业集中区",
    "北部新区",
    "高铁新城",
    "河谷川道区",
    "北山片区",
]
ENERGY_FUELS_COUNTY = ["raw_coal", "natural_gas", "gasoline", "diesel", "lpg"]
ENERGY_FUELS_PARK = ["raw_coal", "washed_coal", "natural_gas", "diesel", "coke"]
COAL_HEAVY = {"610881", "610822", "610802", "610803", "610581"}  # 神木、府谷、榆阳、横山、韩城


def _chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk(model, objs):
    for chunk in _chunks(objs):
        model.objects.bulk_create(chunk, batch_size=CHUNK)
    return objs


def _d(value, places="0.01") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places))


def _text(rng: random.Random, low: int, high: int) -> str:
    """Paragraphs of plausible text between `low` and `high` characters."""
    target = rng.randint(low, high)
    parts, length = [], 0
    while length < target:
        result = rng.choice(RESULTS).format(p=round(rng.uniform(1, 60), 1), n=rng.randint(12, 98000))
        sentence = (
            f"{rng.randint(2019, 2026)}年{rng.randint(1, 12)}月，{rng.choice(SUBJECTS)}在{rng.choice(PLACES)}"
            f"{rng.choice(ACTIONS)}，{rng.choice(ACTIONS)}，{result}。"
        )
        parts.append(sentence)
        length += len(sentence)
        if rng.random() < 0.25:
            parts.append("\n")
    return "".join(parts)[:high].strip()


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _aware(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 18), rng.randint(0, 59)))
    return timezone.make_aware(moment)


# Organisations and people ---------------------------------------------------------------------
def _organisations(n_orgs: int) -> list[Organisation]:
    applicant_kinds = [Organisation.Kind.COUNTY, Organisation.Kind.PARK]
    existing = list(Organisation.objects.filter(kind__in=applicant_kinds).order_by("pk"))
    counties = [o for o in existing if o.kind == Organisation.Kind.COUNTY]
    new = []
    for i in range(max(0, n_orgs - len(existing))):
        county = counties[i % len(counties)]
        cycle, theme_index = divmod(i // len(counties), len(PARK_THEMES))
        theme = PARK_THEMES[theme_index] + (f"{cycle + 1}区" if cycle else "")
        place = county.name.removesuffix("人民政府")
        new.append(
            Organisation(
                name=f"{place}{theme}产业园区管委会",
                short_name=f"{county.short_name}{theme}园区",
                kind=Organisation.Kind.PARK,
                division_id=county.division_id,
                review_unit_id=county.review_unit_id,
                park_level=Organisation.ParkLevel.PROVINCIAL if i % 4 == 0 else Organisation.ParkLevel.OTHER,
                park_kind=Organisation.ParkKind.INDUSTRIAL,
                credit_code=f"1161{i:014d}",
                address=f"{place}{theme}产业园区管委会办公楼",
                postcode="710000",
                approved=True,
            )
        )
    _bulk(Organisation, new)
    through = Organisation.host_divisions.through
    _bulk(through, [through(organisation_id=o.pk, division_id=o.division_id) for o in new])
    return (existing + new)[:n_orgs]


def _users(organisations: list[Organisation], applicant_org: Organisation) -> dict:
    """One account per applicant organisation, one city officer per review unit, the province."""
    User = get_user_model()
    usable = make_password(PASSWORD)  # hashed once: PBKDF2 is deliberately slow
    unusable = make_password(None)
    users = []
    memberships = []
    by_org = {}
    for org in organisations:
        user = User(
            username=f"bench_org{org.pk}",
            full_name=f"{org.short_name or org.name}联络员",
            password=usable if org.pk == applicant_org.pk else unusable,
        )
        users.append(user)
        by_org[org.pk] = user
    city_officers = {}
    bureaus = {o.review_unit_id: o for o in Organisation.objects.filter(kind=Organisation.Kind.CITY_BUREAU)}
    for unit in ReviewUnit.objects.all():
        user = User(
            username="bench_city" if unit.pk == CITY_UNIT else f"bench_city{unit.pk}",
            full_name=f"{unit.name}审核员",
            password=usable if unit.pk == CITY_UNIT else unusable,
        )
        users.append(user)
        city_officers[unit.pk] = user
    province = User(username="bench_province", full_name="省厅处室审核员", password=usable)
    finance = User(username="bench_finance", full_name="省财政厅会签人", password=unusable)
    users += [province, finance]
    _bulk(User, users)
    for org in organisations:
        memberships.append(
            Membership(user=by_org[org.pk], organisation=org, role=Role.APPLICANT, title="联络员")
        )
    for unit_id, user in city_officers.items():
        memberships.append(Membership(user=user, organisation=bureaus[unit_id], role=Role.CITY_OFFICER))
    memberships.append(
        Membership(
            user=province,
            organisation=Organisation.objects.get(kind=Organisation.Kind.PROVINCE_ECOLOGY),
            role=Role.PROVINCE_OFFICER,
        )
    )
    memberships.append(
        Membership(
            user=finance,
            organisation=Organisation.objects.get(kind=Organisation.Kind.PROVINCE_FINANCE),
            role=Role.FINANCE_OFFICER,
        )
    )
    _bulk(Membership, memberships)
    return {"by_org": by_org, "city": city_officers, "province": province, "finance": finance}


# Batches and applications ----------------------------------------------------------------------
def _batches() -> list[Batch]:
    batches = []
    for name, year, base_year, state, _count, _weights in BATCHES:
        start = datetime.date(year, 6, 1)
        batches.append(
            Batch(
                name=name,
                year=year,
                state=state,
                document_no=f"陕环发〔{year}〕{40 + len(batches)}号",
                base_year=base_year,
                target_year=base_year + 3,
                application_start=start,
                application_deadline=start + datetime.timedelta(days=60),
                forwarding_deadline=start + datetime.timedelta(days=90),
                publicity_start=start + datetime.timedelta(days=120),
                publicity_end=start + datetime.timedelta(days=127),
                construction_end=datetime.date(base_year + 3, 12, 31),
            )
        )
    return _bulk(Batch, batches)


def _states(rng: random.Random, weights: dict, count: int) -> list[str]:
    states = list(weights)
    return rng.choices(states, weights=[weights[s] for s in states], k=count)


def _application(rng, batch, org, state, province) -> Application:
    park = org.kind == Organisation.Kind.PARK
    short = org.short_name or org.name
    submitted = state != S.DRAFT
    submitted_at = _aware(batch.application_start + datetime.timedelta(days=rng.randint(10, 58)), rng)
    app = Application(
        batch=batch,
        organisation=org,
        state=state,
        pilot_level=Application.PilotLevel.NEAR_ZERO
        if rng.random() < 0.2
        else Application.PilotLevel.LOW_CARBON,
        declares_no_major_accident=submitted or rng.random() < 0.6,
        pilot_scope="whole",
        boundary_area_km2=_d(rng.uniform(20, 80) if park else rng.uniform(600, 2800)),
        boundary_description=(
            f"{short}规划控制范围，四至边界清晰，统计口径与管委会统计报表一致。"
            if park
            else f"{short}行政区划全域，统计口径与县（区）统计年鉴一致。"
        )
        + _text(rng, 60, 240),
        statistical_boundary_clear=park,
        enterprises_count=rng.randint(300, 1500) if park else None,
        above_scale_enterprises_count=rng.randint(40, 200) if park else None,
        leading_industries="电子信息、先进制造、生物医药" if park else "",
        priority_eco_civilisation=not park and rng.random() < 0.4,
        priority_two_mountains=not park and rng.random() < 0.15,
        priority_low_carbon_city=rng.random() < 0.2,
        priority_green_industrial_park=park and rng.random() < 0.4,
        priority_circular_park=park and rng.random() < 0.2,
        work_foundation=_text(rng, 600, 1500),
        existing_policies=_text(rng, 200, 800),
        organisation_setup=_text(rng, 200, 600),
        submitted_at=submitted_at if submitted else None,
        submission_count=(2 if state == S.RETURNED and rng.random() < 0.3 else 1) if submitted else 0,
    )
    if state in RECOMMENDED_OR_LATER:
        app.city_opinion = f"{short}低碳工作基础较好，申报材料齐全，" + _text(rng, 30, 120) + "同意推荐。"
    if state in FORWARDED_OR_LATER:
        app.forwarded_at = submitted_at + datetime.timedelta(days=rng.randint(15, 30))
    if state in (S.SHORTLISTED, S.IN_PUBLICITY, S.SELECTED):
        app.decision_proposal = Application.Proposal.SHORTLIST
        app.decision_proposed_by = province
    elif state == S.NOT_SELECTED:
        app.decision_proposal = Application.Proposal.DECLINE
        app.decision_proposed_by = province
    return app


def _children(rng, app: Application, org: Organisation, batch: Batch, rows: dict) -> None:
    park = org.kind == Organisation.Kind.PARK
    short = org.short_name or org.name
    rows["contacts"] += [
        Contact(
            application=app,
            role=Contact.Role.LEADER,
            name=_person(rng),
            title="管委会主任" if park else "县长",
            unit=org.name,
            mobile=f"139{rng.randint(0, 99999999):08d}",
        ),
        Contact(
            application=app,
            role=Contact.Role.CONTACT,
            name=_person(rng),
            title="科长",
            unit=f"{short}生态环境局",
            mobile=f"138{rng.randint(0, 99999999):08d}",
            phone="029-88880000",
            email="lowcarbon@example.cn",
        ),
    ]
    population = rng.uniform(3, 12) if park else rng.uniform(12, 60)
    gdp = population * (rng.uniform(9, 18) if park else rng.uniform(4.5, 9))
    coal = 12 if org.division_id in COAL_HEAVY else 1
    fuels = ENERGY_FUELS_PARK if park else ENERGY_FUELS_COUNTY
    for offset in range(3):
        year = batch.base_year - 2 + offset
        year_gdp = gdp * (1 + 0.05 * (offset - 2))
        baseline = AnnualBaseline(
            application=app,
            year=year,
            data_source=f"{year}年统计年鉴、统计公报",
            resident_population_10k=_d(population),
            gdp_100m=_d(year_gdp),
            gdp_constant_100m=_d(year_gdp),
            primary_share=_d(2.1 if park else 12.4),
            secondary_share=_d(63.5 if park else 41.2),
            tertiary_share=_d(34.4 if park else 46.4),
            industrial_value_added_100m=_d(year_gdp * 0.55),
            electricity_10k_kwh=_d(year_gdp * rng.uniform(420, 680)),
            green_power_10k_kwh=_d(year_gdp * rng.uniform(10, 60)),
            purchased_heat_gj=_d(year_gdp * rng.uniform(200, 900)) if park else None,
            generation_pv_10k_kwh=_d(year_gdp * rng.uniform(10, 40)),
            capacity_pv_mw=_d(rng.uniform(20, 150)),
            non_fossil_share=_d(rng.uniform(12, 24)),
            forest_coverage=None if park else _d(rng.uniform(35, 72)),
            pm25=_d(rng.uniform(28, 52), "0.1"),
            good_air_days_ratio=_d(rng.uniform(68, 90)),
            solid_waste_utilisation=_d(rng.uniform(60, 95)),
        )
        rows["baselines"].append(baseline)
        scale = {
            "raw_coal": rng.uniform(350, 900) * coal,
            "washed_coal": rng.uniform(20, 80),
            "coke": rng.uniform(5, 30),
            "natural_gas": rng.uniform(2, 6),
            "gasoline": rng.uniform(25, 45),
            "diesel": rng.uniform(35, 70),
            "lpg": rng.uniform(1, 5),
        }
        rows["energy"] += [
            (baseline, EnergyUse(fuel=fuel, quantity=_d(year_gdp * scale[fuel], "0.001"))) for fuel in fuels
        ]
    indicators = indicators_by_code("co2_intensity_drop", "energy_intensity_drop", "non_fossil_share")
    rows["targets"] += [
        ApplicationTarget(
            application=app,
            indicator=indicators["co2_intensity_drop"],
            base_value=0,
            target_value=_d(rng.uniform(18, 24), "0.0001"),
            is_binding=True,
        ),
        ApplicationTarget(
            application=app,
            indicator=indicators["energy_intensity_drop"],
            base_value=0,
            target_value=_d(rng.uniform(13.5, 16), "0.0001"),
            is_binding=True,
        ),
        ApplicationTarget(
            application=app,
            indicator=indicators["non_fossil_share"],
            base_value=_d(rng.uniform(12, 18), "0.0001"),
            target_value=_d(rng.uniform(20, 28), "0.0001"),
        ),
    ]
    for name, task, subtype in (
        ("分布式光伏整体推进项目", PilotTask.ENERGY, "光伏"),
        ("重点企业节能降碳改造", PilotTask.EFFICIENCY, "节能改造"),
        ("清洁取暖与锅炉低氮改造", PilotTask.SYNERGY, "清洁取暖"),
    ):
        investment = _d(rng.uniform(2000, 30000))
        provincial = _d(investment * Decimal("0.1"))
        local = _d(investment * Decimal("0.2"))
        rows["projects"].append(
            KeyProject(
                application=app,
                name=f"{short}{name}",
                task=task,
                subtype=subtype,
                owner_unit=f"{short}发展和改革局",
                location=short,
                content=f"实施{name}。" + _text(rng, 100, 400),
                start_year=batch.base_year + 1,
                end_year=batch.base_year + 3,
                status=KeyProject.Status.PREPARING,
                total_investment=investment,
                fund_provincial=provincial,
                fund_local=local,
                fund_enterprise=investment - provincial - local,
                expected_co2_reduction_t=_d(rng.uniform(2000, 30000)),
                expected_energy_saving_tce=_d(rng.uniform(500, 8000)),
                calculation_note="按年发电量（节能量）× 陕西省电网排放因子测算。",
            )
        )
    rows["funding"] += [
        FundingPlan(
            application=app,
            year=batch.base_year + 1 + i,
            source=source,
            amount=_d(rng.uniform(500, 5000)),
            use=use,
        )
        for i, (source, use) in enumerate(
            [
                (FundingPlan.Source.PROVINCIAL, "试点奖补资金（申请）"),
                (FundingPlan.Source.LOCAL, "配套资金"),
                (FundingPlan.Source.ENTERPRISE, "重点项目企业投资"),
            ]
        )
    ]


def _attachments(rng, app: Application, uploader) -> list[Attachment]:
    kinds = [Attachment.Kind.COMMITMENT_LETTER, Attachment.Kind.STATISTICS]
    if app.state == S.DRAFT:
        kinds = kinds[: rng.randint(0, 1)]
    out = []
    for kind in kinds:
        token = secrets.token_hex(16)
        out.append(
            Attachment(
                application=app,
                kind=kind,
                title=str(Attachment.Kind(kind).label),
                file=f"applications/{app.pk}/{kind}/{token}.pdf",
                original_name=f"{Attachment.Kind(kind).label}.pdf",
                content_type="application/pdf",
                size=rng.randint(200_000, 4_000_000),
                token=token,
                extension=".pdf",
                uploaded_by=uploader,
            )
        )
    return out


def _audit(app: Application, content_type, applicant, city, province, finance, n_attachments) -> list:
    repr_ = f"{app.organisation.name} · {app.batch.name}"[:255]

    def entry(actor, action, label, from_state="", to_state="", reason="", data=None):
        return AuditEntry(
            content_type=content_type,
            object_id=str(app.pk),
            object_repr=repr_,
            actor=actor,
            action=action_code(Application, action),
            action_label=label,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data or {},
        )

    entries = [entry(applicant, "create", "创建申报书", to_state=S.DRAFT)]
    for section in ("基本情况与边界", "负责人与联系人", "基础数据", "目标指标", "重点项目", "资金筹措"):
        entries.append(entry(applicant, "edit", f"修改申报书：{section}", data={"changed": ["…"]}))
    entries += [entry(applicant, "attachment_add", "上传附件") for _ in range(n_attachments)]
    state = S.DRAFT
    actors = {
        "submit": applicant,
        "withdraw": applicant,
        "return_for_revision": city,
        "reject": city,
        "recommend": city,
        "forward": city,
        "shortlist": finance,
        "decline": finance,
    }
    for step in PATHS[app.state]:
        target = TARGET_OF[step]
        reason = "材料不全，请补充。" if step in ("return_for_revision", "reject", "return_to_city") else ""
        if target is None:
            entries.append(entry(province, step, "提出入选建议", reason="依据专家评审排序。"))
            continue
        entries.append(
            entry(actors.get(step, province), step, step, from_state=state, to_state=target, reason=reason)
        )
        state = target
    return entries


def load(*, n_orgs: int = 1000, seed: int = 20261124, log=print) -> dict:
    """Load the data set into the (migrated, otherwise empty) database; returns what the bench needs."""
    rng = random.Random(seed)
    started = timezone.now()
    with transaction.atomic():
        organisations = _organisations(n_orgs)
        applicant_org = next(
            o for o in organisations if o.kind == Organisation.Kind.COUNTY and o.review_unit_id == CITY_UNIT
        )
        people = _users(organisations, applicant_org)
        log(f"  organisations: {len(organisations)}, users: {get_user_model().objects.count()}")
        batches = _batches()

        applications = []
        for batch, (_name, _year, _base, _state, count, weights) in zip(batches, BATCHES, strict=True):
            chosen = rng.sample(organisations, count)
            states = _states(rng, weights, count)
            for org, state in zip(chosen, states, strict=True):
                if batch.state == Batch.State.OPEN and org.pk == applicant_org.pk:
                    state = S.DRAFT  # the applicant persona edits a draft in the open batch
                applications.append(_application(rng, batch, org, state, people["province"]))
        # City ranks within each (batch, review unit), in the order the city recommended them.
        ranks = defaultdict(int)
        for app in applications:
            if app.state in RECOMMENDED_OR_LATER:
                key = (app.batch_id, app.organisation.review_unit_id)
                ranks[key] += 1
                app.city_rank = ranks[key]
        _bulk(Application, applications)
        log(f"  applications: {len(applications)}")

        rows = defaultdict(list)
        for app in applications:
            _children(rng, app, app.organisation, app.batch, rows)
        _bulk(Contact, rows["contacts"])
        _bulk(AnnualBaseline, rows["baselines"])
        energy = []
        for baseline, use in rows["energy"]:
            use.baseline = baseline
            energy.append(use)
        _bulk(EnergyUse, energy)
        _bulk(ApplicationTarget, rows["targets"])
        _bulk(KeyProject, rows["projects"])
        _bulk(FundingPlan, rows["funding"])
        log(
            f"  baselines: {len(rows['baselines'])}, energy uses: {len(energy)}, "
            f"contacts: {len(rows['contacts'])}, targets: {len(rows['targets'])}, "
            f"projects: {len(rows['projects'])}, funding: {len(rows['funding'])}"
        )

        attachments, audit = [], []
        content_type = ContentType.objects.get_for_model(Application, for_concrete_model=False)
        for app in applications:
            applicant = people["by_org"][app.organisation_id]
            mine = _attachments(rng, app, applicant)
            attachments += mine
            city = people["city"][app.organisation.review_unit_id]
            audit += _audit(
                app, content_type, applicant, city, people["province"], people["finance"], len(mine)
            )
        _bulk(Attachment, attachments)
        _bulk(AuditEntry, audit)
        chain.seal(AuditEntry)  # chained as core.audit.record's entries are, so verify_audit passes
        log(f"  attachments: {len(attachments)}, audit entries: {len(audit)}")

        # City forwardings: one per (batch, review unit) that forwarded anything, with its list.
        forwarded = defaultdict(list)
        for app in applications:
            if app.state in FORWARDED_OR_LATER:
                forwarded[(app.batch_id, app.organisation.review_unit_id)].append(app)
        forwardings = [
            CityForwarding(
                batch_id=batch_id,
                review_unit_id=unit_id,
                document_no=f"市环函〔{apps[0].batch.year}〕{len(apps)}号",
                letter_text="现将择优推荐的申报单位及排序报送你厅，请予审核。",
                letter=f"forwardings/{batch_id}/{unit_id}/{secrets.token_hex(16)}.pdf",
                letter_is_generated=True,
                token=secrets.token_hex(16),
                forwarded_by=people["city"][unit_id],
            )
            for (batch_id, unit_id), apps in forwarded.items()
        ]
        _bulk(CityForwarding, forwardings)
        through = CityForwarding.applications.through
        _bulk(
            through,
            [
                through(cityforwarding_id=f.pk, application_id=a.pk)
                for f, apps in zip(forwardings, forwarded.values(), strict=True)
                for a in apps
            ],
        )
        # Unread notifications for the three accounts measured (the header shows their count).
        notifications = [
            Notification(
                recipient=user,
                kind="bench",
                title=f"通知 {i}",
                body="申报书状态已更新。",
                read_at=None if i % 2 else started,
                send_email=False,
            )
            for user in (people["city"][CITY_UNIT], people["province"], people["by_org"][applicant_org.pk])
            for i in range(40)
        ]
        _bulk(Notification, notifications)
        # auto_now_add stamped every row "now": spread creation times over each batch's window.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE applications_application a SET created_at = "
                "(b.application_start + (a.id % 40) * interval '1 day' + interval '9 hours')::timestamptz, "
                "updated_at = COALESCE(a.forwarded_at, a.submitted_at, b.application_start::timestamptz) "
                "FROM applications_batch b WHERE a.batch_id = b.id"
            )
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would have by now
        cursor.execute("VACUUM ANALYZE")

    open_batch = next(b for b in batches if b.state == Batch.State.OPEN)
    review_batch = next(b for b in batches if b.state == Batch.State.PROVINCIAL_REVIEW)
    city_apps = [a for a in applications if a.organisation.review_unit_id == CITY_UNIT]
    # Samples: a forwarded application of 西安 in expert review (seen by city and province), and the
    # applicant persona's draft.
    sample = next(a for a in city_apps if a.batch_id == review_batch.pk and a.state == S.IN_EXPERT_REVIEW)
    draft = next(
        a for a in applications if a.organisation_id == applicant_org.pk and a.batch_id == open_batch.pk
    )
    counts = defaultdict(int)
    for app in applications:
        counts[app.state] += 1
    return {
        "organisations": len(organisations),
        "organisation_kinds": {
            kind: sum(1 for o in organisations if o.kind == kind)
            for kind in (Organisation.Kind.COUNTY, Organisation.Kind.PARK)
        },
        "review_units": len({o.review_unit_id for o in organisations}),
        "batches": [{"id": b.pk, "name": b.name, "state": b.state} for b in batches],
        "applications": len(applications),
        "application_states": dict(sorted(counts.items(), key=lambda kv: -kv[1])),
        "rows": {
            "annual_baselines": len(rows["baselines"]),
            "energy_uses": len(energy),
            "contacts": len(rows["contacts"]),
            "targets": len(rows["targets"]),
            "key_projects": len(rows["projects"]),
            "funding_plans": len(rows["funding"]),
            "attachments": len(attachments),
            "audit_entries": len(audit),
            "city_forwardings": len(forwardings),
            "users": get_user_model().objects.count(),
        },
        "city_unit": CITY_UNIT,
        "city_unit_applications": len(city_apps),
        "city_unit_visible": sum(1 for a in city_apps if a.state != S.DRAFT),
        "province_visible": sum(
            counts[s]
            for s in (
                S.FORWARDED,
                S.RETURNED_TO_CITY,
                S.IN_EXPERT_REVIEW,
                S.REVIEWED,
                S.SHORTLISTED,
                S.NOT_SELECTED,
                S.IN_PUBLICITY,
                S.SELECTED,
            )
        ),
        "open_batch": open_batch.pk,
        "review_batch": review_batch.pk,
        "sample_application": sample.pk,
        "draft_application": draft.pk,
        "users": {
            "city": people["city"][CITY_UNIT].username,
            "province": people["province"].username,
            "applicant": people["by_org"][applicant_org.pk].username,
        },
        "password": PASSWORD,
    }
