"""The publicity forms keep what was typed (issue 11): a refused objection record (or publicity opening)
comes back filled in as typed, with the Chinese message, and nothing is recorded."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Batch
from reviews import publicity
from reviews.models import Objection, ReviewRound

from ..factories import ApplicationFactory, BatchFactory, ReviewRoundFactory, county, item_of
from ..helpers import audit_for
from .officer_setup import LANTIAN, SHIQUAN

pytestmark = pytest.mark.django_db
S = Application.State
CONTENT = "该单位申报的基准年能源消费数据与统计公报不一致，请核查。"


@pytest.fixture
def in_publicity(province):
    batch = BatchFactory(state=Batch.State.PROVINCIAL_REVIEW)
    review_round = ReviewRoundFactory(batch=batch, state=ReviewRound.State.DECIDED)
    apps = [
        ApplicationFactory(batch=batch, organisation=county(code), state=S.SHORTLISTED)
        for code in (SHIQUAN, LANTIAN)
    ]
    for application in apps:
        item_of(review_round, application)
    publicity.publicity_open(
        batch=batch,
        by=province,
        start=timezone.localdate(),
        contact="省生态环境厅应对气候变化处 029-63916000",
    )
    return review_round, apps


def test_an_objection_without_a_contact_is_shown_again_as_typed(in_publicity, province, client_for):
    review_round, apps = in_publicity
    audit_count = audit_for(apps[1]).count()
    response = client_for(province).post(
        reverse("reviews:objection_record", args=[review_round.pk]),
        {
            "application": apps[1].pk,
            "received_on": "2026-12-02",
            "objector": "王某某",
            "contact": "",
            "content": CONTENT,
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    form = page.split('data-testid="objection-form"')[1].split("</form>")[0]
    assert CONTENT in form and 'value="王某某"' in form and 'value="2026-12-02"' in form
    assert f'<option value="{apps[1].pk}" selected>' in form  # the application chosen stays chosen
    assert "未保存，请按提示修改" in page and 'class="errorlist' in form
    assert not Objection.objects.exists()
    assert audit_for(apps[1]).count() == audit_count


def test_an_objection_refused_by_the_service_keeps_the_typed_text(in_publicity, province, client_for):
    """The form is valid but the service refuses (the application left publicity meanwhile): the message
    is shown on the form, with what was typed."""
    review_round, apps = in_publicity
    Application.objects.filter(pk=apps[0].pk).update(state=S.SELECTED)  # no longer in publicity
    response = client_for(province).post(
        reverse("reviews:objection_record", args=[review_round.pk]),
        {
            "application": apps[0].pk,
            "received_on": "2026-12-02",
            "objector": "王某某",
            "contact": "13900000003",
            "content": CONTENT,
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "只能对公示中的申报单位登记异议" in page and CONTENT in page
    assert not Objection.objects.exists()


def test_a_valid_objection_is_recorded(in_publicity, province, client_for):
    review_round, apps = in_publicity
    response = client_for(province).post(
        reverse("reviews:objection_record", args=[review_round.pk]),
        {
            "application": apps[0].pk,
            "received_on": "2026-12-02",
            "objector": "王某某",
            "contact": "13900000003",
            "content": CONTENT,
        },
    )
    assert response.status_code == 302
    assert Objection.objects.get().content == CONTENT
