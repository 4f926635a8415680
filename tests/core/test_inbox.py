"""The notification inbox: each user sees and opens only their own notices."""

import pytest
from django.urls import reverse

from core.models import Notification

from ..factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(applicant_county, applicant_xian):
    return {
        "mine": NotificationFactory(recipient=applicant_county, title="石泉县的通知", url="/pilots/"),
        "theirs": NotificationFactory(recipient=applicant_xian, title="蓝田县的通知"),
    }


def test_inbox_lists_only_own_notices(notices, applicant_county, client_for):
    page = client_for(applicant_county).get(reverse("core:inbox")).text
    assert "石泉县的通知" in page
    assert "蓝田县的通知" not in page


def test_opening_another_users_notice_is_404_and_leaves_it_unread(notices, applicant_county, client_for):
    response = client_for(applicant_county).post(
        reverse("core:notification_open", args=[notices["theirs"].pk])
    )
    assert response.status_code == 404
    notices["theirs"].refresh_from_db()
    assert notices["theirs"].read_at is None


def test_opening_own_notice_marks_it_read_and_follows_its_link(notices, applicant_county, client_for):
    response = client_for(applicant_county).post(reverse("core:notification_open", args=[notices["mine"].pk]))
    assert response.status_code == 302 and response["Location"] == "/pilots/"
    notices["mine"].refresh_from_db()
    assert notices["mine"].read_at is not None


def test_mark_all_read_touches_only_own_notices(notices, applicant_county, client_for):
    client_for(applicant_county).post(reverse("core:inbox_read_all"))
    assert Notification.objects.get(pk=notices["mine"].pk).read_at is not None
    assert Notification.objects.get(pk=notices["theirs"].pk).read_at is None


def test_inbox_requires_login(client, notices):
    response = client.get(reverse("core:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
