"""A draft PDF asked for again while the previous one is still being generated is the same draft: two
requests (a double click, two web machines) render it once. One older than 2 minutes counts as lost."""

import datetime

import pytest
from django.core.files.base import ContentFile

from applications import services
from applications.models import DraftPdf

from ..factories import ApplicationFactory, county

pytestmark = pytest.mark.django_db


def queued(callbacks) -> list:
    """The tasks queued after commit (the audit chain's sealer runs after commit too)."""
    return [c for c in callbacks if "enqueue_on_commit" in c.__qualname__]


@pytest.fixture
def application(shiquan):
    return ApplicationFactory(organisation=county("610922"))


def test_a_pending_draft_is_returned_and_queued_once(
    application, applicant_county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as first_queued:
        first = services.draft_pdf_request(application=application, by=applicant_county)
    with django_capture_on_commit_callbacks() as second_queued:
        second = services.draft_pdf_request(application=application, by=applicant_county)
    assert second == first and DraftPdf.objects.count() == 1
    assert len(queued(first_queued)) == 1 and queued(second_queued) == []  # one rendering task in all


def test_a_rendered_or_lost_draft_is_followed_by_a_new_one(
    application, applicant_county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        first = services.draft_pdf_request(application=application, by=applicant_county)
    DraftPdf.objects.filter(pk=first.pk).update(
        requested_at=first.requested_at - datetime.timedelta(minutes=3)
    )  # its task was lost
    with django_capture_on_commit_callbacks():
        second = services.draft_pdf_request(application=application, by=applicant_county)
    assert second != first
    second.pdf.save("draft.pdf", ContentFile(b"%PDF-1.7"), save=True)  # rendered
    with django_capture_on_commit_callbacks():
        third = services.draft_pdf_request(application=application, by=applicant_county)
    assert third not in (first, second) and DraftPdf.objects.count() == 3
