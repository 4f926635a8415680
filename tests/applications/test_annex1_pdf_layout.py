"""The Annex 1 PDF tells the truth about its batch and its applicant, and lays out its end properly:
the target year is the batch's, the credit code and address entered in the form are printed, no page
holds only the signature line, and a figure reads the same on the web page and in the PDF."""

import re
import subprocess

import pytest
from django.urls import reverse

from applications import services, tasks
from applications.models import Attachment

from ..factories import AttachmentFactory, BatchFactory
from .test_pdf import (
    POPPLER,
    build_application,
    expected_total,
    flat,
    make_snapshot,
    page_count,
    save_artifact,
    text_of,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        any(__import__("shutil").which(tool) is None for tool in POPPLER),
        reason="poppler-utils not installed",
    ),
]


def page_texts(path) -> list[str]:
    """pdftotext page by page."""
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        for n in range(1, page_count(path) + 1)
    ]


def render_snapshot(application, name):
    snapshot = make_snapshot(application)
    assert tasks.render_snapshot_pdf(snapshot.pk) is True
    snapshot.refresh_from_db()
    return save_artifact(snapshot.pdf.read(), name)


def test_target_year_is_the_batch_s_and_credit_code_and_address_are_printed():
    batch = BatchFactory(name="2027年第三批低碳近零碳试点", year=2027, base_year=2022, target_year=2029)
    application, applicant = build_application("county", batch=batch)
    org = application.organisation
    org.credit_code, org.address = "", ""
    org.save()
    # Entered by the applicant in the form's first section, as the only place that asks for them.
    services.application_update(
        application=application,
        by=applicant,
        fields={},
        organisation_fields={"credit_code": "12100000400000624D", "address": "石泉县城关镇江南大道28号"},
        section="基本情况与边界",
    )
    compact = flat(text_of(render_snapshot(application, "annex1-2029")))
    assert "六、2029年目标指标" in compact and "2029年目标值" in compact
    assert "2025年目标" not in compact
    assert "统一社会信用代码12100000400000624D" in compact
    assert "通讯地址石泉县城关镇江南大道28号" in compact


# With 18 more attachments the old layout put the signature alone at the top of page 8.
@pytest.mark.parametrize("extra_attachments", [0, 18])
def test_no_page_holds_only_the_signature(extra_attachments):
    application, applicant = build_application("county")
    for n in range(extra_attachments):
        AttachmentFactory(
            application=application,
            uploaded_by=applicant,
            kind=Attachment.Kind.OTHER,
            original_name=f"佐证材料{n + 1}.pdf",
        )
    path = render_snapshot(application, f"annex1-signature-{extra_attachments}")
    pages = page_texts(path)
    signature_pages = [i for i, text in enumerate(pages) if "（单位盖章）" in text]
    assert len(signature_pages) == 1, signature_pages
    page = flat(pages[signature_pages[0]])
    # The signature page carries the list of attachments (at least its last rows) with it.
    before_signature = page.split("主要负责人（签字）")[0]
    before_signature = re.sub(r"^.*?第\d+版·提交日期：\d+年\d+月\d+日", "", before_signature)
    assert "附件清单" in before_signature or ".pdf" in before_signature, page
    assert "承诺书" in flat(pages[-1])  # the commitment follows on its own page


def test_web_page_and_pdf_write_the_same_figures(client_for):
    application, applicant = build_application("county")
    client = client_for(applicant)
    carbon = client.get(reverse("applications:section", args=[application.pk, "carbon"])).content.decode()
    projects = client.get(reverse("applications:section", args=[application.pk, "projects"])).content.decode()
    text = text_of(render_snapshot(application, "annex1-figures"))

    base = application.baselines.get(year=application.batch.base_year)
    coal = base.energy_uses.get(fuel="raw_coal").quantity  # stored with 3 decimals
    written = f"{coal:,.2f}"  # 吨: two decimals, thousands separated
    assert f">{written}<" in carbon and written in text
    assert f"{coal:,.3f}" not in carbon  # no longer 3 decimals on the web
    total = expected_total(application)
    assert f">{total}<" in carbon and total in text
    investment = f"{application.projects.first().total_investment:,.2f}"
    assert f">{investment}<" in projects and investment in text
