"""One recipients helper: organisations.roles.users_with_role(role, *, organisation=None, review_unit=None).

Every notice and reminder finds its recipients there: active users only, each once, narrowed to an
organisation or to the organisations of a review unit (a city's officers)."""

import pytest

from organisations.models import Organisation, Role
from organisations.roles import users_with_role

from ..factories import MembershipFactory, city_bureau, county, department, member

pytestmark = pytest.mark.django_db

ANKANG, XIAN = "610900", "610100"  # review unit codes (tests/conftest.py)


def test_role_alone_is_every_active_holder_once(province, finance, city_ankang):
    second = member(Role.PROVINCE_OFFICER, department(Organisation.Kind.PROVINCE_ECOLOGY), username="p2")
    gone = member(Role.PROVINCE_OFFICER, department(Organisation.Kind.PROVINCE_ECOLOGY), username="p3")
    gone.is_active = False
    gone.save()
    # one person holding the role in two organisations is one recipient
    MembershipFactory(
        user=second, organisation=department(Organisation.Kind.PROVINCE_FINANCE), role=Role.PROVINCE_OFFICER
    )
    assert users_with_role(Role.PROVINCE_OFFICER) == [province, second]
    assert users_with_role([Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER]) == [province, finance, second]


def test_organisation_and_review_unit_narrow_the_holders(
    applicant_county, applicant_xian, city_ankang, city_xian
):
    shiquan = county("610922")
    assert users_with_role(Role.APPLICANT, organisation=shiquan) == [applicant_county]
    assert users_with_role(Role.APPLICANT, organisation=shiquan.pk) == [applicant_county]
    assert users_with_role(Role.CITY_OFFICER, review_unit=ANKANG) == [city_ankang]
    assert users_with_role(Role.CITY_OFFICER, review_unit=city_bureau(XIAN).review_unit) == [city_xian]
    assert users_with_role(Role.CITY_OFFICER, organisation=shiquan) == []


def test_one_query(django_assert_num_queries, province, finance):
    with django_assert_num_queries(1):
        assert [u.display_name for u in users_with_role([Role.PROVINCE_OFFICER, Role.FINANCE_OFFICER])]
