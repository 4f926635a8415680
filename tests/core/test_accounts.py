"""Logging in, out, and resetting a forgotten password by e-mail, in Chinese by default."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_lands_on_the_dashboard_and_a_wrong_password_says_so_in_chinese(client, applicant_county):
    response = client.post(reverse("login"), {"username": applicant_county.username, "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()
    response = client.post(
        reverse("login"), {"username": applicant_county.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:dashboard")
    assert response.headers["Content-Language"] == "zh-hans"


def test_logout_ends_the_session(client, applicant_county):
    client.force_login(applicant_county)
    client.post(reverse("logout"))
    response = client.get(reverse("dashboard:dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_password_reset_by_mail(client, applicant_county):
    applicant_county.email = "shiquan@example.cn"
    applicant_county.save()
    response = client.post(reverse("password_reset"), {"email": "shiquan@example.cn"}, follow=True)
    assert "邮件已发送" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("【陕西低碳试点】")
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode()
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": "Qinling-2026-new", "new_password2": "Qinling-2026-new"},
    )
    assert client.login(username=applicant_county.username, password="Qinling-2026-new")


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.cn"}, follow=True)
    assert "邮件已发送" in response.content.decode()
    assert mail.outbox == []


def test_english_is_chosen_by_the_language_cookie(client, applicant_county):
    client.force_login(applicant_county)
    client.post(reverse("set_language"), {"language": "en", "next": "/dashboard/"})
    response = client.get(reverse("dashboard:dashboard"))
    assert response.headers["Content-Language"] == "en"
    assert 'lang="en"' in response.content.decode()
