"""The city bureau ranks its recommended applications and forwards them with a cover letter."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, Batch, CityForwarding
from core.errors import ActionNotPermitted, DomainError
from organisations.models import ReviewUnit

from ..factories import PDF_BYTES, BatchFactory, complete_application, county

pytestmark = pytest.mark.django_db
ANKANG = "610900"


@pytest.fixture
def batch():
    return BatchFactory()


@pytest.fixture
def recommended(batch, applicant_county, city_ankang):
    """Two 安康 applications, recommended by the city."""
    member_org = [county("610922"), county("610921")]
    applications = []
    for rank, organisation in enumerate(member_org, start=1):
        application = complete_application(batch=batch, organisation=organisation)
        from ..factories import member

        applicant = member("applicant", organisation)
        services.application_submit(application=application, by=applicant)
        services.application_recommend(application=application, by=city_ankang, opinion="同意推荐", rank=rank)
        applications.append(application)
    return applications


def test_rank_and_forward_with_uploaded_letter(batch, recommended, city_ankang, province, client_for):
    client = client_for(city_ankang)
    first, second = recommended
    client.post(
        reverse("applications:city_rank", args=[batch.pk]),
        {"unit": ANKANG, f"rank_{first.pk}": "2", f"rank_{second.pk}": "1"},
    )
    assert Application.objects.get(pk=second.pk).city_rank == 1
    assert Application.objects.get(pk=first.pk).city_rank == 2
    letter = SimpleUploadedFile("报送函.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("applications:city_forward", args=[batch.pk]),
        {"unit": ANKANG, "document_no": "安环函〔2026〕12号", "letter": letter},
        follow=True,
    )
    assert "已向省生态环境厅报送2份申报书" in response.content.decode()
    forwarding = CityForwarding.objects.get()
    assert forwarding.document_no == "安环函〔2026〕12号" and not forwarding.letter_is_generated
    assert set(forwarding.applications.values_list("state", flat=True)) == {Application.State.FORWARDED}
    # The province sees them and may download the letter; another city may not.
    assert client_for(province).get(reverse("applications:detail", args=[first.pk])).status_code == 200
    assert (
        client_for(province).get(reverse("applications:forwarding_letter", args=[forwarding.pk])).status_code
        == 200
    )


def test_letter_of_another_city_is_404(batch, recommended, city_ankang, city_xian, client_for):
    services.city_forward(
        review_unit=ReviewUnit.objects.get(pk=ANKANG),
        batch=batch,
        by=city_ankang,
        letter_text="现将推荐名单报送你厅。",
    )
    forwarding = CityForwarding.objects.get()
    assert (
        client_for(city_xian).get(reverse("applications:forwarding_letter", args=[forwarding.pk])).status_code
        == 404
    )


def test_forward_requires_a_letter(batch, recommended, city_ankang):
    with pytest.raises(DomainError, match="报送函"):
        services.city_forward(review_unit=ReviewUnit.objects.get(pk=ANKANG), batch=batch, by=city_ankang)
    assert not CityForwarding.objects.exists()


def test_forward_after_the_deadline_is_refused_and_nothing_moves(batch, recommended, city_ankang):
    Batch.objects.filter(pk=batch.pk).update(
        forwarding_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    batch.refresh_from_db()
    with pytest.raises(DomainError, match="已过市级报送截止日期"):
        services.city_forward(
            review_unit=ReviewUnit.objects.get(pk=ANKANG), batch=batch, by=city_ankang, letter_text="报送"
        )
    assert set(Application.objects.values_list("state", flat=True)) == {Application.State.RECOMMENDED}
    assert not CityForwarding.objects.exists()


def test_another_city_cannot_forward_or_open_the_screening_page(batch, recommended, city_xian, client_for):
    with pytest.raises(ActionNotPermitted):
        services.city_forward(
            review_unit=ReviewUnit.objects.get(pk=ANKANG), batch=batch, by=city_xian, letter_text="报送"
        )
    response = client_for(city_xian).get(
        reverse("applications:city_screening", args=[batch.pk]) + f"?unit={ANKANG}"
    )
    assert response.status_code == 404


def test_screening_page_lists_only_own_unit(batch, recommended, city_ankang, client_for):
    other = complete_application(batch=batch, organisation=county("610122"))  # 蓝田县 (西安)
    from ..factories import member

    services.application_submit(application=other, by=member("applicant", other.organisation))
    body = (
        client_for(city_ankang).get(reverse("applications:city_screening", args=[batch.pk])).content.decode()
    )
    assert "石泉县人民政府" in body and "蓝田县人民政府" not in body


def test_rank_order_must_match_the_recommended_list(batch, recommended, city_ankang):
    with pytest.raises(DomainError, match="排序列表"):
        services.city_rank_update(
            review_unit=ReviewUnit.objects.get(pk=ANKANG),
            batch=batch,
            by=city_ankang,
            ranks={recommended[0].pk: 1},
        )


def test_a_rank_used_twice_is_refused_and_shown_again_as_typed(batch, recommended, city_ankang, client_for):
    first, second = recommended[0], recommended[1]
    saved = dict(
        Application.objects.filter(pk__in=[a.pk for a in recommended]).values_list("pk", "city_rank")
    )
    assert sorted(saved.values()) == [1, 2]
    response = client_for(city_ankang).post(
        reverse("applications:city_rank", args=[batch.pk]),
        {"unit": ANKANG, f"rank_{first.pk}": "1", f"rank_{second.pk}": "1"}
        | {f"rank_{a.pk}": str(i) for i, a in enumerate(recommended[2:], start=3)},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "排序不能重复" in body and "第1位填写了2次" in body
    assert first.organisation.name in body.split("第1位填写了2次")[1]
    assert "推荐排序已保存" not in body
    assert f'name="rank_{second.pk}" value="1"' in body  # what was typed, not renumbered
    assert dict(Application.objects.filter(pk__in=saved).values_list("pk", "city_rank")) == saved


def test_gaps_in_the_ranking_close_up(batch, recommended, city_ankang):
    ranks = {a.pk: 10 * (len(recommended) - i) for i, a in enumerate(recommended)}
    order = services.city_rank_update(
        review_unit=ReviewUnit.objects.get(pk=ANKANG), batch=batch, by=city_ankang, ranks=ranks
    )
    assert order == [a.pk for a in reversed(recommended)]
    assert [Application.objects.get(pk=pk).city_rank for pk in order] == list(range(1, len(order) + 1))


def test_an_overlong_document_number_is_refused_with_a_message_and_nothing_forwarded(
    batch, recommended, city_ankang, client_for
):
    """5,000 characters into the 64-character 文号 column: a message naming the field, not a 500."""
    response = client_for(city_ankang).post(
        reverse("applications:city_forward", args=[batch.pk]),
        {"unit": ANKANG, "document_no": "安" * 5000, "letter_text": "现将我市推荐的申报材料报送贵厅。"},
    )
    assert response.status_code == 422  # the form again, with the letter as typed
    assert "「文号」最多64个字符，现有5000个" in response.content.decode()
    assert "现将我市推荐的申报材料报送贵厅。" in response.content.decode()
    assert not CityForwarding.objects.exists()
    assert set(Application.objects.values_list("state", flat=True)) == {Application.State.RECOMMENDED}


def test_a_nul_byte_in_a_reason_is_removed_not_a_500(batch, city_ankang, client_for):
    """PostgreSQL refuses NUL in text: it is cleaned from every submitted value before any view reads it."""
    from core.models import AuditEntry

    from ..factories import member

    application = complete_application(batch=batch, organisation=county("610922"))
    services.application_submit(application=application, by=member("applicant", application.organisation))
    response = client_for(city_ankang).post(
        reverse("applications:action", args=[application.pk, "return_for_revision"]),
        {"reason": "请补充\x00碳排放核算说明"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == Application.State.RETURNED
    entry = AuditEntry.objects.filter(action="applications.application.return_for_revision").get()
    assert entry.reason == "请补充碳排放核算说明"
