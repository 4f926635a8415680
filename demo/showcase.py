"""Demo of the public showcase (示范展示), through showcase.services, on the first batch's two accepted pilots:

- 商州区 (611002): drafted by its staff with key figures and the typical case of its 2025 self-assessment,
  submitted, approved and published by the province: /showcase/<pilot>/ is public;
- 西咸新区沣西新城: drafted and submitted, awaiting the province's approval (on the province's to-do list),
  so its page is not public yet.

Called once by seed_demo after the annual reports (the figures and cases are taken from them).
"""

from django.contrib.auth import get_user_model

from organisations.models import Organisation, Role
from organisations.roles import users_with_role
from pilots.models import Pilot
from showcase import selectors, services

SHANGZHOU = "611002"
FENGXI = "西咸新区沣西新城管委会"

TEXTS = {
    SHANGZHOU: (
        "商州区：秦岭南麓生态低碳示范区",
        "商州区以“生态立区、低碳发展”为主线，统筹秦岭生态保护与绿色转型，建成全省首批低碳试点县（区）。\n\n"
        "一是健全降碳管理机制，成立由区政府主要负责同志任组长的试点建设领导小组，建立碳排放统计核算和目标责任考核制度，"
        "将碳排放强度下降目标分解到镇（街道）和重点行业部门。\n\n"
        "二是推进能源低碳转型，依托党政机关、学校和工业厂房屋顶建设分布式光伏，推广清洁取暖和天然气替代，"
        "本地可再生能源发电量逐年提高。\n\n"
        "三是发展生态碳汇，实施秦岭生态修复和国土绿化工程，探索林业碳汇项目开发，形成了山区县生态价值转化的路径。",
    ),
    FENGXI: (
        "沣西新城：海绵城市与近零碳社区融合发展",
        "沣西新城以海绵城市建设为基础，打造近零碳社区和绿色建筑集中示范区。\n\n"
        "新建建筑全面执行绿色建筑标准，推广超低能耗建筑和地源热泵集中供能，建设园区级智慧能源管理平台，"
        "对重点用能单位实施在线监测。\n\n"
        "同时推动公共交通全面电动化，建成充换电设施网络，形成了新城新区“规划引领、标准先行、平台支撑”的低碳建设模式。",
    ),
}


def _pilot(key: str) -> Pilot | None:
    lookup = {"organisation__division_id": key, "organisation__kind": Organisation.Kind.COUNTY}
    if not key.isdigit():
        lookup = {"organisation__name": key}
    return (
        Pilot.objects.filter(state=Pilot.State.ACCEPTED, **lookup)
        .select_related("organisation", "batch")
        .first()
    )


def _write(pilot: Pilot, staff) -> object:
    title, summary = TEXTS[pilot.organisation.division_id if pilot.organisation.kind == "county" else FENGXI]
    actuals = [a.pk for a in selectors.source_actuals(pilot) if a.report.year == max_year(pilot)][:4]
    cases = [c.pk for c in selectors.source_cases(pilot)][:3]
    version = services.showcase_draft(pilot=pilot, by=staff)
    version = services.showcase_save(
        version=version, by=staff, title=title, summary=summary, actual_ids=actuals, case_ids=cases
    )
    return services.showcase_transition(version=version, name="submit", by=staff)


def max_year(pilot: Pilot) -> int | None:
    years = [a.report.year for a in selectors.source_actuals(pilot)]
    return max(years) if years else None


def seed(stdout=None) -> None:
    province = get_user_model().objects.get(username="province")
    done = []
    for key, publish in ((SHANGZHOU, True), (FENGXI, False)):
        pilot = _pilot(key)
        staff = (
            next(iter(users_with_role(Role.APPLICANT, organisation=pilot.organisation_id)), None)
            if pilot
            else None
        )
        if staff is None:
            continue
        version = _write(pilot, staff)
        if publish:
            version = services.showcase_transition(version=version, name="publish", by=province)
        done.append(f"{pilot.organisation.name}（{version.get_state_display()}）")
    if stdout is not None:
        stdout.write(f"Showcase: {len(done)} pages: " + "、".join(done) + ".")
