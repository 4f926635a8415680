"""Authentication of 等保 level 3 (issue 11): lockout, password rules, forced change, session lifetime.

Two-factor authentication is in test_two_factor.py, the Redis outage in test_redis_outage.py.
"""

import datetime
import re
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import auth_state
from core.models import PasswordResetAttempt, PasswordState

from ..factories import PASSWORD, UserFactory
from ..helpers import verified_login

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多，已暂时锁定"
GOOD_PASSWORD = "Qinling-2026-ok"


def attempt(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    response = client.get(reverse("dashboard:dashboard"))
    return response.status_code == 200


# Lockout -----------------------------------------------------------------------------------------
def test_five_failures_lock_the_account_even_against_the_right_password(settings, applicant_county):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "shiquan", "wrong-password")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    response = attempt(client, "shiquan", "wrong-password")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    response = attempt(client, "shiquan", PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert "30 分钟后再试" in response.content.decode()
    assert not logged_in(client)
    # The security trail has the failures and the lockout, with the name tried and never the password.
    from core.models import SecurityEvent

    kinds = list(SecurityEvent.objects.filter(username="shiquan").values_list("kind", flat=True))
    assert kinds.count("login_failed") >= settings.AXES_FAILURE_LIMIT
    assert "lockout" in kinds
    assert not SecurityEvent.objects.filter(summary__contains="wrong-password").exists()


def test_the_lock_message_does_not_tell_whether_the_account_exists(settings, applicant_county):
    bodies = []
    for username in ("shiquan", "no_such_user"):
        client = Client(REMOTE_ADDR=f"10.9.0.{len(bodies) + 1}")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = attempt(client, username, "wrong-password")
        assert response.status_code == 429
        body = response.content.decode()
        bodies.append(re.sub(r"[A-Za-z0-9]{64}|value=\"(shiquan|no_such_user)\"", "", body))  # CSRF tokens
    assert bodies[0] == bodies[1]


def test_one_address_trying_many_accounts_is_locked(settings, applicant_county):
    client = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess{n}", "wrong-password")
    response = attempt(client, "shiquan", PASSWORD)  # an account never tried before, right password
    assert response.status_code == 429 and not logged_in(client)
    assert attempt(Client(REMOTE_ADDR="10.9.9.10"), "shiquan", PASSWORD).status_code == 302  # elsewhere: fine


def test_the_lock_is_lifted_by_time(settings, applicant_county):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "shiquan", "wrong-password")
    assert attempt(client, "shiquan", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=29))
    assert attempt(client, "shiquan", PASSWORD).status_code == 429, "still locked before 30 minutes"
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    response = attempt(client, "shiquan", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_the_lock_is_shown_to_administrators_who_lift_it(settings, applicant_county, admin_client):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "shiquan", "wrong-password")
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "shiquan" in listing.content.decode()
    lock = AccessAttempt.objects.get(username="shiquan")
    assert lock.failures_since_start >= settings.AXES_FAILURE_LIMIT
    response = admin_client.post(f"/admin/axes/accessattempt/{lock.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.filter(username="shiquan").exists()
    assert attempt(client, "shiquan", PASSWORD).status_code == 302 and logged_in(client)


def test_the_failure_limit_and_lock_time_are_configurable(settings, applicant_county):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    attempt(client, "shiquan", "wrong-password")
    assert attempt(client, "shiquan", "wrong-password").status_code == 429


def test_password_reset_requests_are_throttled_per_address_and_per_email(settings, applicant_county):
    applicant_county.email = "shiquan@example.cn"
    applicant_county.save()
    client = Client()
    for _ in range(settings.PORTAL_LOGIN_FAILURE_LIMIT):
        response = client.post(reverse("password_reset"), {"email": "shiquan@example.cn"})
        assert response.status_code == 302
    assert len(mail.outbox) == settings.PORTAL_LOGIN_FAILURE_LIMIT
    response = client.post(reverse("password_reset"), {"email": "shiquan@example.cn"})
    assert response.status_code == 429 and "找回密码请求过于频繁" in response.content.decode()
    assert 'value="shiquan@example.cn"' in response.content.decode()  # what was typed stays
    assert len(mail.outbox) == settings.PORTAL_LOGIN_FAILURE_LIMIT
    # The same e-mail from another address: still throttled (per e-mail); an unknown one too (no hint).
    other = Client(REMOTE_ADDR="10.8.0.1")
    assert other.post(reverse("password_reset"), {"email": "shiquan@example.cn"}).status_code == 429
    # Lifted by time (or by an administrator deleting the rows in the admin).
    PasswordResetAttempt.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=31))
    assert client.post(reverse("password_reset"), {"email": "shiquan@example.cn"}).status_code == 302


