"""One officer check for the review services and pages (reviews.permissions.require_round_manager).

Before, three copies decided it: two raised ActionNotPermitted, the views' raised Http404. Now the one
rule raises ActionNotPermitted; services let it through (nothing changes, the message is Chinese) and
the officer pages answer 404, as for any object outside the user's scope. The province officer passes."""

import datetime

import pytest
from django.urls import reverse

from core.errors import ActionNotPermitted
from reviews import publicity, services
from reviews.permissions import require_round_manager

from ..factories import BatchFactory
from ..helpers import refused

pytestmark = pytest.mark.django_db


def test_the_rule_lets_the_province_officer_through_and_no_one_else(province, finance, drc, expert, outsider):
    assert require_round_manager(province) is None
    for user in (finance, drc, expert, outsider, None):
        with pytest.raises(ActionNotPermitted) as info:
            require_round_manager(user)
        assert info.value.code == "forbidden" and "权限" in info.value.message


@pytest.mark.parametrize("who", ["finance", "expert", "city_ankang"])
def test_services_refuse_with_action_not_permitted_and_change_nothing(who, request):
    user = request.getfixturevalue(who)
    batch = BatchFactory()
    with refused(batch, ActionNotPermitted):
        services.expert_create(by=user, name="王强", employer="西北大学", phone="13800000000")
    with refused(batch, ActionNotPermitted):
        publicity.publicity_open(batch=batch, by=user, start=datetime.date(2025, 6, 2), contact="张三 029-1")


@pytest.mark.parametrize("name", ["reviews:experts", "reviews:expert_template", "reviews:round_new"])
def test_officer_pages_answer_404_to_others_and_200_to_the_officer(
    name, client_for, province, finance, expert
):
    url = reverse(name)
    assert [client_for(u).get(url).status_code for u in (finance, expert)] == [404, 404]
    assert client_for(province).get(url).status_code == 200
