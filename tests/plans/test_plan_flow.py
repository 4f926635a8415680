"""The plan from drafting to implementation, through plans.services: drafting by the pilot and its agency,
return with comments per chapter, versions and their differences, filing (ledger v1), local approval."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import ActionNotPermitted
from pilots.models import Pilot
from plans import selectors, services
from plans.models import Chapter, LedgerVersion, Plan, PlanDecision
from plans.snapshot import diff

from ..helpers import assert_audited, audit_for, not_permitted, refused
from .data import fill_plan, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(pilot, applicant_county):
    return services.plan_start(pilot=pilot, by=applicant_county)


def test_starting_the_plan_moves_the_pilot_and_opens_every_chapter(plan, pilot):
    pilot.refresh_from_db()
    assert pilot.state == Pilot.State.PLAN_DRAFTING
    assert plan.state == Plan.State.DRAFTING
    assert sorted(plan.chapters.values_list("key", flat=True)) == sorted(Chapter.values)


def test_the_agency_may_not_start_the_plan(pilot, agency):
    with pytest.raises(ActionNotPermitted):
        services.plan_start(pilot=pilot, by=agency)
    assert not Plan.objects.filter(pilot=pilot).exists()


def test_chapters_are_sanitised_on_save(plan, agency):
    dirty = (
        '<h2 onclick="steal()">总体目标</h2><script>alert(1)</script>'
        '<p style="color:red">到2025年<a href="javascript:alert(1)">链接</a></p>'
        '<table><tr><td colspan="2" onmouseover="x()">指标</td></tr></table><img src=x onerror=alert(1)>'
        '<ul><li>光伏</li></ul><iframe src="https://evil"></iframe>'
    )
    chapter = services.plan_save_chapter(plan=plan, key=Chapter.GOALS, body=dirty, by=agency)
    body = chapter.body
    for bad in (
        "<script",
        "alert",
        "onclick",
        "onmouseover",
        "onerror",
        "style=",
        "javascript",
        "<img",
        "<iframe",
        "<a",
    ):
        assert bad not in body, (bad, body)
    assert "<h2>总体目标</h2>" in body
    assert '<td colspan="2">指标</td>' in body
    assert "<ul><li>光伏</li></ul>" in body
    assert "到2025年链接" in body


def test_the_agency_drafts_but_only_the_pilot_submits(plan, agency, applicant_county):
    fill_plan(plan, agency)
    with not_permitted(plan):
        services.plan_submit(plan=plan, by=agency)
    version = services.plan_submit(plan=plan, by=applicant_county)
    assert version.number == 1
    assert Plan.objects.get(pk=plan.pk).state == Plan.State.SUBMITTED
    assert Pilot.objects.get(pk=plan.pilot_id).state == Pilot.State.PLAN_SUBMITTED


def test_submission_is_refused_while_something_is_missing(plan, applicant_county):
    with refused(plan, code="incomplete", match="目标指标表"):
        services.plan_submit(plan=plan, by=applicant_county)


def test_uploaded_document_is_checked_by_content(plan, applicant_county):
    fake = SimpleUploadedFile("方案.pdf", b"this is not a pdf at all", content_type="application/pdf")
    with refused(plan, match="文件类型不符合要求"):
        services.plan_upload_document(plan=plan, uploaded=fake, by=applicant_county)
    png = SimpleUploadedFile("方案.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="application/pdf")
    with refused(plan, match="PDF 或 Word"):
        services.plan_upload_document(plan=plan, uploaded=png, by=applicant_county)
    stored = services.plan_upload_document(
        plan=plan, uploaded=pdf_upload("石泉县建设方案.pdf"), by=applicant_county
    )
    assert (stored.form, stored.document_type, stored.document_name) == (
        "upload",
        "application/pdf",
        "石泉县建设方案.pdf",
    )
    assert "石泉" not in stored.document.name  # stored under a token, not the uploader's name


def test_upload_size_is_limited(plan, applicant_county, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf")
    with refused(plan, match="文件过大"):
        services.plan_upload_document(plan=plan, uploaded=big, by=applicant_county)


def test_return_then_file_with_versions_and_differences(plan, applicant_county, province, agency):
    fill_plan(plan, agency)
    services.plan_submit(plan=plan, by=applicant_county)
    with refused(plan, code="reason_required"):
        services.plan_return(plan=plan, by=province, comment="", chapter_comments={})
    decision = services.plan_return(
        plan=plan, by=province, chapter_comments={Chapter.PROJECTS: "减排量测算依据不足", "nonsense": "x"}
    )
    assert decision.outcome == PlanDecision.Outcome.RETURNED
    assert decision.chapter_comments == {"projects": "减排量测算依据不足"}
    assert Plan.objects.get(pk=plan.pk).state == Plan.State.RETURNED
    assert Pilot.objects.get(pk=plan.pilot_id).state == Pilot.State.PLAN_RETURNED
    assert_audited(
        plan,
        action="return_plan",
        actor=province,
        from_state="submitted",
        to_state="returned",
        reason="六、重点工程项目：减排量测算依据不足",
    )

    # the pilot revises one chapter and one path value, and resubmits
    services.plan_save_chapter(plan=plan, key=Chapter.PROJECTS, body="<p>补充减排量测算过程。</p>", by=agency)
    target = plan.targets.get(indicator__code="forest_coverage")
    year = sorted(target.values)[0]
    rows = [
        {
            "indicator": t.indicator,
            "binding": t.binding,
            "base_value": t.base_value,
            "values": {**t.values, year: "45.8"} if t.pk == target.pk else t.values,
            "data_source": t.data_source,
        }
        for t in plan.targets.select_related("indicator")
    ]
    services.plan_save_targets(plan=plan, rows=rows, by=agency)
    v2 = services.plan_submit(plan=Plan.objects.get(pk=plan.pk), by=applicant_county)
    assert v2.number == 2
    v1 = plan.versions.get(number=1)
    changes = {c["key"]: (c["old"], c["new"]) for c in diff(v1.snapshot, v2.snapshot)}
    assert changes == {
        "chapter.projects": ("六、重点工程项目的内容。", "补充减排量测算过程。"),
        f"target.forest_coverage.{year}": ("45.6", "45.8"),
    }

    with refused(plan, match="备案编号"):
        services.plan_file(plan=plan, by=province, filing_number=" ")
    with not_permitted(plan):
        services.plan_file(plan=plan, by=applicant_county, filing_number="陕环试点备〔2024〕3号")
    decision = services.plan_file(plan=plan, by=province, filing_number="陕环试点备〔2024〕3号")
    assert (decision.version.number, decision.outcome) == (2, "filed")
    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.state, stored.filing_number) == (Plan.State.FILED, "陕环试点备〔2024〕3号")
    assert Pilot.objects.get(pk=plan.pilot_id).state == Pilot.State.PLAN_FILED

    # the ledger's version 1 is the filed plan's targets
    ledger = LedgerVersion.objects.get(pilot=plan.pilot)
    assert ledger.number == 1
    paths = selectors.target_path(plan.pilot)
    assert set(paths) == {"forest_coverage", "co2_intensity_drop"}
    assert paths["forest_coverage"].values[int(year)] == Decimal("45.8")
    assert paths["forest_coverage"].base_value == Decimal("45.2")
    assert paths["co2_intensity_drop"].binding is True
    assert [p.name for p in selectors.key_projects(plan.pilot)] == ["工业园区屋顶分布式光伏"]

    # filed: no more edits
    with refused(plan, code="state", match="不能修改"):
        services.plan_save_chapter(plan=plan, key=Chapter.GENERAL, body="<p>改</p>", by=applicant_county)


def test_filing_number_is_unique(plan, applicant_county, province, agency, applicant_xian):
    fill_plan(plan, agency)
    services.plan_submit(plan=plan, by=applicant_county)
    services.plan_file(plan=plan, by=province, filing_number="陕环试点备〔2024〕3号")
    from tests.factories import PilotFactory, county

    other = PilotFactory(organisation=county("610122"))
    other_plan = services.plan_start(pilot=other, by=applicant_xian)
    fill_plan(other_plan, applicant_xian)
    services.plan_submit(plan=other_plan, by=applicant_xian)
    with refused(other_plan, match="已被使用"):
        services.plan_file(plan=other_plan, by=province, filing_number="陕环试点备〔2024〕3号")


@pytest.fixture
def filed_plan(plan, applicant_county, province, agency):
    fill_plan(plan, agency)
    services.plan_submit(plan=plan, by=applicant_county)
    services.plan_file(plan=plan, by=province, filing_number="陕环试点备〔2024〕7号")
    return Plan.objects.get(pk=plan.pk)


def test_local_approval_moves_the_pilot_into_implementation(filed_plan, applicant_county, agency):
    today = datetime.date.today()
    args = {
        "meeting_kind": Plan.MeetingKind.COUNTY_EXECUTIVE,
        "meeting_name": "石泉县人民政府第12次常务会议",
        "meeting_date": today,
        "issuing_document_no": "石政发〔2024〕5号",
        "issued_on": today,
    }
    with not_permitted(filed_plan):
        services.plan_record_local_approval(plan=filed_plan, by=agency, minutes=pdf_upload(), **args)
    with refused(filed_plan, match="不能早于会议日期"):
        services.plan_record_local_approval(
            plan=filed_plan,
            by=applicant_county,
            minutes=pdf_upload(),
            **{**args, "issued_on": today - datetime.timedelta(days=1)},
        )
    text = SimpleUploadedFile("纪要.pdf", b"plain text minutes", content_type="application/pdf")
    with refused(filed_plan, match="文件类型不符合要求"):
        services.plan_record_local_approval(plan=filed_plan, by=applicant_county, minutes=text, **args)
    services.plan_record_local_approval(plan=filed_plan, by=applicant_county, minutes=pdf_upload(), **args)
    stored = Plan.objects.get(pk=filed_plan.pk)
    assert (stored.issuing_document_no, stored.meeting_kind, stored.issued_on) == (
        "石政发〔2024〕5号",
        "county_executive",
        today,
    )
    pilot = Pilot.objects.get(pk=filed_plan.pilot_id)
    assert pilot.state == Pilot.State.IMPLEMENTING
    entry = assert_audited(
        pilot,
        action="record_local_approval",
        actor=applicant_county,
        from_state="plan_filed",
        to_state="implementing",
    )
    assert entry.data["issuing_document_no"] == "石政发〔2024〕5号"
    assert audit_for(stored).filter(action="plans.plan.record_local_approval").exists()
