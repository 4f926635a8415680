"""Publicity (公示): the period in working days, objections and their handling, the confirmation that
creates the pilots and publishes the list, the public pages and the stored PDFs."""

import datetime
import shutil
import subprocess
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Batch
from core.errors import DomainError
from core.models import Notification
from core.workdays import add_workdays
from pilots.models import Pilot
from reviews import publicity
from reviews.models import Objection, ReviewDocument, ReviewRound

from ..factories import ApplicationFactory, BatchFactory, ReviewRoundFactory, county, item_of
from ..helpers import audit_for, refused
from .officer_setup import HANYIN, LANTIAN, SHIQUAN, make_round

pytestmark = pytest.mark.django_db
S = Application.State
CONTACT = "省生态环境厅应对气候变化处 王工 029-63916000"
NATIONAL_DAY_2025 = datetime.date(
    2025, 9, 29
)  # Monday; 10月1日—8日 holidays, 10月11日 (Saturday) a working day


@pytest.fixture
def shortlist(db):
    batch = BatchFactory(state=Batch.State.PROVINCIAL_REVIEW, name="第二批")
    apps = {
        "X": ApplicationFactory(batch=batch, organisation=county(SHIQUAN), state=S.SHORTLISTED),
        "Y": ApplicationFactory(batch=batch, organisation=county(LANTIAN), state=S.SHORTLISTED),
        "Z": ApplicationFactory(batch=batch, organisation=county(HANYIN), state=S.NOT_SELECTED),
    }
    # The selection round that shortlisted them: an objection is about an application's item in it.
    review_round = ReviewRoundFactory(batch=batch, state=ReviewRound.State.DECIDED)
    for application in apps.values():
        item_of(review_round, application)
    return batch, apps


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def open_publicity(batch, by, start=NATIONAL_DAY_2025, **kwargs):
    return publicity.publicity_open(batch=batch, by=by, start=start, contact=CONTACT, **kwargs)


def test_publicity_lasts_five_working_days_counted_with_the_holiday_calendar(shortlist, province):
    batch, apps = shortlist
    batch = open_publicity(batch, province)
    assert batch.state == Batch.State.PUBLICITY
    assert batch.publicity_start == NATIONAL_DAY_2025
    assert batch.publicity_end == add_workdays(NATIONAL_DAY_2025, 5).end == datetime.date(2025, 10, 11)
    assert {fresh(a).state for a in (apps["X"], apps["Y"])} == {S.IN_PUBLICITY}
    assert fresh(apps["Z"]).state == S.NOT_SELECTED
    entry = audit_for(batch).get(action="applications.batch.publicity_open")
    assert entry.data["working_days"] == 5 and entry.data["end"] == "2025-10-11"


def test_shortlisted_applicants_are_told_and_the_notice_pdf_is_requested(
    shortlist, province, applicant_county, django_capture_on_commit_callbacks
):
    batch, apps = shortlist
    with django_capture_on_commit_callbacks(execute=True):
        open_publicity(batch, province)
    notice = Notification.objects.get(recipient=applicant_county, kind="selection_outcome")
    assert "拟入选名单" in notice.title and "2025年10月11日" in notice.title
    document = ReviewDocument.objects.get(batch=batch, kind=ReviewDocument.Kind.PUBLICITY_LIST)
    assert document.file and document.version == 1
    assert [r["name"] for r in document.data["rows"]] == [
        apps["Y"].organisation.name,
        apps["X"].organisation.name,
    ]


def test_publicity_waits_for_every_confirmation_and_needs_a_contact(shortlist, province):
    batch, apps = shortlist
    with refused(batch, match="请填写异议受理联系人"):
        publicity.publicity_open(batch=batch, by=province, start=NATIONAL_DAY_2025, contact=" ")
    pending = ApplicationFactory(batch=batch, organisation=county("610923"), state=S.REVIEWED)
    with refused(batch, match=f"尚有申报书未完成评审或会签（{pending.organisation.name}）"):
        open_publicity(batch, province)
    assert fresh(apps["X"]).state == S.SHORTLISTED


