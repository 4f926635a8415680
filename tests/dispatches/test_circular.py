"""The circular (通报): issued by the province, its lists frozen at issue, the PDF rendered in a task after
commit in the official layout (issuing body, document number, date), fonts embedded."""

import datetime
import shutil
import subprocess

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from dispatches import services
from dispatches.models import Circular

from .conftest import FULL, answer, response_of

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="pdftotext/pdffonts (poppler-utils) not installed",
)


@pytest.fixture
def issued(dispatch, pilots, province, applicant_county, applicant_xian, django_capture_on_commit_callbacks):
    answer(response_of(dispatch, pilots["shiquan"]), applicant_county, FULL)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=12), tick=False):
        answer(response_of(dispatch, pilots["lantian"]), applicant_xian, FULL)
        with django_capture_on_commit_callbacks(execute=True):
            circular = services.circular_issue(
                dispatch=dispatch,
                by=province,
                document_no="陕环办发〔2026〕12号",
                issued_on=datetime.date(2026, 12, 20),
            )
    circular.refresh_from_db()
    return circular


def test_lists_are_frozen_at_issue(issued):
    assert [r["name"] for r in issued.lists["on_time"]] == ["石泉县人民政府"]
    assert [r["name"] for r in issued.lists["late"]] == ["蓝田县人民政府"]
    assert [r["name"] for r in issued.lists["missing"]] == ["西安高新技术产业开发区管委会"]
    assert issued.lists["late"][0]["city"] == "西安市"


@needs_poppler
def test_circular_pdf_lists_late_and_missing_pilots_with_fonts_embedded(issued, client_for, province):
    assert issued.file and issued.rendered_at
    pdf = issued.file.read()
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    text = text.decode()
    flat = "".join(text.split())
    for expected in (
        "陕西省生态环境厅办公室",
        "陕环办发〔2026〕12号",
        "2026年12月20日",
        "逾期报送的试点单位（1个）",
        "蓝田县人民政府",
        "未报送的试点单位（1个）",
        "西安高新技术产业开发区管委会",
        "石泉县人民政府",
        "—1—",
    ):
        assert expected in flat, expected
    assert flat.index("逾期报送的试点单位") < flat.index("蓝田县人民政府") < flat.index("未报送的试点单位")
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # the "emb" column
    download = client_for(province).get(reverse("dispatches:circular_pdf", args=[issued.dispatch_id]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf


def test_rendering_twice_stores_one_file(issued):
    from dispatches.tasks import render_circular

    name = issued.file.name
    assert render_circular(issued.pk) is False
    issued.refresh_from_db()
    assert issued.file.name == name


def test_one_circular_per_dispatch_and_a_proper_document_number(issued, province):
    with pytest.raises(DomainError, match="已印发通报"):
        services.circular_issue(dispatch=issued.dispatch, by=province, document_no="陕环办发〔2026〕13号")
    assert Circular.objects.count() == 1


@pytest.mark.parametrize("number", ["陕环办发[2026]12号", "陕环办发〔26〕12号", "陕环办发〔2026〕012号", ""])
def test_document_number_format_is_checked(number, dispatch, province):
    with pytest.raises(DomainError, match="文号格式"):
        services.circular_issue(dispatch=dispatch, by=province, document_no=number)
    assert not Circular.objects.exists()


def test_circular_download_is_scoped(issued, client_for, expert, city_ankang):
    assert (
        client_for(expert).get(reverse("dispatches:circular_pdf", args=[issued.dispatch_id])).status_code
        == 404
    )
    assert (
        client_for(city_ankang).get(reverse("dispatches:circular_pdf", args=[issued.dispatch_id])).status_code
        == 200
    )