# Password rules ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!xyz", "密码太短：至少需要 10 个字符"),
        ("abcdefghij12", "至少 3 类"),
        ("Zhangwei-2026", "与用户名、姓名或邮箱过于相似"),
        ("Password123!", None),  # long, 4 classes, not in the list: accepted
        ("1234567890", "全是数字"),
        ("Password1!", "常见密码"),  # 10 characters, 4 classes, but on the common list
    ],
)
def test_password_rules_with_chinese_messages(password, message):
    user = UserFactory.build(username="zhangwei", full_name="张伟", email="zw@example.cn")
    if message is None:
        validate_password(password, user)
        return
    with pytest.raises(ValidationError) as raised:
        validate_password(password, user)
    assert any(message in text for text in raised.value.messages), raised.value.messages


def test_the_change_page_refuses_a_weak_password_and_keeps_the_page(client_for, applicant_county):
    client = client_for(applicant_county)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "abcdefghij", "new_password2": "abcdefghij"},
    )
    assert response.status_code == 200
    assert "至少 3 类" in response.content.decode()
    applicant_county.refresh_from_db()
    assert applicant_county.check_password(PASSWORD)


def test_a_password_set_by_an_administrator_must_be_changed_at_the_next_login(admin_client, applicant_county):
    response = admin_client.post(
        f"/admin/core/user/{applicant_county.pk}/password/",
        {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PasswordState.objects.get(user=applicant_county).must_change

    client = Client()
    assert attempt(client, "shiquan", GOOD_PASSWORD).status_code == 302
    response = client.get(reverse("dashboard:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    page = client.get(reverse("password_change"))
    assert "您的密码由管理员设置，请先修改密码" in page.content.decode()
    new = "Hanjiang-2026-mine"
    response = client.post(
        reverse("password_change"),
        {"old_password": GOOD_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert logged_in(client), "the current session is kept and released"
    assert not PasswordState.objects.get(user=applicant_county).must_change


def test_an_administrator_creating_a_user_sets_the_flag(admin_client):
    response = admin_client.post(
        "/admin/core/user/add/",
        {
            "username": "newcomer",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert PasswordState.objects.get(user__username="newcomer").must_change


def test_the_admin_refuses_a_weak_password(admin_client, applicant_county):
    response = admin_client.post(
        f"/admin/core/user/{applicant_county.pk}/password/",
        {"password1": "shiquan123", "password2": "shiquan123", "usable_password": "true"},
    )
    assert response.status_code == 200 and "过于相似" in response.content.decode()


# Sessions ----------------------------------------------------------------------------------------
def _age_session(client: Client, *, seen_ago: int = 0, auth_ago: int = 0) -> None:
    session = client.session
    now = int(time.time())
    session[auth_state.SEEN_AT] = now - seen_ago
    session[auth_state.AUTH_AT] = now - auth_ago
    session.save()


def test_idle_for_30_minutes_ends_the_session(settings, client_for, applicant_county):
    client = client_for(applicant_county)
    _age_session(client, seen_ago=29 * 60, auth_ago=29 * 60)
    assert logged_in(client), "29 minutes idle: still signed in"
    _age_session(client, seen_ago=31 * 60, auth_ago=31 * 60)
    response = client.get(reverse("dashboard:dashboard"))
    assert response.status_code == 302 and "expired=idle" in response["Location"]
    page = client.get(response["Location"])
    assert "由于长时间未操作，您已自动退出登录" in page.content.decode()
    assert not logged_in(client), "the session really ended"


def test_the_idle_timeout_is_configurable(settings, client_for, applicant_county):
    settings.PORTAL_SESSION_IDLE_MINUTES = 5
    client = client_for(applicant_county)
    _age_session(client, seen_ago=6 * 60)
    assert not logged_in(client)


def test_activity_moves_the_idle_timeout(client_for, applicant_county):
    client = client_for(applicant_county)
    _age_session(client, seen_ago=25 * 60, auth_ago=25 * 60)
    assert logged_in(client)  # a request 25 minutes after the last
    session = client.session
    assert int(time.time()) - session[auth_state.SEEN_AT] < 5


def test_the_absolute_lifetime_ends_an_active_session(client_for, applicant_county):
    client = client_for(applicant_county)
    _age_session(client, seen_ago=10, auth_ago=12 * 3600 - 60)
    assert logged_in(client)
    _age_session(client, seen_ago=10, auth_ago=12 * 3600 + 60)
    response = client.get(reverse("dashboard:dashboard"))
    assert response.status_code == 302 and "expired=max" in response["Location"]
    assert not logged_in(client)


def test_the_status_check_does_not_count_as_activity_and_stay_does(client_for, applicant_county):
    client = client_for(applicant_county)
    _age_session(client, seen_ago=28 * 60)
    status = client.get(reverse("session_status")).json()
    assert status["authenticated"] and 60 <= status["remaining"] <= 120
    assert client.get(reverse("session_status")).json()["remaining"] <= 120, "a GET does not extend it"
    stayed = client.post(reverse("session_status")).json()
    assert stayed["remaining"] >= 29 * 60
    _age_session(client, seen_ago=31 * 60)
    assert client.get(reverse("session_status")).json() == {"authenticated": False, "remaining": 0}


def test_pages_carry_the_warning_with_a_static_script_and_no_inline_script(client_for, applicant_county):
    body = client_for(applicant_county).get(reverse("dashboard:dashboard")).content.decode()
    assert 'data-session-idle="1800"' in body and 'data-session-warn="120"' in body
    assert 'id="session-warning"' in body and 'id="session-stay"' in body and "保持登录" in body
    assert re.search(r'<script src="[^"]*js/session-timeout\.js"', body)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "inline script"


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(client_for, applicant_county):
    this, other = client_for(applicant_county), client_for(applicant_county)
    assert logged_in(this) and logged_in(other)
    new = "Hanjiang-2026-mine"
    response = this.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert logged_in(this)
    assert not logged_in(other)


def test_a_login_runs_the_lockout_check_through_the_backend(settings):
    assert settings.AUTHENTICATION_BACKENDS[0] == "core.auth_backends.LockoutBackend"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_privileged_helper_logs_in_verified(client_for, province):
    client = client_for(province)
    assert logged_in(client)
    verified = Client()
    verified_login(verified, province)
    assert logged_in(verified)


def test_behind_the_balancer_a_client_cannot_choose_its_address(settings, applicant_county):
    """The address counted is the one the balancer appended to X-Forwarded-For, not one the client sent."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for n in range(settings.AXES_FAILURE_LIMIT):
        forged = Client(HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7")
        attempt(forged, f"guess{n}", "wrong-password")
    response = attempt(Client(HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"), "shiquan", PASSWORD)
    assert response.status_code == 429
    assert attempt(Client(HTTP_X_FORWARDED_FOR="203.0.113.8"), "shiquan", PASSWORD).status_code == 302