def test_an_upheld_objection_takes_the_applicant_off_the_list(
    shortlist, province, applicant_county, django_capture_on_commit_callbacks
):
    batch, apps = shortlist
    with django_capture_on_commit_callbacks(execute=True):
        open_publicity(batch, province)
    objection = publicity.objection_record(
        application=fresh(apps["X"]),
        by=province,
        received_on=datetime.date(2025, 9, 30),
        objector="张某（石泉县居民）",
        contact="13900000001",
        content="申报材料中的重点项目已于2023年停建。",
    )
    with django_capture_on_commit_callbacks(execute=True):
        publicity.objection_handle(objection=objection, by=province, upheld=True, handling="经核实情况属实。")
    assert fresh(apps["X"]).state == S.NOT_SELECTED
    assert fresh(objection).outcome == Objection.Outcome.UPHELD
    assert Notification.objects.filter(recipient=applicant_county, title__contains="异议成立").exists()
    latest = ReviewDocument.objects.filter(batch=batch, kind=ReviewDocument.Kind.PUBLICITY_LIST).first()
    assert latest.version == 2 and latest.file
    assert [r["name"] for r in latest.data["rows"]] == [apps["Y"].organisation.name]
    page = Client().get(reverse("publicity:notice", args=[batch.pk])).text
    assert apps["Y"].organisation.name in page and apps["X"].organisation.name not in page
    with pytest.raises(DomainError, match="该异议已处理"):
        publicity.objection_handle(objection=objection, by=province, upheld=False, handling="重复提交")


def test_confirmation_before_the_end_needs_a_reason(shortlist, province):
    batch, apps = shortlist
    batch = open_publicity(batch, province, start=timezone.localdate())
    with refused(batch, match="期满后方可确定名单"):
        publicity.publicity_confirm(batch=batch, by=province)
    assert not Pilot.objects.exists()
    publicity.publicity_confirm(batch=batch, by=province, override_reason="省政府常务会议已提前研究确定。")
    assert fresh(batch).state == Batch.State.PUBLISHED
    assert (
        audit_for(batch).get(action="applications.batch.publish_list").reason
        == "省政府常务会议已提前研究确定。"
    )


def test_confirmation_waits_for_open_objections(shortlist, province):
    batch, apps = shortlist
    batch = open_publicity(batch, province)
    publicity.objection_record(
        application=fresh(apps["Y"]),
        by=province,
        received_on=NATIONAL_DAY_2025,
        objector="李某",
        contact="13900000002",
        content="数据存疑。",
    )
    with refused(batch, match="尚有1件异议未处理完毕"):
        publicity.publicity_confirm(batch=batch, by=province)


def test_confirmation_creates_the_pilots_and_publishes_the_list(
    shortlist, province, applicant_county, django_capture_on_commit_callbacks
):
    batch, apps = shortlist
    batch = open_publicity(batch, province)
    with django_capture_on_commit_callbacks(execute=True):
        publicity.publicity_confirm(batch=batch, by=province)
    assert fresh(batch).state == Batch.State.PUBLISHED
    assert {fresh(apps["X"]).state, fresh(apps["Y"]).state} == {S.SELECTED}
    assert set(Pilot.objects.values_list("organisation_id", flat=True)) == {
        apps["X"].organisation_id,
        apps["Y"].organisation_id,
    }
    assert Notification.objects.filter(recipient=applicant_county, title__contains="已入选").exists()
    document = ReviewDocument.objects.get(batch=batch, kind=ReviewDocument.Kind.PILOT_LIST)
    assert document.file and len(document.data["rows"]) == 2
    public = Client().get(reverse("publicity:pilot_list")).text
    assert apps["X"].organisation.name in public
    assert reverse("publicity:pilot_list_pdf", args=[batch.pk]) in public


def test_the_public_page_shows_the_list_with_the_period_and_the_contact(shortlist, province):
    batch, apps = shortlist
    open_publicity(batch, province, address="西安市雁塔区西影路6号")
    response = Client().get(reverse("publicity:notice", args=[batch.pk]))
    assert response.status_code == 200
    page = response.text
    assert "关于陕西省低碳近零碳试点示范建设拟入选名单的公示" in page
    assert "公示期：2025年9月29日至10月11日（5个工作日）" in page
    assert CONTACT in page and "西安市雁塔区西影路6号" in page
    assert apps["X"].organisation.name in page and apps["Y"].organisation.name in page
    assert apps["Z"].organisation.name not in page
    assert "安康市" in page and "县（区）" in page
    index = Client().get(reverse("publicity:index")).text
    assert reverse("publicity:notice", args=[batch.pk]) in index


