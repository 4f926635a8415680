"""Two-factor authentication (django-otp): required for provincial, finance and DRC officers, staff
and superusers; optional for the others (issue 11). docs/security.md, "Two-factor"."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..factories import PASSWORD, UserFactory
from ..helpers import confirmed_totp_device, current_totp

pytestmark = pytest.mark.django_db

PRIVILEGED = ["province", "finance", "drc", "staff", "superuser"]


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def password_step(user) -> tuple[Client, str]:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client, response["Location"]


def fresh_code(device) -> str:
    """The authenticator's current code; the last accepted one is forgotten (one code per 30 s step)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    return current_totp(device)


def reaches(client: Client, url: str) -> bool:
    return client.get(url).status_code == 200


def gated(client: Client, step: str) -> bool:
    """Every page leads to the 2FA step `step` (otp_setup / otp_verify) and shows nothing else."""
    for url in (
        reverse("dashboard:dashboard"),
        reverse("applications:list"),
        reverse("core:inbox"),
        "/admin/",
    ):
        response = client.get(url)
        if response.status_code != 302 or not response["Location"].startswith(reverse(step)):
            return False
    return True


@pytest.mark.parametrize("persona", PRIVILEGED)
def test_a_privileged_user_without_a_device_must_set_one_up_first(persona, request):
    user = request.getfixturevalue(persona)
    client, location = password_step(user)
    assert location.startswith(reverse("otp_setup"))
    assert gated(client, "otp_setup")
    page = client.get(location).content.decode()
    assert "<svg" in page and "须启用双因素认证" in page
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert len(secret) == 32
    response = client.post(location, {"token": "000000" if current_totp(device) != "000000" else "111111"})
    assert "验证码不正确" in response.content.decode() and gated(client, "otp_setup")
    time.sleep(1.1)  # django-otp's throttle after a failure
    response = client.post(location, {"token": current_totp(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert reaches(client, reverse("dashboard:dashboard"))


@pytest.mark.parametrize("persona", PRIVILEGED)
def test_a_privileged_user_is_refused_without_the_code_and_admitted_with_it(persona, request):
    user = request.getfixturevalue(persona)
    device = confirmed_totp_device(user)
    client, location = password_step(user)
    assert location.startswith(reverse("otp_verify"))
    assert gated(client, "otp_verify")
    wrong = "123456" if fresh_code(device) != "123456" else "654321"
    response = client.post(location, {"token": wrong})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert gated(client, "otp_verify")
    time.sleep(1.1)
    response = client.post(location, {"token": fresh_code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:dashboard")
    assert reaches(client, reverse("dashboard:dashboard"))
    if user.is_staff:
        assert reaches(client, "/admin/")


@pytest.mark.parametrize("persona", PRIVILEGED)
def test_a_backup_code_works_once(persona, request):
    from core.auth_state import confirm_device

    user = request.getfixturevalue(persona)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=False)
    codes = confirm_device(user, device)
    first, location = password_step(user)
    assert first.post(location, {"token": codes[0]})["Location"] == reverse("dashboard:dashboard")
    assert reaches(first, reverse("dashboard:dashboard"))
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    second, location = password_step(user)
    response = second.post(location, {"token": codes[0]})
    assert response.status_code == 200 and gated(second, "otp_verify"), "a used code is refused"
    time.sleep(1.1)
    assert second.post(location, {"token": codes[1]}).status_code == 302
    assert reaches(second, reverse("dashboard:dashboard"))


def test_the_second_step_keeps_the_page_asked_for(province):
    device = confirmed_totp_device(province)
    client = Client()
    response = client.post(
        reverse("login"), {"username": province.username, "password": PASSWORD, "next": reverse("core:inbox")}
    )
    assert response.status_code == 302
    verify = client.get(response["Location"])
    if verify.status_code == 302:  # the dashboard redirect passes through the verify page with next=
        verify = client.get(verify["Location"])
    response = client.post(
        f"{reverse('otp_verify')}?next={reverse('core:inbox')}",
        {"token": fresh_code(device), "next": reverse("core:inbox")},
    )
    assert response["Location"] == reverse("core:inbox")
    response = client.post(f"{reverse('otp_verify')}?next=https://evil.example/", {"token": "x"})
    assert "evil" not in response.get("Location", "")


@pytest.mark.parametrize("persona", ["applicant_county", "agency", "city_xian", "expert"])
def test_two_factor_is_optional_for_the_others_but_owed_once_set_up(persona, request):
    user = request.getfixturevalue(persona)
    client, location = password_step(user)
    assert location == reverse("dashboard:dashboard") and reaches(client, location)
    device = confirmed_totp_device(user)  # set up of their own accord
    client, location = password_step(user)
    assert location.startswith(reverse("otp_verify")) and gated(client, "otp_verify")
    assert client.post(location, {"token": fresh_code(device)}).status_code == 302
    assert reaches(client, reverse("dashboard:dashboard"))


def test_an_optional_user_can_set_up_a_device(applicant_county):
    client, _location = password_step(applicant_county)
    page = client.get(reverse("otp_setup"))
    assert page.status_code == 200 and "须启用" not in page.content.decode()
    device = TOTPDevice.objects.get(user=applicant_county, confirmed=False)
    response = client.post(reverse("otp_setup"), {"token": current_totp(device)})
    assert response.status_code == 200 and 'data-testid="backup-codes"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed


def test_the_embedded_demo_can_turn_it_off_and_says_so(settings, province):
    settings.PORTAL_2FA_REQUIRED = False
    page = Client().get(reverse("login")).content.decode()
    assert "演示模式：本环境已关闭双因素认证" in page
    client, location = password_step(province)
    assert location == reverse("dashboard:dashboard") and reaches(client, location)
    settings.PORTAL_2FA_REQUIRED = True
    assert "演示模式" not in Client().get(reverse("login")).content.decode()


def test_a_role_granted_during_a_session_requires_the_second_factor_at_once(applicant_county, province):
    """The role is checked at every request, not only at login."""
    from organisations.models import Membership, Role

    client, _location = password_step(applicant_county)
    assert reaches(client, reverse("dashboard:dashboard"))
    department = Membership.objects.filter(user=province).first().organisation
    Membership.objects.create(user=applicant_county, organisation=department, role=Role.PROVINCE_OFFICER)
    assert gated(client, "otp_setup")
