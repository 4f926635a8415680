"""City follow-up visits (督导): recorded and closed by the pilot's city, answered by the pilot."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import ActionNotPermitted, DomainError
from core.models import Notification
from followup import services
from followup.models import Visit

from ..factories import PDF_BYTES
from ..helpers import assert_audited, not_permitted, refused
from .conftest import future, past

pytestmark = pytest.mark.django_db


def recorded(pilot, city, **overrides):
    data = {
        "visit_date": past(3),
        "people": "王处长、李科长",
        "findings": "光伏项目进度滞后于年度节点。",
        "problems": "一期并网未按期完成。",
        "rectification_deadline": future(30),
    }
    return services.visit_create(pilot=pilot, by=city, **{**data, **overrides})


def test_city_records_a_visit_for_a_pilot_of_its_unit_only(pilot, city_ankang, city_xian, applicant_county):
    with pytest.raises(ActionNotPermitted):
        recorded(pilot, city_xian)
    visit = recorded(pilot, city_ankang)
    assert (visit.state, visit.pilot_id, visit.created_by_id) == (Visit.State.OPEN, pilot.pk, city_ankang.pk)
    assert (
        Notification.objects.filter(recipient=applicant_county, kind="followup.visit_recorded").count() == 1
    )


def test_problems_need_a_rectification_deadline_not_before_the_visit(pilot, city_ankang):
    with pytest.raises(DomainError, match="须规定整改时限"):
        recorded(pilot, city_ankang, rectification_deadline=None)
    with pytest.raises(DomainError, match="不能早于督导日期"):
        recorded(pilot, city_ankang, rectification_deadline=past(10))
    assert not Visit.objects.exists()


def test_pilot_responds_city_closes_with_a_note(pilot, city_ankang, applicant_county):
    visit = recorded(pilot, city_ankang)
    with not_permitted(visit):
        services.visit_respond(visit=visit, by=city_ankang, response="x")
    services.visit_respond(visit=visit, by=applicant_county, response="一期已于本月并网。")
    with not_permitted(visit):
        services.visit_close(visit=visit, by=applicant_county, note="自行销号")
    with refused(visit, match="须填写理由"):
        services.visit_close(visit=visit, by=city_ankang, note="")
    services.visit_close(visit=visit, by=city_ankang, note="现场核实已并网。")
    visit.refresh_from_db()
    assert (visit.state, visit.closing_note, visit.response) == (
        "closed",
        "现场核实已并网。",
        "一期已于本月并网。",
    )
    assert_audited(
        visit,
        action="close",
        actor=city_ankang,
        from_state="open",
        to_state="closed",
        reason="现场核实已并网。",
    )
    with refused(visit, match="已销号"):
        services.visit_respond(visit=visit, by=applicant_county, response="补充")


def test_overdue_means_open_after_the_deadline(pilot, city_ankang):
    visit = recorded(pilot, city_ankang, visit_date=past(40), rectification_deadline=past(1))
    assert visit.is_overdue()
    on_the_day = recorded(pilot, city_ankang, visit_date=past(40), rectification_deadline=past(0))
    assert not on_the_day.is_overdue()
    services.visit_close(visit=visit, by=city_ankang, note="已整改")
    visit.refresh_from_db()
    assert not visit.is_overdue()


def test_attachments_checked_by_content(pilot, city_ankang, applicant_county):
    visit = recorded(pilot, city_ankang)
    upload = SimpleUploadedFile("督导记录表.pdf", PDF_BYTES, content_type="application/pdf")
    attachment = services.visit_attachment_add(
        visit=visit, by=city_ankang, uploaded=upload, content_type="application/pdf", extension=".pdf"
    )
    assert attachment.file.name.startswith(f"followup/visits/{visit.pk}/")
    assert "督导记录表" not in attachment.file.name
    with pytest.raises(ActionNotPermitted):
        services.visit_attachment_add(
            visit=visit,
            by=applicant_county,
            uploaded=upload,
            content_type="application/pdf",
            extension=".pdf",
        )
