"""The naming certificate (命名证书): rendered after commit in a task through core.pdf, official layout
(the three departments, the document number, the date in Chinese), CJK fonts embedded, a page that is not
blank; downloaded by the pilot, its city and the province only (others 404)."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from core.formats import chinese_date
from naming import services
from naming.models import NamingCertificate

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdffonts", "pdftoppm")),
    reason="pdftotext/pdffonts/pdftoppm (poppler-utils) not installed",
)


@pytest.fixture
def certificate(in_publicity, province, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.publicity_conclude(publicity=in_publicity, by=province, document_no="陕环发〔2026〕48号")
    return NamingCertificate.objects.get()


@needs_poppler
def test_certificate_pdf_in_the_official_layout_with_fonts_embedded(certificate, tmp_path):
    assert certificate.file and certificate.rendered_at
    pdf = certificate.file.read()
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    flat = "".join(text.stdout.decode().split())
    for expected in (
        "陕西省生态环境厅",
        "陕西省财政厅",
        "陕西省发展和改革委员会",
        "陕环发〔2026〕48号",
        "命名证书",
        "石泉县人民政府",
        "安康市",
        "优秀",
        "陕西省低碳近零碳试点示范单位",
        chinese_date(timezone.localdate()),
    ):
        assert expected in flat, expected
    assert "—2—" not in flat  # one page: the sign-off of the three departments stays with the text
    assert flat.index("陕西省低碳近零碳试点示范单位") < flat.rindex("陕西省发展和改革委员会")
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # the "emb" column
    assert any("CJK" in row[0] or "UKai" in row[0] or "Ming" in row[0] for row in rows), fonts
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "20", "-gray", "-f", "1", "-l", "1", str(tmp_path / "c.pdf"), str(tmp_path / "p")],
        check=True,
    )
    image = next(tmp_path.glob("p*.pgm")).read_bytes()
    pixels = image.split(b"\n", 3)[3]  # P5 header: magic, size, max value, then the pixels
    assert sum(1 for b in pixels if b < 128) > 50  # ink on the page (the masthead, the text)


def test_rendering_twice_stores_one_file(certificate):
    from naming.tasks import render_certificate

    name = certificate.file.name
    assert render_certificate(certificate.pk) is False
    certificate.refresh_from_db()
    assert certificate.file.name == name


@pytest.mark.parametrize(
    "who, status",
    [
        ("applicant_county", 200),  # the pilot
        ("city_ankang", 200),  # its city
        ("province", 200),
        ("applicant_xian", 404),  # another pilot
        ("city_xian", 404),  # another city
        ("finance", 404),
        ("expert", 404),
    ],
)
def test_certificate_download_is_scoped(who, status, request, certificate, client_for):
    response = client_for(request.getfixturevalue(who)).get(
        reverse("naming:certificate", args=[certificate.pilot_id])
    )
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == certificate.file.open("rb").read()


def test_result_page_shows_grade_reason_and_certificate(certificate, client_for, applicant_county):
    page = client_for(applicant_county).get(reverse("naming:result", args=[certificate.pilot_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "优秀" in text and "各项指标全部完成，综合得分92.5分。" in text and "陕环发〔2026〕48号" in text
    assert reverse("naming:certificate", args=[certificate.pilot_id]) in text


def test_failed_pilot_result_page_says_why_and_until_when(
    certificate, client_for, applicant_xian, other_pilot
):
    page = client_for(applicant_xian).get(reverse("naming:result", args=[other_pilot.pk]))
    text = page.content.decode()
    assert "不通过" in text and "单位GDP二氧化碳排放降低率未达到方案约束性目标。" in text
    assert chinese_date(other_pilot.batch.construction_end) in text
    assert reverse("naming:certificate", args=[other_pilot.pk]) not in text


def test_sweeper_requeues_a_lost_certificate(in_publicity, province, settings):
    import datetime
    from unittest import mock

    from naming import tasks

    with mock.patch.object(tasks, "render_certificate"):  # the task is lost: nothing renders after commit
        services.publicity_conclude(publicity=in_publicity, by=province, document_no="陕环发〔2026〕48号")
    certificate = NamingCertificate.objects.get()
    assert not certificate.file
    NamingCertificate.objects.filter(pk=certificate.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    with mock.patch("core.queue.enqueue") as enqueue:
        assert tasks.sweep_pending_certificates() == 1
    enqueue.assert_called_once_with(tasks.render_certificate, certificate.pk)
    assert "naming.tasks.sweep_pending_certificates" in settings.PORTAL_OUTBOX_SWEEPERS
