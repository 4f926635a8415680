"""The plan PDF is rendered after the submission commits (Celery task), from the version's snapshot."""

import shutil
import subprocess

import pytest

from plans import services
from plans.tasks import render_plan_pdf

from .data import fill_plan

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_plan_pdf_is_rendered_after_commit_with_page_numbers(
    pilot, applicant_county, agency, province, django_capture_on_commit_callbacks, tmp_path
):
    plan = services.plan_start(pilot=pilot, by=applicant_county)
    fill_plan(plan, agency)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = services.plan_submit(plan=plan, by=applicant_county)
    version.refresh_from_db()
    assert not version.pdf  # nobody waits for the PDF inside the request
    for callback in callbacks:
        callback()
    version.refresh_from_db()
    assert version.pdf
    path = tmp_path / "plan.pdf"
    path.write_bytes(version.pdf.read())
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    compact = "".join(text.split())
    assert plan.title in compact
    assert "附表1目标指标表" in compact
    assert "—2—" in compact  # page numbers in the official style
    assert "工业园区屋顶" in compact  # the key-project table (a narrow cell may wrap the name)
    # idempotent: a second delivery does not render again
    name = version.pdf.name
    assert render_plan_pdf.apply(args=[version.pk]).result is False
    version.refresh_from_db()
    assert version.pdf.name == name


def test_the_outbox_sweep_queues_lost_plan_pdfs(pilot, applicant_county, agency, monkeypatch):
    import datetime

    from plans import tasks
    from plans.models import PlanVersion

    plan = services.plan_start(pilot=pilot, by=applicant_county)
    fill_plan(plan, agency)
    version = services.plan_submit(plan=plan, by=applicant_county)  # its on-commit task never ran
    queued = []
    monkeypatch.setattr("core.queue.enqueue", lambda task, *args: queued.append((task.name, args)))
    assert tasks.sweep_pending_pdfs() == 0  # too recent: its task may still be on its way
    PlanVersion.objects.filter(pk=version.pk).update(
        submitted_at=version.submitted_at - datetime.timedelta(minutes=5)
    )
    assert tasks.sweep_pending_pdfs() == 1
    assert queued == [(tasks.render_plan_pdf.name, (version.pk,))]