def test_a_batch_not_in_publicity_has_no_public_page(shortlist):
    batch, _ = shortlist
    assert Client().get(reverse("publicity:notice", args=[batch.pk])).status_code == 404
    assert Client().get(reverse("publicity:notice_pdf", args=[batch.pk])).status_code == 404
    assert Client().get(reverse("publicity:pilot_list_pdf", args=[batch.pk])).status_code == 404


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_the_notice_and_the_pilot_list_are_served_as_stored_pdfs(
    shortlist, province, django_capture_on_commit_callbacks
):
    batch, apps = shortlist
    with django_capture_on_commit_callbacks(execute=True):
        batch = open_publicity(batch, province)
    response = Client().get(reverse("publicity:notice_pdf", args=[batch.pk]))
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=b"".join(response.streaming_content),
        capture_output=True,
        check=True,
    ).stdout.decode()
    text = "".join(text.split())
    assert "拟入选名单的公示" in text
    assert apps["X"].organisation.name in text
    assert "5个工作日" in text and "陕西省生态环境厅" in text
    with django_capture_on_commit_callbacks(execute=True):
        publicity.publicity_confirm(batch=batch, by=province)
    response = Client().get(reverse("publicity:pilot_list_pdf", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_officer_runs_publicity_from_the_round(province, client_for):
    review_round = make_round()
    batch = Batch.objects.get(pk=review_round.batch_id)
    ApplicationFactory(batch=batch, organisation=county(SHIQUAN), state=S.SHORTLISTED)
    client = client_for(province)
    page = client.get(reverse("reviews:publicity", args=[review_round.pk])).text
    assert "发布拟入选名单公示" in page
    page = client.post(
        reverse("reviews:publicity_open", args=[review_round.pk]),
        {"start": "2025-09-29", "working_days": "5", "contact": CONTACT, "address": ""},
        follow=True,
    ).text
    assert "拟入选名单已公示" in page
    assert fresh(batch).publicity_end == datetime.date(2025, 10, 11)
    application = batch.applications.get()
    client.post(
        reverse("reviews:objection_record", args=[review_round.pk]),
        {
            "application": application.pk,
            "received_on": "2025-09-30",
            "objector": "王某",
            "contact": "13900000003",
            "content": "异议内容",
        },
    )
    objection = Objection.objects.get()
    client.post(
        reverse("reviews:objection_handle", args=[review_round.pk, objection.pk]),
        {"upheld": "0", "handling": "经核查，异议不成立。"},
    )
    assert fresh(objection).outcome == Objection.Outcome.DISMISSED
    page = client.post(reverse("reviews:publicity_confirm", args=[review_round.pk]), follow=True).text
    assert "试点名单已确定并公布" in page
    assert Pilot.objects.filter(application=application).exists()


def test_a_lost_rendering_is_queued_again_by_the_outbox_sweep(shortlist, province):
    from core.tasks import sweep_outbox

    batch, _ = shortlist
    open_publicity(batch, province)  # the after-commit rendering never ran (as if Redis had been down)
    document = ReviewDocument.objects.get(batch=batch, kind=ReviewDocument.Kind.PUBLICITY_LIST)
    assert not document.file
    ReviewDocument.objects.filter(pk=document.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    sweep_outbox()
    assert fresh(document).file


# The published list and the notice as documents -------------------------------------------------
def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, without layout spaces (CJK runs may be split by the layout)."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return ["".join(page.split()) for page in text.split("\f") if page.strip()]


def stored_pdf(document) -> bytes:
    document = fresh(document)
    with document.file.open("rb") as handle:
        return handle.read()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_the_published_list_is_dated_the_day_of_publication_and_names_who_left_the_list(
    shortlist, province, django_capture_on_commit_callbacks
):
    from core.audit import record
    from reviews import documents

    batch, apps = shortlist
    batch = open_publicity(batch, province)
    objection = publicity.objection_record(
        application=fresh(apps["X"]),
        by=province,
        received_on=datetime.date(2025, 9, 30),
        objector="张某（石泉县居民）",
        contact="13900000001",
        content="重点项目已停建。",
    )
    publicity.objection_handle(objection=objection, by=province, upheld=True, handling="经核实情况属实。")
    # Published on 2025年10月15日 as the audit trail records it; rendered (and re-requested) later.
    published_at = datetime.datetime(2025, 10, 15, 9, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=published_at):
        publicity.publicity_confirm(batch=batch, by=province, override_reason="提前研究确定。")
    ReviewDocument.objects.filter(batch=batch, kind=ReviewDocument.Kind.PILOT_LIST).delete()
    upheld_on = documents.cn_date(timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        document = publicity.pilot_list_document_request(fresh(batch))
    assert document.data["issued_on"] == "2025年10月15日"  # was the day of rendering
    assert [r["name"] for r in document.data["rows"]] == [apps["Y"].organisation.name]
    x = apps["X"].organisation.name
    note = f"第二批拟入选名单公示2个单位，本名单1个，差异1个：{x}，{upheld_on}异议成立，不予入选（经核实情况属实）。"
    assert document.data["notes"] == [note]
    pages = pdf_pages(stored_pdf(document))
    assert f"说明：{note}" in pages[-1]
    assert "特此公布。陕西省生态环境厅2025年10月15日" in pages[-1]
    assert documents.cn_date(timezone.localdate()) not in pages[-1].split("特此公布。")[1]

    # A pilot disqualified since is named with the reason recorded for it.
    pilot = Pilot.objects.get(application=apps["Y"])
    Pilot.objects.filter(pk=pilot.pk).update(state="disqualified")
    record(
        pilot,
        actor=province,
        action="disqualify",
        label="取消试点资格",
        from_state="implementing",
        to_state="disqualified",
        reason="建设期满未提出验收申请。",
    )
    data = documents.pilot_list(fresh(batch))
    assert data["rows"] == [] and data["issued_on"] == "2025年10月15日"
    y = apps["Y"].organisation.name
    assert f"{y}，{upheld_on}取消试点资格（建设期满未提出验收申请）" in data["notes"][0]
    assert "公示2个单位，本名单0个，差异2个" in data["notes"][0]


NOTICE = {
    "kind": "publicity_list",
    "title_lines": ["关于陕西省低碳近零碳试点示范建设", "拟入选名单的公示"],
    "basis": "根据工作方案，经申报、审核推荐、专家评审，省生态环境厅会同省财政厅研究，提出拟入选名单，现予以公示。",
    "period": "2026年11月30日至12月4日",
    "working_days": 5,
    "objection": "公示期间，如有异议，请以书面形式向省生态环境厅反映。单位提出异议的须加盖公章，"
    "个人提出异议的须署真实姓名并提供联系方式；匿名异议不予受理。异议受理截止时间为2026年12月4日。",
    "contact": "陕西省生态环境厅应对气候变化处 张伟 029-87654321",
    "address": "西安市未央区未央路 陕西省生态环境厅应对气候变化处（邮编710018）",
    "issuer": "陕西省生态环境厅",
    "issued_on": "2026年11月30日",
}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_the_issuer_and_the_date_never_stand_alone_on_a_page():
    """Whatever the length of the list, the signature block shares its page with the last paragraph
    (the park call's notice of 3 rows used to put 陕西省生态环境厅 / the date alone on page 2)."""
    from core.pdf import render_pdf

    for n in range(1, 9):
        rows = [
            {"index": i, "name": f"某某高新技术产业开发区管委会{i}", "city": "西安市", "kind": "园区"}
            for i in range(1, n + 1)
        ]
        pages = pdf_pages(render_pdf("pdf/publicity_list.html", {**NOTICE, "rows": rows}))
        last = pages[-1]
        assert "陕西省生态环境厅2026年11月30日" in last, (n, pages)
        assert "书面材料寄送地址" in last, (n, len(pages), last)


def test_the_publicity_rules_hold_on_every_path(shortlist, province, client_for):
    """Issue 11: the province could select an application with an objection pending, take one off the list
    with no objection on record, or publish mid-publicity, through the generic buttons. The rules are now the
    transitions' own (reviews.guards): the service, the button and a direct model call all refuse."""
    from django_fsm import TransitionNotAllowed

    from applications import services as application_services

    batch, apps = shortlist
    batch = open_publicity(batch, province)
    x, y = fresh(apps["X"]), fresh(apps["Y"])
    # No objection on record: 异议成立 is refused on every path.
    with refused(x, match="没有登记并核查成立的异议"):
        application_services.application_uphold_objection(application=x, by=province, reason="有人反映")
    client = client_for(province)
    # The disabled button says the rule's own reason (the diagram's description of the rule is not a reason).
    page = client.get(reverse("applications:detail", args=[x.pk])).text
    assert "没有登记并核查成立的异议" in page
    assert "register_rule" not in page
    client.post(reverse("applications:action", args=[x.pk, "uphold_objection"]), {"reason": "有人反映"})
    assert fresh(x).state == S.IN_PUBLICITY
    with pytest.raises(TransitionNotAllowed):
        fresh(x).uphold_objection(by=province, reason="有人反映")
    # A pending objection: selecting that applicant and publishing the batch are refused.
    publicity.objection_record(
        application=y,
        by=province,
        received_on=NATIONAL_DAY_2025,
        objector="李某",
        contact="139",
        content="存疑",
    )
    with refused(y, match="尚有1件公示异议未处理完毕，不能确定入选"):
        application_services.application_select(application=fresh(y), by=province)
    with pytest.raises(TransitionNotAllowed):
        fresh(y).select(by=province)
    # Even with every application decided, a pending objection keeps the list unpublished.
    Application.objects.filter(pk__in=[x.pk, y.pk]).update(state=S.SELECTED)
    with refused(batch, match="尚有1件公示异议未处理完毕，不能公布名单"):
        application_services.batch_transition(batch=fresh(batch), name="publish", by=province)
    client.post(reverse("applications:batch_action", args=[batch.pk, "publish"]))
    assert fresh(batch).state == Batch.State.PUBLICITY
    assert not Pilot.objects.exists()
