"""Single sign-on is off unless configured (docs/deployment.md, PORTAL_OIDC_*); the flow itself against a
real provider: tests/core/test_sso.py."""

import pytest
from django.core.checks import run_checks
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sso_is_off_by_default_and_its_pages_do_not_exist(client):
    page = client.get(reverse("login")).content.decode()
    assert "统一身份认证登录" not in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_a_half_configured_sso_is_a_configuration_error(settings):
    settings.OIDC_RP_CLIENT_ID = "portal"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example.gov.cn/authorize"
    errors = [e for e in run_checks() if e.id == "core.E102"]
    assert len(errors) == 1
    assert "PORTAL_OIDC_CLIENT_SECRET" in errors[0].msg and "PORTAL_OIDC_JWKS_ENDPOINT" in errors[0].msg
    assert "PORTAL_OIDC_CLIENT_ID" not in errors[0].msg


def test_no_check_error_while_sso_is_off():
    assert not [e for e in run_checks() if e.id == "core.E102"]
