"""The notification inbox: each user sees and opens only their own notices."""

import pytest
from django.urls import reverse
from django.utils import timezone

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


# Types, unread filter, marking read ----------------------------------------------------------------
def _shown(client, query: str = "") -> list[tuple[str, str, str]]:
    """(title, type, unread) of every message on the inbox page."""
    import re

    html = client.get(reverse("core:inbox") + query).text
    return [
        (m[3].strip(), m[1], m[2])
        for m in re.finditer(
            r'data-testid="message" data-type="(\w+)" data-unread="(\d)">.*?<span class="message-title">(.*?)</span>',
            html,
            re.S,
        )
    ]


@pytest.fixture
def mixed(applicant_county):
    def make(kind, title, read=False):
        return NotificationFactory(
            recipient=applicant_county, kind=kind, title=title, read_at=timezone.now() if read else None
        )

    return {
        "reminder": make("deadline_application", "申报截止提醒"),
        "returned": make("application_returned", "您的申报书已被退回修改"),
        "plan_returned": make("pilot_stage", "试点状态更新：方案已退回（需修改）"),
        "decision": make("application_recommended", "市级生态环境局已推荐您的申报书", read=True),
        "stage": make("pilot_stage", "试点状态更新：建设实施中"),
        "system": make("test", "系统维护通知"),
    }


def test_each_message_shows_its_type_derived_from_its_kind(mixed, applicant_county, client_for):
    shown = {title: type_ for title, type_, _unread in _shown(client_for(applicant_county))}
    assert shown == {
        "申报截止提醒": "reminder",
        "您的申报书已被退回修改": "return",
        "试点状态更新：方案已退回（需修改）": "return",
        "市级生态环境局已推荐您的申报书": "decision",
        "试点状态更新：建设实施中": "decision",
        "系统维护通知": "system",
    }


def test_inbox_filters_by_type_and_by_unread(mixed, applicant_county, client_for):
    client = client_for(applicant_county)
    returns = {title for title, _t, _u in _shown(client, "?type=return")}
    assert returns == {"您的申报书已被退回修改", "试点状态更新：方案已退回（需修改）"}
    decisions = {title for title, _t, _u in _shown(client, "?type=decision")}
    assert decisions == {"市级生态环境局已推荐您的申报书", "试点状态更新：建设实施中"}
    unread_decisions = _shown(client, "?type=decision&unread=1")
    assert [t for t, _ty, _u in unread_decisions] == ["试点状态更新：建设实施中"]
    assert all(u == "1" for _t, _ty, u in _shown(client, "?unread=1"))
    assert len(_shown(client, "?unread=1")) == 5
    # The tabs carry the unread count of each type.
    html = client.get(reverse("core:inbox")).text
    assert 'data-type="return">退回 <span class="badge" title="未读">2</span>' in html


def test_marking_one_read_keeps_the_filter_and_touches_only_that_message(mixed, applicant_county, client_for):
    client = client_for(applicant_county)
    response = client.post(
        reverse("core:notification_read", args=[mixed["returned"].pk]), {"type": "return", "unread": "1"}
    )
    assert (
        response.status_code == 302
        and response["Location"] == reverse("core:inbox") + "?type=return&unread=1"
    )
    assert Notification.objects.get(pk=mixed["returned"].pk).read_at is not None
    assert Notification.objects.get(pk=mixed["plan_returned"].pk).read_at is None


def test_marking_another_users_message_read_is_404(notices, applicant_county, client_for):
    response = client_for(applicant_county).post(
        reverse("core:notification_read", args=[notices["theirs"].pk])
    )
    assert response.status_code == 404
    assert Notification.objects.get(pk=notices["theirs"].pk).read_at is None


def test_mark_all_read_of_one_type_leaves_the_other_types_unread(mixed, applicant_county, client_for):
    client_for(applicant_county).post(reverse("core:inbox_read_all"), {"type": "return"})
    unread = set(Notification.objects.filter(read_at__isnull=True).values_list("title", flat=True))
    assert unread == {"申报截止提醒", "试点状态更新：建设实施中", "系统维护通知"}


@pytest.mark.parametrize("query", ["", "?type=return", "?unread=1"])
def test_inbox_runs_the_same_number_of_queries_for_5_and_60_messages(
    query, applicant_county, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(applicant_county)
    kinds = ["deadline_application", "application_returned", "pilot_stage", "test", "assigned"]
    for i in range(5):
        NotificationFactory(recipient=applicant_county, kind=kinds[i % 5])
    client.get(reverse("core:inbox") + query)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("core:inbox") + query)
    for i in range(55):
        NotificationFactory(recipient=applicant_county, kind=kinds[i % 5])
    with django_assert_num_queries(len(small)):
        client.get(reverse("core:inbox") + query)
