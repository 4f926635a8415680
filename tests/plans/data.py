"""A complete plan, filled through plans.services (shared by the plan tests)."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Indicator
from plans import services
from plans.models import Chapter, Plan
from plans.snapshot import construction_years

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="纪要.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def fill_plan(plan: Plan, by, *, forest_path=("45.6", "46.0", "46.5")) -> Plan:
    years = construction_years(plan)
    for key in Chapter.values:
        services.plan_save_chapter(plan=plan, key=key, body=f"<p>{Chapter(key).label}的内容。</p>", by=by)
    forest = Indicator.objects.get(code="forest_coverage")
    co2 = Indicator.objects.get(code="co2_intensity_drop")
    path = dict(zip(years, [Decimal(v) for v in forest_path], strict=False))
    services.plan_save_targets(
        plan=plan,
        by=by,
        rows=[
            {
                "indicator": co2,
                "binding": True,
                "base_value": Decimal("0"),
                "values": {y: Decimal(6 * (i + 1)) for i, y in enumerate(years)},
                "data_source": "统计公报",
            },
            {
                "indicator": forest,
                "binding": False,
                "base_value": Decimal("45.2"),
                "values": {y: path.get(y, Decimal("46.5")) for y in years},
                "data_source": "林业部门",
            },
        ],
    )
    services.plan_save_projects(
        plan=plan,
        by=by,
        rows=[
            {
                "name": "工业园区屋顶分布式光伏",
                "task": "energy",
                "location": "城关镇",
                "owner_unit": "县发展改革局",
                "content": "建设屋顶光伏20兆瓦",
                "expected_reduction_t": Decimal("16000"),
                "investment_by_year": {str(years[0]): {"amount": "3000", "source": "企业自筹"}},
                "milestones": {str(years[0]): "开工建设"},
            }
        ],
    )
    services.plan_save_funding(
        plan=plan,
        by=by,
        rows=[{"year": years[0], "source": "enterprise", "amount": Decimal("3000"), "use": "光伏"}],
    )
    services.plan_save_baseline(
        plan=plan,
        by=by,
        fields={
            "gdp_constant_100m": Decimal("120"),
            "electricity_10k_kwh": Decimal("50000"),
            "data_source": "统计年鉴",
        },
        energy={"raw_coal": Decimal("100000")},
    )
    plan.refresh_from_db()
    return plan
