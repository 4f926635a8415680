"""Fixtures of the acceptance request: a pilot of 石泉县 (安康, a county: 附件3) in implementation."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from acceptance import services
from acceptance.models import Attachment
from pilots.models import Pilot

from ..factories import PilotFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Hand-computed county figures: code -> (actual, target, expected self-score or None for qualitative).
COUNTY = {
    "co2_intensity_drop": ("18.2", "18", "12.00"),  # 101.1% → min(…,100%) × 12
    "co2_total_change": ("-3", "0", "6.00"),  # −3 ≤ 0 → full
    "energy_intensity_drop": ("13.5", "15", "5.40"),  # 90% × 6
    "non_fossil_share_rise": ("4", "5", "4.80"),  # 80% × 6
    "leading_body": (None, None, "2.00"),  # evidence
    "annual_carbon_accounting": (None, None, None),
    "carbon_platform_coverage": ("60", None, "2.25"),  # default target 80: 75% × 3
    "low_carbon_policies": ("2", None, "2.00"),  # tier ≥2 → 2
    "carbon_inclusion": (None, None, None),
    "non_fossil_share": ("16", "16", "5.00"),
    "renewable_capacity": ("50", "40", "4.00"),
    "coal_share": ("50", "45", "3.60"),  # down: 45 ÷ 50 = 90% × 4
    "clean_heating": ("100", "100", "4.00"),
    "electrification": ("30", "32", "2.81"),  # 93.75% × 3 = 2.8125
    "industry_energy_intensity_drop": ("10", "10", "4.00"),
    "green_building": ("95", None, "2.85"),  # default 100: 95% × 3
    "nev_public_fleet": ("80", None, "3.00"),
    "public_institution_energy_drop": ("3", "4", "1.50"),
    "forest_coverage": ("66", "65", "4.00"),
    "green_living": ("50", "50", "2.00"),
    "near_zero_scenarios": ("2", None, "1.00"),  # tiers [1→1, 3→2]
    "pm25_drop": ("10", "8", "4.00"),
    "nox_voc_projects": ("100", None, "3.00"),
    "solid_waste": ("72", None, "2.70"),  # default 80: 90% × 3
    "synergy_projects": ("100", None, "3.00"),
    "methane_n2o_control": (None, None, None),
}
COUNTY_TOTAL = Decimal("84.91")


def pdf(name="证明材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def pilot(shiquan):
    return PilotFactory(organisation=shiquan, state=Pilot.State.IMPLEMENTING)


@pytest.fixture
def draft(pilot, applicant_county):
    return services.request_prepare(pilot=pilot, by=applicant_county)


def fill(request, by, figures=COUNTY, *, evidence=True, verification=True, declare=True, skip=()):
    """Type the figures in, upload evidence for every line (except `skip`) and the verification report."""
    lines = {line.item.indicator.code: line for line in request.lines.select_related("item__indicator")}
    changes = {}
    for code, (actual, target, _score) in figures.items():
        values = {}
        if lines[code].actual_editable:
            values["actual"] = actual
        if lines[code].target_editable:
            values["target"] = target
        changes[lines[code].pk] = values
    services.request_update(
        request=request,
        by=by,
        lines=changes,
        veto_declared=declare,
        verifier="陕西省环境科学研究院碳核查中心",
        projects={p.pk: {"status": "completed", "actual_investment": "1200"} for p in request.projects.all()},
    )
    if evidence:
        for code, line in lines.items():
            if code not in skip:
                services.attachment_add(
                    request=request,
                    by=by,
                    kind=Attachment.Kind.EVIDENCE,
                    uploaded=pdf(),
                    content_type="application/pdf",
                    extension=".pdf",
                    line=line,
                )
    if verification:
        services.attachment_add(
            request=request,
            by=by,
            kind=Attachment.Kind.VERIFICATION,
            uploaded=pdf("碳核查报告.pdf"),
            content_type="application/pdf",
            extension=".pdf",
        )
    request.refresh_from_db()
    return request
