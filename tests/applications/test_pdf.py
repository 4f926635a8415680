"""The generated PDFs: Annex 1 (submitted and draft) and the city's cover letter.

The PDFs are rendered through the real task functions and checked with poppler (pdffonts, pdftotext,
pdfinfo, pdftoppm): fonts embedded and CJK, the content there, the page footer, the draft marks, and
page 1 not blank. Page images are kept under var/test-artifacts/ for people to look at.

One test (marked celery_worker) starts a real Celery worker on Redis and submits an application
through the service, as production does.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from PIL import Image

from applications import tasks
from applications.models import (
    AnnualBaseline,
    ApplicationSnapshot,
    ApplicationTarget,
    Attachment,
    CityForwarding,
    Contact,
    DraftPdf,
    EnergyUse,
    FundingPlan,
    KeyProject,
    PilotTask,
)
from applications.pdf import annex1_context, fmt
from applications.snapshot import load_for_snapshot, serialize
from carbon.accounting import compute_inventory, q
from carbon.models import EmissionFactorSet
from core.uploads import new_token
from indicators.models import Indicator
from organisations.models import Role

from ..factories import ApplicationFactory, AttachmentFactory, BatchFactory, UserFactory, county, member, park

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"
POPPLER = ("pdffonts", "pdftotext", "pdfinfo", "pdftoppm")
SECTION_TITLES = [
    "一、申报单位基本情况",
    "二、申报类型与范围",
    "三、申报资格与优先支持条件",
    "四、基础情况",
    "五、基准年碳排放核算",
    "目标指标",
    "七、重点项目",
    "八、资金筹措",
    "九、工作基础",
    "十、附件清单",
]

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in POPPLER), reason="poppler-utils not installed"
)


# Data ------------------------------------------------------------------------------------------
WORK_FOUNDATION = (
    "近年来，县委、县政府坚持生态优先、绿色发展，将碳达峰碳中和纳入经济社会发展全局，"
    "累计完成燃煤锅炉清洁能源替代42台，建成分布式光伏18.6兆瓦，城区集中供热实现天然气与电能双保障。\n"
    "2022年单位GDP二氧化碳排放较2020年下降6.8%，非化石能源消费占比达到31.5%，"
    "空气质量优良天数比例保持在90%以上，为开展低碳试点奠定了坚实基础。\n"
    "县域内汉江、池河流域水电资源丰富，林业碳汇潜力大，已建立林业碳汇项目储备库，"
    "完成森林资源二类调查，具备开展碳汇计量监测的条件。"
)
POLICIES = (
    "已印发《石泉县碳达峰实施方案》《石泉县“十四五”节能减排综合工作方案》《石泉县清洁取暖实施方案》，"
    "将能耗强度、碳排放强度下降目标分解至各镇和重点行业主管部门。"
)
SETUP = (
    "成立由县长任组长、分管副县长任副组长，发改、生态环境、财政、工信、住建、交通、农业农村、林业等"
    "部门主要负责人为成员的低碳试点建设工作领导小组，领导小组办公室设在市生态环境局石泉分局，"
    "配备专职工作人员3名，并委托第三方技术服务机构提供碳排放核算与方案编制支撑。"
)

# year -> (GDP 亿元, population 万人, electricity 万kWh, heat GJ, {fuel: quantity})
YEARS = {
    2020: (
        "98.36",
        "16.21",
        "42180.5",
        "86500",
        {"raw_coal": "152300", "natural_gas": "2860.5", "diesel": "18420"},
    ),
    2021: (
        "106.72",
        "16.05",
        "45230.25",
        "91200",
        {"raw_coal": "143800", "natural_gas": "3120.75", "diesel": "18950"},
    ),
    2022: (
        "112.45",
        "15.98",
        "47905.6",
        "95400",
        {"raw_coal": "131250", "natural_gas": "3486.2", "diesel": "19230.5"},
    ),
}


def build_application(kind: str = "county", code: str = "610922", batch=None):
    """A complete application: contacts, 3 baseline years with energy uses, targets, projects, funding,
    attachments (commitment letter first)."""
    batch = batch or BatchFactory(name="2026年第一批", base_year=2022)
    if kind == "park":
        org = park("西安高新技术产业开发区管委会")
        org.credit_code, org.address = "11610100MB2960147X", "西安市雁塔区锦业路1号"
    else:
        org = county(code)
        org.credit_code, org.address = (
            f"1161{code[2:]}016004725M",
            f"陕西省{org.division.full_name}城关镇江南大道28号",
        )
    org.save(update_fields=["credit_code", "address"])
    applicant = member(Role.APPLICANT, org)
    from applications.models import Application

    application = Application.objects.create(
        batch=batch,
        organisation=org,
        pilot_level=Application.PilotLevel.NEAR_ZERO if kind == "park" else Application.PilotLevel.LOW_CARBON,
        declares_no_major_accident=True,
        pilot_scope="whole" if kind == "county" else "part",
        boundary_area_km2=Decimal("1516.43") if kind == "county" else Decimal("307.00"),
        boundary_description=(
            "试点范围为石泉县全域，东至汉阴县、西至西乡县、南至紫阳县、北至宁陕县，辖11个镇。\n"
            "统计口径与县统计局能源统计口径一致。"
            if kind == "county"
            else "试点范围为高新区核心区及软件新城，共307平方千米，边界以管委会托管范围为准。"
        ),
        statistical_boundary_clear=True,
        enterprises_count=8650 if kind == "park" else None,
        above_scale_enterprises_count=412 if kind == "park" else None,
        leading_industries="电子信息、高端装备制造、生物医药" if kind == "park" else "",
        priority_eco_civilisation=kind == "county",
        priority_two_mountains=kind == "county",
        priority_green_industrial_park=kind == "park",
        priority_other="省级循环经济示范县" if kind == "county" else "",
        work_foundation=WORK_FOUNDATION,
        existing_policies=POLICIES,
        organisation_setup=SETUP,
        factor_set=EmissionFactorSet.objects.get(is_default=True),
    )
    Contact.objects.create(
        application=application,
        role=Contact.Role.LEADER,
        name="王建国",
        title="县长",
        unit=org.name,
        mobile="13909150001",
        phone="0915-6321001",
    )
    Contact.objects.create(
        application=application,
        role=Contact.Role.CONTACT,
        name="李晓梅",
        title="副局长",
        unit="安康市生态环境局石泉分局",
        mobile="13709150002",
        phone="0915-6321088",
        email="lixiaomei@shiquan.gov.cn",
    )
    for year, (gdp, population, electricity, heat, fuels) in YEARS.items():
        baseline = AnnualBaseline.objects.create(
            application=application,
            year=year,
            data_source="统计年鉴、统计公报",
            resident_population_10k=Decimal(population),
            gdp_100m=Decimal(gdp),
            gdp_constant_100m=Decimal(gdp),
            primary_share=Decimal("14.2"),
            secondary_share=Decimal("41.6"),
            tertiary_share=Decimal("44.2"),
            industrial_value_added_100m=Decimal("31.85"),
            electricity_10k_kwh=Decimal(electricity),
            green_power_10k_kwh=Decimal("1200"),
            purchased_heat_gj=Decimal(heat),
            generation_pv_10k_kwh=Decimal("2150.4"),
            generation_hydro_10k_kwh=Decimal("68420"),
            capacity_pv_mw=Decimal("18.6"),
            non_fossil_share=Decimal("31.5"),
            forest_coverage=Decimal("71.2"),
            pm25=Decimal("31.4"),
            good_air_days_ratio=Decimal("92.3"),
        )
        for fuel, quantity in fuels.items():
            EnergyUse.objects.create(baseline=baseline, fuel=fuel, quantity=Decimal(quantity))
    targets = [
        ("co2_intensity_drop", None, "18", True),
        ("energy_intensity_drop", None, "14.5", True),
        ("non_fossil_share", "31.5", "36", False),
        ("other", None, "3", False, "新增林业碳汇项目（个）"),
    ]
    for indicator, base, target, binding, *custom in targets:
        ApplicationTarget.objects.create(
            application=application,
            indicator=Indicator.objects.get(code=indicator),
            base_value=Decimal(base) if base else None,
            target_value=Decimal(target),
            is_binding=binding,
            custom_name=custom[0] if custom else "",
        )
    projects = [
        (
            "县城集中供热清洁能源替代工程",
            PilotTask.ENERGY,
            "清洁取暖",
            "石泉县城市建设投资有限公司",
            2023,
            2025,
            "12800",
            {"fund_provincial": "800", "fund_local": "2000", "fund_bonds": "6000", "fund_enterprise": "4000"},
            "18650",
        ),
        (
            "工业园区屋顶分布式光伏项目",
            PilotTask.ENERGY,
            "光伏",
            "陕西秦电新能源有限公司",
            2023,
            2024,
            "6200",
            {"fund_enterprise": "5200", "fund_green_finance": "1000"},
            "9820.5",
        ),
        (
            "县域碳排放监测与管理平台",
            PilotTask.MANAGEMENT,
            "数字化平台",
            "石泉县发展和改革局",
            2024,
            2025,
            "680",
            {"fund_provincial": "300", "fund_local": "380"},
            "0",
        ),
        (
            "公共建筑节能改造工程",
            PilotTask.EFFICIENCY,
            "节能改造",
            "石泉县机关事务服务中心",
            2024,
            2025,
            "1450",
            {"fund_central": "500", "fund_local": "950"},
            "2130",
        ),
    ]
    for name, task, subtype, owner, start, end, total, funds, reduction in projects:
        KeyProject.objects.create(
            application=application,
            name=name,
            task=task,
            subtype=subtype,
            owner_unit=owner,
            location="石泉县城关镇",
            content=f"{name}：新建及改造相关设施，配套建设计量监测系统。",
            start_year=start,
            end_year=end,
            status=KeyProject.Status.PREPARING,
            total_investment=Decimal(total),
            expected_co2_reduction_t=Decimal(reduction),
            expected_energy_saving_tce=Decimal("1200"),
            calculation_note="按替代燃煤量×排放因子测算。",
            **{k: Decimal(v) for k, v in funds.items()},
        )
    for year, source, amount, use in [
        (2023, FundingPlan.Source.PROVINCIAL, "1100", "试点示范项目补助"),
        (2023, FundingPlan.Source.LOCAL, "1800", "配套资金"),
        (2024, FundingPlan.Source.BONDS, "6000", "集中供热工程"),
        (2024, FundingPlan.Source.ENTERPRISE, "9200", "光伏及供热项目"),
        (2025, FundingPlan.Source.GREEN_FINANCE, "1000", "光伏项目绿色信贷"),
    ]:
        FundingPlan.objects.create(
            application=application, year=year, source=source, amount=Decimal(amount), use=use
        )
    AttachmentFactory(application=application, uploaded_by=applicant, original_name="承诺书（签字盖章）.pdf")
    AttachmentFactory(
        application=application,
        uploaded_by=applicant,
        kind=Attachment.Kind.BOUNDARY_MAP,
        title="边界范围图",
        original_name="石泉县试点边界范围图.pdf",
    )
    AttachmentFactory(
        application=application,
        uploaded_by=applicant,
        kind=Attachment.Kind.STATISTICS,
        title="统计公报",
        original_name="2020-2022年国民经济和社会发展统计公报.pdf",
    )
    return application, applicant


def expected_total(application) -> str:
    """The base-year CO2 total as carbon.accounting computes it, as the form prints it."""
    baseline = application.baselines.get(year=application.batch.base_year)
    inventory = compute_inventory(baseline, application.factor_set)
    return f"{q(inventory.total_t):,.2f}"


def make_snapshot(application) -> ApplicationSnapshot:
    data = serialize(load_for_snapshot(application.pk))
    return ApplicationSnapshot.objects.create(application=application, number=2, data=data, token=new_token())


# Poppler helpers --------------------------------------------------------------------------------
def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def save_artifact(pdf: bytes, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    return path


def fonts_of(path: Path) -> list[dict]:
    """pdffonts rows: name, type, emb."""
    lines = run("pdffonts", str(path)).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type [type...] encoding emb sub uni object ID
        rows.append({"name": parts[0], "emb": parts[-5], "line": line})
    return rows


def page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(path)), re.M).group(1))


def text_of(path: Path) -> str:
    return run("pdftotext", "-layout", str(path), "-")


def flat(text: str) -> str:
    """pdftotext output without layout spaces (CJK runs may be split by the layout)."""
    return re.sub(r"\s+", "", text)


def page_image(path: Path, name: str, page: int = 1) -> Image.Image:
    """Render one page at 50 dpi and keep the PNG under var/test-artifacts/."""
    root = ARTIFACTS / f"{name}-p{page}"
    run("pdftoppm", "-r", "50", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(path), str(root))
    return Image.open(root.with_suffix(".png")).convert("L")


def ink_share(image: Image.Image) -> float:
    """Share of pixels darker than light grey (page 1 of a blank PDF is 0)."""
    pixels = image.convert("L").tobytes()
    return sum(1 for p in pixels if p < 200) / len(pixels)


def red_pixels(image: Image.Image) -> int:
    data = image.convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3) if data[i] > 180 and data[i + 1] < 90 and data[i + 2] < 90)


def assert_fonts_embedded(path: Path) -> list[dict]:
    fonts = fonts_of(path)
    assert fonts, "no fonts in the PDF"
    assert all(f["emb"] == "yes" for f in fonts), [f["line"] for f in fonts if f["emb"] != "yes"]
    assert any(re.search(r"Noto.*CJK", f["name"]) for f in fonts), [f["name"] for f in fonts]
    return fonts


def assert_annex1(path: Path, application, *, draft: bool) -> str:
    assert_fonts_embedded(path)
    text = text_of(path)
    compact = flat(text)
    assert application.organisation.name in compact
    assert "附件1" in compact
    assert "陕西省低碳近零碳试点示范建设申报表" in compact
    for title in SECTION_TITLES:
        assert title in compact, title
    assert expected_total(application) in text  # exactly as carbon.accounting computes it
    assert "第 1 页 共" in text
    pages = page_count(path)
    assert 4 <= pages <= 14, pages
    assert f"第 {pages} 页 共 {pages} 页" in text
    assert "承诺书" in compact and "近3年未发生重大环境污染和生态破坏事故" in compact
    assert "主要负责人（签字）" in compact
    if draft:
        assert "草稿" in compact and "非正式文本" in compact
    else:
        assert "草稿" not in compact
        assert "第2版" in compact and "提交日期" in compact
    return text


# Formatting (no PDF) ---------------------------------------------------------------------------
def test_fmt_thousands_and_decimals():
    assert fmt("1234567.5", 2) == "1,234,567.50"
    assert fmt("1E+3") == "1,000"  # Decimal.normalize() output in snapshots
    assert fmt("12000.000", min_places=2) == "12,000.00"
    assert fmt("0.6335") == "0.6335"
    assert fmt("") == "" and fmt(None) == ""
    assert fmt("统计年鉴") == "统计年鉴"


@pytest.mark.django_db
def test_annex1_context_pivots_years_and_checks_boxes():
    application, _ = build_application("park")
    context = annex1_context(
        serialize(load_for_snapshot(application.pk)), draft=False, version=1, submitted_at=timezone.now()
    )
    assert context["years"] == [2020, 2021, 2022]
    gdp = next(r for r in context["baseline_rows"] if r["label"].startswith("地区生产总值（亿元，当年价）"))
    assert gdp["values"] == ["98.36", "106.72", "112.45"]
    coal = next(r for r in context["energy_rows"] if r["label"] == "原煤")
    assert coal["unit"] == "吨" and coal["values"][0] == "152,300.00"
    assert context["fenwei"] == "☑"  # 西安 is a 汾渭平原 priority city
    assert context["pilot_levels"] == [
        {"label": "低碳试点", "mark": "☐"},
        {"label": "近零碳试点", "mark": "☑"},
    ]
    assert context["carbon"]["total_t"] == expected_total(application)
    assert context["project_totals"]["investment"] == "21,130.00"
    assert context["funding"]["total"] == "19,100.00"


# Rendering through the tasks ------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["county", "park"])
def test_submitted_snapshot_pdf(kind):
    application, _ = build_application(kind)
    snapshot = make_snapshot(application)

    started = time.perf_counter()
    assert tasks.render_snapshot_pdf(snapshot.pk) is True
    elapsed = time.perf_counter() - started
    assert tasks.render_snapshot_pdf(snapshot.pk) is False  # idempotent: never rendered twice

    snapshot.refresh_from_db()
    assert snapshot.pdf and snapshot.pdf_rendered_at
    pdf = snapshot.pdf.read()
    assert pdf.startswith(b"%PDF-")
    path = save_artifact(pdf, f"annex1-{kind}")
    text = assert_annex1(path, application, draft=False)
    if kind == "park":
        assert "所涉县（市、区）" in flat(text) and "雁塔区" in flat(text) and "8,650" in text
        assert "近零碳试点" in text
    else:
        assert "所在县（市、区）" in flat(text) and "石泉县" in text
    assert ink_share(page_image(path, f"annex1-{kind}")) > 0.03
    print(f"\nannex1 ({kind}): {page_count(path)} pages, rendered in {elapsed:.2f}s")


@pytest.mark.django_db
def test_draft_pdf_is_watermarked():
    application, applicant = build_application("county")
    draft = DraftPdf.objects.create(application=application, requested_by=applicant, token=new_token())

    started = time.perf_counter()
    assert tasks.render_draft_pdf(draft.pk) is True
    elapsed = time.perf_counter() - started

    draft.refresh_from_db()
    path = save_artifact(draft.pdf.read(), "annex1-draft")
    assert_annex1(path, application, draft=True)
    text = text_of(path)
    # The watermark (a fixed element) repeats on every page, with the header note.
    assert text.count("非正式文本") >= page_count(path)
    assert ink_share(page_image(path, "annex1-draft")) > 0.03
    print(f"\nannex1 (draft): {page_count(path)} pages, rendered in {elapsed:.2f}s")


@pytest.mark.django_db
def test_empty_draft_renders_blank_form():
    """A draft with nothing filled in still prints the whole form, blanks marked （未填写）."""
    application = ApplicationFactory()
    draft = DraftPdf.objects.create(application=application, requested_by=UserFactory(), token=new_token())
    assert tasks.render_draft_pdf(draft.pk) is True
    draft.refresh_from_db()
    path = save_artifact(draft.pdf.read(), "annex1-empty-draft")
    assert_fonts_embedded(path)
    compact = flat(text_of(path))
    for title in SECTION_TITLES:
        assert title in compact, title
    assert "（未填写）" in compact and "未能核算" in compact and "草稿" in compact


@pytest.mark.django_db
def test_cover_letter_pdf():
    first, _ = build_application("county")  # 石泉县 and 汉阴县, both of 安康
    second, _ = build_application("county", code="610921", batch=first.batch)
    batch = first.batch
    first.city_rank, first.city_opinion = 1, "基础扎实，目标明确，同意推荐。"
    second.city_rank, second.city_opinion = 2, "园区统计边界清晰，重点项目支撑有力，同意推荐。" * 3
    for a in (first, second):
        a.save(update_fields=["city_rank", "city_opinion"])
    officer = UserFactory()
    forwarding = CityForwarding.objects.create(
        batch=batch,
        review_unit=first.organisation.review_unit,
        document_no="安环函〔2026〕12号",
        letter_text=(
            "根据《陕西省低碳近零碳试点示范建设工作方案（2023-2025年）》（陕环发〔2023〕48号）要求，"
            "我局组织开展了本市低碳近零碳试点示范建设申报工作。\n"
            "经对申报材料进行初审，现将推荐名单报送你厅，请予审核。\n特此函告。"
        ),
        letter_is_generated=True,
        forwarded_by=officer,
        token=new_token(),
    )
    forwarding.applications.set([first, second])

    started = time.perf_counter()
    assert tasks.render_forwarding_letter(forwarding.pk) is True
    elapsed = time.perf_counter() - started
    assert tasks.render_forwarding_letter(forwarding.pk) is False

    forwarding.refresh_from_db()
    path = save_artifact(forwarding.letter.read(), "cover-letter")
    assert_fonts_embedded(path)
    text = text_of(path)
    compact = flat(text)
    bureau = forwarding.review_unit.bureau_name
    assert bureau in compact
    assert "安环函〔2026〕12号" in compact
    assert "关于推荐陕西省低碳近零碳试点示范建设申报单位的函" in compact
    assert "陕西省生态环境厅：" in compact
    assert "特此函告。" in compact
    assert first.organisation.name in compact and second.organisation.name in compact
    assert compact.index(first.organisation.name) < compact.index(second.organisation.name)
    assert re.search(r"—\s*1\s*—", text)
    assert str(forwarding.forwarded_at.astimezone().year) + "年" in compact
    image = page_image(path, "cover-letter")
    assert ink_share(image) > 0.02
    # The 发文机关标志 is red: some clearly red pixels at the top of page 1.
    rgb = Image.open(ARTIFACTS / "cover-letter-p1.png")
    assert red_pixels(rgb.crop((0, 0, rgb.width, rgb.height // 3))) > 50
    print(f"\ncover letter: {page_count(path)} pages, rendered in {elapsed:.2f}s")


# A real worker on Redis -----------------------------------------------------------------------
def _require(condition: bool, what: str):
    if not condition:
        if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{what} is required (PORTAL_REQUIRE_SERVICES=1) but not configured")
        pytest.skip(f"{what} not configured")


@pytest.fixture
def celery_worker_process(transactional_db, settings, tmp_path):
    """A real worker (separate process) consuming a private queue on REDIS_URL, on the test database."""
    redis_url = os.environ.get("REDIS_URL", "")
    _require(bool(redis_url), "Redis (REDIS_URL)")
    _require(
        connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL): a worker cannot share SQLite's test DB"
    )
    from config.celery import app

    queue = f"pdf-test-{uuid.uuid4().hex[:8]}"
    # The worker writes where this process reads.
    settings.MEDIA_ROOT = Path(settings.BASE_DIR) / "var" / "test-media"
    db = connection.settings_dict
    database_url = (
        f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{quote(db['NAME'])}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PORTAL_CELERY_EAGER": "0",
    }
    log = tmp_path / "celery-worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-l",
                "info",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{queue}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    # The test process queues to Redis (on the worker's private queue) instead of running tasks in-process.
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=redis_url, task_default_queue=queue)
    try:
        deadline = time.monotonic() + 30
        while b"ready." not in log.read_bytes():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "worker did not start:\n" + log.read_text()
            time.sleep(0.2)
        yield process
    finally:
        app.conf.update(saved)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.celery_worker
def test_submission_pdf_rendered_by_real_worker(celery_worker_process):
    from applications.services import application_submit

    application, applicant = build_application("county")
    started = time.monotonic()
    application_submit(application=application, by=applicant)

    snapshot = None
    while time.monotonic() - started < 60:
        snapshot = ApplicationSnapshot.objects.filter(application=application).order_by("-number").first()
        if snapshot is not None and snapshot.pdf:
            break
        assert celery_worker_process.poll() is None, "the worker died"
        time.sleep(0.5)
    assert snapshot is not None, "application_submit created no snapshot"
    assert snapshot.pdf, "the worker did not store the PDF within 60 s"
    elapsed = time.monotonic() - started

    path = Path(settings.MEDIA_ROOT) / snapshot.pdf.name
    try:
        copy = save_artifact(path.read_bytes(), "annex1-worker")
        assert_fonts_embedded(copy)
        compact = flat(text_of(copy))
        assert application.organisation.name in compact and "附件1" in compact
        assert f"第{snapshot.number}版" in compact
        assert expected_total(application) in text_of(copy)
    finally:  # the worker's media root is the shared var/test-media: leave nothing behind
        shutil.rmtree(Path(settings.MEDIA_ROOT) / "applications" / str(application.pk), ignore_errors=True)
    print(f"\nworker: submitted → PDF stored in {elapsed:.1f}s")
