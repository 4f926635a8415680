"""Forms keep what was typed (issue 11): the city's recommendation (opinion, rank) and its ranking, when
refused, come back filled in as typed with the Chinese message, and nothing changes in the database."""

from unittest import mock

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application
from core.errors import DomainError

from ..factories import BatchFactory, complete_application, county, member
from ..helpers import audit_for

pytestmark = pytest.mark.django_db
ANKANG = "610900"
OPINION = "该县低碳工作基础扎实，减排路径清晰，同意推荐。"


@pytest.fixture
def submitted(city_ankang):
    organisation = county("610922")
    application = complete_application(batch=BatchFactory(), organisation=organisation)
    services.application_submit(application=application, by=member("applicant", organisation))
    return Application.objects.get(pk=application.pk)


def unchanged(application, audit_count):
    stored = Application.objects.get(pk=application.pk)
    assert stored.state == Application.State.SUBMITTED
    assert (stored.city_opinion, stored.city_rank) == ("", None)
    assert audit_for(application).count() == audit_count


@pytest.mark.parametrize("rank", ["0", "一", "100"])
def test_an_invalid_rank_keeps_the_typed_opinion(submitted, city_ankang, client_for, rank):
    audit_count = audit_for(submitted).count()
    response = client_for(city_ankang).post(
        reverse("applications:recommend", args=[submitted.pk]), {"opinion": OPINION, "rank": rank}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert OPINION in page  # the textarea as typed
    assert f'value="{rank}"' in page
    assert "推荐未保存，请按提示修改" in page
    assert 'class="errorlist' in page
    unchanged(submitted, audit_count)


def test_a_missing_opinion_keeps_the_typed_rank(submitted, city_ankang, client_for):
    audit_count = audit_for(submitted).count()
    response = client_for(city_ankang).post(
        reverse("applications:recommend", args=[submitted.pk]), {"opinion": "   ", "rank": "7"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'name="rank" value="7"' in page
    assert "推荐未保存" in page
    unchanged(submitted, audit_count)


def test_a_recommendation_refused_by_the_service_keeps_the_typed_text(submitted, city_ankang, client_for):
    """A refusal by the service (a guard, the state, a race) is shown on the form as well."""
    audit_count = audit_for(submitted).count()
    refusal = DomainError("本批次推荐已截止。")
    with mock.patch.object(services, "application_recommend", side_effect=refusal):
        response = client_for(city_ankang).post(
            reverse("applications:recommend", args=[submitted.pk]), {"opinion": OPINION, "rank": "2"}
        )
    assert response.status_code == 422
    page = response.content.decode()
    assert OPINION in page and 'name="rank" value="2"' in page and "本批次推荐已截止" in page
    unchanged(submitted, audit_count)


def test_a_valid_recommendation_is_saved(submitted, city_ankang, client_for):
    response = client_for(city_ankang).post(
        reverse("applications:recommend", args=[submitted.pk]), {"opinion": OPINION, "rank": "3"}
    )
    assert response.status_code == 302
    stored = Application.objects.get(pk=submitted.pk)
    assert (stored.state, stored.city_opinion, stored.city_rank) == (
        Application.State.RECOMMENDED,
        OPINION,
        3,
    )


def test_a_rank_that_is_not_a_number_is_shown_again_as_typed(city_ankang, client_for):
    batch = BatchFactory()
    recommended = []
    for rank, code in enumerate(("610922", "610921"), start=1):
        application = complete_application(batch=batch, organisation=county(code))
        services.application_submit(application=application, by=member("applicant", county(code)))
        services.application_recommend(application=application, by=city_ankang, opinion="同意推荐", rank=rank)
        recommended.append(application)
    first, second = recommended
    response = client_for(city_ankang).post(
        reverse("applications:city_rank", args=[batch.pk]),
        {"unit": ANKANG, f"rank_{first.pk}": "第二", f"rank_{second.pk}": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "排序须为正整数" in page
    assert f'name="rank_{first.pk}" value="第二"' in page
    assert f'name="rank_{second.pk}" value="1"' in page
    ranks = dict(Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "city_rank"))
    assert ranks == {first.pk: 1, second.pk: 2}


def test_a_refused_forwarding_keeps_the_letter_as_typed(city_ankang, client_for):
    batch = BatchFactory()
    organisation = county("610922")
    application = complete_application(batch=batch, organisation=organisation)
    services.application_submit(application=application, by=member("applicant", organisation))
    services.application_recommend(application=application, by=city_ankang, opinion="同意推荐", rank=1)
    document_no = "安环函〔2026〕12号"
    response = client_for(city_ankang).post(
        reverse("applications:city_forward", args=[batch.pk]),
        {"unit": ANKANG, "document_no": document_no, "letter_text": "   "},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "请上传盖章的报送函，或填写报送函正文由系统生成" in page
    assert f'value="{document_no}"' in page
    assert Application.objects.get(pk=application.pk).state == Application.State.RECOMMENDED
