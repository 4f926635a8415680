"""The province recommends an accepted pilot to the national programme; the dossier PDF is rendered after
the commit with the self-evaluation's calculations."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from acceptance import services
from acceptance.models import Recommendation
from core.errors import ActionNotPermitted, DomainError
from pilots.models import Pilot

from .conftest import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(draft, pilot, applicant_county, city_ankang):
    fill(draft, applicant_county)
    services.request_submit(request=draft, by=applicant_county)
    services.request_forward(request=draft, by=city_ankang)
    Pilot.objects.filter(pk=pilot.pk).update(
        state=Pilot.State.ACCEPTED, acceptance_grade=Pilot.Grade.EXCELLENT
    )
    pilot.refresh_from_db()
    return pilot


def test_only_the_province_recommends_an_accepted_pilot_with_a_reason(pilot, accepted, province, city_ankang):
    with pytest.raises(ActionNotPermitted):
        services.recommend(pilot=accepted, by=city_ankang, reason="成效突出")
    with pytest.raises(DomainError, match="推荐须说明理由"):
        services.recommend(pilot=accepted, by=province, reason=" ")
    Pilot.objects.filter(pk=pilot.pk).update(state=Pilot.State.IMPLEMENTING)
    with pytest.raises(DomainError, match="只能推荐已通过验收的试点单位"):
        services.recommend(pilot=accepted, by=province, reason="成效突出")


def test_recommendation_renders_the_dossier(
    accepted, province, city_ankang, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.recommend(pilot=accepted, by=province, reason="减污降碳协同成效突出，经验可复制推广。")
    recommendation = Recommendation.objects.get(pilot=accepted)
    assert recommendation.recommended_by == province and recommendation.dossier and recommendation.rendered_at
    with pytest.raises(DomainError, match="已推荐"):
        services.recommend(pilot=accepted, by=province, reason="再次推荐")
    pdf = recommendation.dossier.read()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert "石泉县" in text and "45 ÷ 50" in text.replace("\n", " ")
        assert "六、第三方碳排放核查报告" in text
    page = client_for(province).get(reverse("acceptance:recommendations")).content.decode()
    assert "减污降碳协同成效突出" in page
    assert (
        client_for(province).get(reverse("acceptance:dossier", args=[recommendation.pk])).status_code == 200
    )
    assert client_for(city_ankang).get(reverse("acceptance:recommendations")).status_code == 404
    assert (
        client_for(city_ankang).get(reverse("acceptance:dossier", args=[recommendation.pk])).status_code
        == 404
    )


def test_recommend_through_the_page_keeps_input_on_refusal(accepted, province, client_for):
    response = client_for(province).post(
        reverse("acceptance:recommendations"), {"pilot": accepted.pk, "reason": ""}
    )
    assert response.status_code == 422 and "推荐须说明理由" in response.content.decode()
    assert not Recommendation.objects.exists()


def test_the_sweeper_requeues_a_lost_dossier(accepted, province, settings):
    """A dossier whose rendering task was lost (no file two minutes later) is queued again by the outbox
    sweep; a fresh one is left to its own task."""
    import datetime
    from unittest import mock

    from django.utils import timezone

    from acceptance import tasks

    with mock.patch.object(tasks, "render_dossier"):  # the task is lost: nothing renders after commit
        recommendation = services.recommend(pilot=accepted, by=province, reason="成效突出")
    recommendation = Recommendation.objects.get(pk=recommendation.pk)
    assert not recommendation.dossier
    with mock.patch("core.queue.enqueue") as enqueue:
        assert tasks.sweep_pending_dossiers() == 0  # too recent: its own task may still be running
        Recommendation.objects.filter(pk=recommendation.pk).update(
            recommended_at=timezone.now() - datetime.timedelta(minutes=5)
        )
        assert tasks.sweep_pending_dossiers() == 1
    enqueue.assert_called_once_with(tasks.render_dossier, recommendation.pk)
    assert "acceptance.tasks.sweep_pending_dossiers" in settings.PORTAL_OUTBOX_SWEEPERS


def test_the_dossier_carries_the_verification_report_byte_for_byte(
    accepted, province, django_capture_on_commit_callbacks, tmp_path
):
    """One PDF bundles the third-party verification report: the uploaded file is embedded in the dossier as
    a PDF attachment (read back here with poppler's pdfdetach, unchanged) and listed with its digest."""
    import hashlib

    from acceptance.models import Attachment

    report = Attachment.objects.get(request__pilot=accepted, kind=Attachment.Kind.VERIFICATION)
    original = report.file.read()
    with django_capture_on_commit_callbacks(execute=True):
        services.recommend(pilot=accepted, by=province, reason="成效突出")
    dossier = tmp_path / "dossier.pdf"
    dossier.write_bytes(Recommendation.objects.get(pilot=accepted).dossier.read())
    listing = subprocess.run(["pdfdetach", "-list", str(dossier)], capture_output=True, check=True).stdout
    assert listing.decode().splitlines() == ["1 embedded files", f"1: {report.original_name}"]
    saved = tmp_path / "saved.bin"
    subprocess.run(["pdfdetach", "-save", "1", "-o", str(saved), str(dossier)], check=True)
    assert saved.read_bytes() == original
    text = subprocess.run(["pdftotext", str(dossier), "-"], capture_output=True, check=True).stdout.decode()
    assert hashlib.sha256(original).hexdigest() in text.replace("\n", "")
