"""Demo of the acceptance request (issue 10), through the services, on the first batch: 留坝县 and 安康高新区
forwarded to the province, 太白县 (610330) and 渭南高新区 submitted to their city bureaus, and 石泉县 preparing
its self-evaluation (a draft). The pilots requested acceptance within their construction period as extended
by the province (the disqualification demo), so this runs after it.

Actuals come from each pilot's latest submitted annual report and targets from its ledger where they exist;
the rest are typed in with realistic figures; every indicator gets an evidence file and every request the
third-party verification report (小 PDF files)."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from acceptance import services
from acceptance.models import Attachment, Line
from indicators import scoring
from organisations.models import Organisation, Role
from organisations.roles import users_with_role
from pilots.models import Pilot

# Pilot key (division code or park name) -> the state the acceptance demo takes it to.
REQUESTS = {
    "610729": Pilot.State.ACCEPTANCE_FORWARDED,
    "610330": Pilot.State.ACCEPTANCE_REQUESTED,
    "渭南高新技术产业开发区管委会": Pilot.State.ACCEPTANCE_REQUESTED,
    "安康高新技术产业开发区管委会": Pilot.State.ACCEPTANCE_FORWARDED,
}
DRAFT = "610922"  # 石泉县: preparing

# Realistic figures (actual, target) for the indicators a report or the ledger does not give.
FIGURES = {
    "co2_intensity_drop": ("16.8", "16.0"),
    "co2_total_change": ("-2.4", "0"),
    "energy_intensity_drop": ("14.6", "14.0"),
    "non_fossil_share_rise": ("4.1", "4.0"),
    "carbon_platform_coverage": ("86", None),
    "low_carbon_policies": ("4", None),
    "non_fossil_share": ("18.6", "18.0"),
    "renewable_capacity": ("46.5", "40"),
    "coal_share": ("41.2", "45"),
    "clean_heating": ("92", "95"),
    "electrification": ("31.5", "30"),
    "industry_energy_intensity_drop": ("12.4", "13.5"),
    "green_building": ("100", None),
    "nev_public_fleet": ("84", None),
    "public_institution_energy_drop": ("6.2", "6"),
    "forest_coverage": ("68.4", "68"),
    "green_living": ("62", "60"),
    "near_zero_scenarios": ("4", None),
    "pm25_drop": ("11.5", "10"),
    "nox_voc_projects": ("100", None),
    "solid_waste": ("91", None),
    "synergy_projects": ("95", None),
    "iva_co2_intensity": ("0.54", None),
    "co2_per_tce": ("2.02", "2.05"),
    "iva_energy_intensity": ("0.33", None),
    "park_platform_coverage": ("92", None),
    "carbon_verification_share": ("14", None),
    "clean_energy_share": ("46", "45"),
    "renewable_power_share": ("27", None),
    "distributed_pv": ("38", "35"),
    "waste_heat_use": ("52", None),
    "benchmark_efficiency_share": ("48", None),
    "green_factory_share": ("55", None),
    "green_building_2star": ("61", None),
    "clean_transport_share": ("72", None),
    "water_reuse": ("88", None),
    "green_rd_intensity": ("2.8", None),
    "cleaner_production_audit": ("100", None),
    "pollutant_reduction": ("12", "10"),
    "env_disclosure": ("58", None),
}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
VERIFIER = "陕西省环境科学研究院碳排放核查中心"
RECOMMENDATION = "验收等级为优秀，园区清洁能源占比和单位能耗碳排放优于方案目标，绿电直连和智慧能源管理经验可复制推广，推荐申报国家级零碳园区试点。"


def _key(organisation: Organisation) -> str:
    return organisation.division_id if organisation.kind == Organisation.Kind.COUNTY else organisation.name


def stage_before(key: str, state: str) -> str:
    """The state seed_demo takes a pilot to before this demo takes over (implementing)."""
    return Pilot.State.IMPLEMENTING if key in REQUESTS else state


def replay_request(pilot, staff) -> None:
    """The bare request of a first-batch pilot further along (under review, accepted, failed): made in 2025,
    within its construction period, and replayed now, after it. The pilot's end is moved to today for this
    one step (Pilot.request_acceptance refuses a request after the period) and put back."""
    from django.utils import timezone

    from pilots import services as pilot_services

    saved = pilot.construction_extended_to
    Pilot.objects.filter(pk=pilot.pk).update(construction_extended_to=timezone.localdate())
    pilot.refresh_from_db()
    pilot_services.pilot_transition(pilot=pilot, name="request_acceptance", by=staff)
    Pilot.objects.filter(pk=pilot.pk).update(construction_extended_to=saved)
    pilot.refresh_from_db()


def _file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _upload(request, staff, kind, name, **target):
    services.attachment_add(
        request=request,
        by=staff,
        kind=kind,
        uploaded=_file(name),
        content_type="application/pdf",
        extension=".pdf",
        **target,
    )


def _resubmit_returned_reports(pilot, staff) -> None:
    """A report the province returned for revision is corrected and submitted again before the request (the
    self-evaluation reads the latest submitted report)."""
    from reports import services as report_services
    from reports.models import AnnualReport

    for report in AnnualReport.objects.filter(pilot=pilot, state=AnnualReport.State.RETURNED):
        report_services.report_transition(report=report, name="submit", by=staff)


def _prepare(pilot, staff, *, complete: bool):
    if complete:
        _resubmit_returned_reports(pilot, staff)
    request = services.request_prepare(pilot=pilot, by=staff)
    lines = list(request.lines.select_related("item__indicator"))
    changes = {}
    for line in lines:
        actual, target = FIGURES.get(line.item.indicator.code, (None, None))
        if line.item.rule in (scoring.QUALITATIVE, scoring.EVIDENCE):
            changes[line.pk] = {"note": "详见佐证材料。"}
            continue
        values = {}
        if line.actual_source != Line.Source.REPORT and line.target_source == Line.Source.LEDGER:
            # a little better than the plan's final-year target
            down = (line.item.params or {}).get("direction", line.item.indicator.direction) == "down"
            margin = abs(line.target) * Decimal("0.03")
            actual = (line.target - margin if down else line.target + margin).quantize(Decimal("0.01"))
        if line.actual_source != Line.Source.REPORT and actual is not None:
            values["actual"] = actual
        if line.target_source != Line.Source.LEDGER and target is not None:
            values["target"] = target
        changes[line.pk] = values
    projects = {
        p.pk: {
            "status": "completed" if i % 4 else "in_progress",
            "actual_investment": (p.planned_investment * Decimal("1.03" if i % 4 else "0.82")).quantize(
                Decimal("0.01")
            ),
            "note": "" if i % 4 else "二期设备安装中，预计2027年6月投运。",
        }
        for i, p in enumerate(request.projects.all(), start=1)
    }
    services.request_update(
        request=request,
        by=staff,
        summary="试点建设期内各项目标任务基本完成，单位GDP二氧化碳排放下降率达到方案约束性目标，"
        "能源结构持续优化，重点工程项目按计划建成投运。",
        verifier=VERIFIER if complete else "",
        veto_declared=complete,
        vetoes_raised=[],
        lines=changes,
        projects=projects,
    )
    count = len(lines) if complete else len(lines) // 2
    for line in lines[:count]:
        _upload(
            request, staff, Attachment.Kind.EVIDENCE, f"{line.item.indicator.name}佐证材料.pdf", line=line
        )
    if complete:
        _upload(request, staff, Attachment.Kind.VERIFICATION, "第三方碳排放核查报告.pdf")
    return request


def seed(stdout=None) -> None:
    made = 0
    pilots = Pilot.objects.filter(batch__name__startswith="2023年第一批").select_related(
        "organisation__review_unit", "batch"
    )
    for pilot in pilots:
        key = _key(pilot.organisation)
        if key not in REQUESTS and key != DRAFT:
            continue
        staff = users_with_role(Role.APPLICANT, organisation=pilot.organisation_id)[0]
        request = _prepare(pilot, staff, complete=key in REQUESTS)
        made += 1
        if key not in REQUESTS:
            continue
        services.request_submit(request=request, by=staff)
        if REQUESTS[key] == Pilot.State.ACCEPTANCE_FORWARDED:
            city = users_with_role(Role.CITY_OFFICER, review_unit=pilot.organisation.review_unit_id)[0]
            services.request_forward(
                request=request, by=city, reason="经审核，自评价材料齐全、数据与统计口径一致，同意报省。"
            )
    if stdout is not None:
        stdout.write(f"Acceptance requests: {made}.")


def seed_recommendation(stdout=None) -> None:
    """The province recommends its excellent pilot (西咸新区沣西新城) to the national programme; called by
    seed_demo after the naming (demo/naming.py), which grades it."""
    province = users_with_role(Role.PROVINCE_OFFICER)[0]
    pilots = Pilot.objects.filter(state=Pilot.State.ACCEPTED, acceptance_grade=Pilot.Grade.EXCELLENT)
    for pilot in pilots.select_related("organisation"):
        services.recommend(pilot=pilot, by=province, reason=RECOMMENDATION)
    if stdout is not None:
        stdout.write(f"National recommendation: {pilots.count()}.")
