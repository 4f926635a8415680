"""Single sign-on with the province's identity platform (issue 11, docs/security.md "Single sign-on").

The platform is a real OpenID Connect provider (django-oauth-toolkit, tests/oidc_provider) started in a
second process on a free port. The portal side runs in Django's test client; the browser's visits to the
platform (authorization, its login form) are real HTTP requests, and so are the portal's calls to the
platform's token, userinfo and JWKS endpoints.
"""

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from core.models import SecurityEvent, User

from ..factories import UserFactory
from ..helpers import confirmed_totp_device, current_totp

# The platform takes ~10 s to start (once per session) and each sign-in ~1 s. Without a provider:
# tests/core/test_sso_settings.py.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "shaanxi-lowcarbon-portal"
CLIENT_SECRET = "portal-client-secret-for-tests"
PLATFORM_PASSWORD = "platform-password-1"
PORTAL = "http://testserver"
CALLBACK = f"{PORTAL}/accounts/sso/callback/"
# The platform's users (their subject is "sxid-" + the name: tests/oidc_provider/validators.py).
PLATFORM_USERS = ["zhang", "li", "wang-mfa", "stranger", "retired"]


@dataclass
class Provider:
    base: str
    discovery: dict


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The stand-in identity platform: its own database and RSA key, migrated, seeded, then served."""
    tmp = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp / "signing.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(tmp / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": str(key_file),
        "OIDC_PROVIDER_ISSUER": f"{base}/o",
        "PYTHONPATH": str(ROOT),
    }
    manage = [sys.executable, "-m", "django"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=120)
    subprocess.run(
        [
            *manage,
            "seed_provider",
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
            "--redirect-uri",
            CALLBACK,
            "--password",
            PLATFORM_PASSWORD,
            *PLATFORM_USERS,
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
    )
    log = open(tmp / "provider.log", "wb")  # noqa: SIM115 (open while the server runs)
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        discovery = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                response = requests.get(f"{base}/o/.well-known/openid-configuration", timeout=2)
                if response.status_code == 200:
                    discovery = response.json()
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        assert discovery, (tmp / "provider.log").read_text(errors="replace")
        yield Provider(base=base, discovery=discovery)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def sso(settings, oidc_provider):
    """The portal configured for the platform, as docs/deployment.md describes (PORTAL_OIDC_*)."""
    d = oidc_provider.discovery
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = d["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = d["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = d["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = d["jwks_uri"]
    settings.PORTAL_OIDC_ISSUER = d["issuer"]
    return oidc_provider


def to_platform(client: Client, next_url: str = "") -> str:
    """The portal's 「统一身份认证登录」: the authorization request it sends the browser to."""
    response = client.get(reverse("oidc_authentication_init"), {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def sign_in_at_platform(authorize_url: str, username: str) -> str:
    """The browser at the platform: its login form, then back to the portal. Returns the callback URL
    the platform redirects to (code and state), without following it."""
    browser = requests.Session()
    url, data = authorize_url, None
    for _ in range(10):
        if data is None:
            response = browser.get(url, allow_redirects=False, timeout=10)
        else:
            response = browser.post(url, data=data, allow_redirects=False, timeout=10)
            data = None
        if response.status_code in (301, 302, 303):
            url = urljoin(url, response.headers["Location"])
            if url.startswith(PORTAL):
                return url
            continue
        assert response.status_code == 200, response.text[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
        next_field = re.search(r'name="next" value="([^"]*)"', response.text).group(1)
        data = {
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": PLATFORM_PASSWORD,
            "next": next_field.replace("&amp;", "&"),
        }
    raise AssertionError("the platform never sent the browser back to the portal")


def back_to_portal(client: Client, callback_url: str, **override):
    parts = urlsplit(callback_url)
    assert parts.path == reverse("oidc_authentication_callback")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(override)
    return client.get(parts.path, query)


def sso_login(client: Client, username: str, next_url: str = "", **override):
    return back_to_portal(client, sign_in_at_platform(to_platform(client, next_url), username), **override)


def signed_in(client: Client):
    return client.session.get(SESSION_KEY)


def events(kind):
    return list(SecurityEvent.objects.filter(kind=kind).order_by("seq", "id"))


# Configured ------------------------------------------------------------------------------------------
def test_the_login_page_offers_sso_when_configured(client, sso):
    page = client.get(reverse("login"), {"next": "/applications/"}).content.decode()
    assert "统一身份认证登录" in page
    assert f"{reverse('oidc_authentication_init')}?next=/applications/" in page


def test_the_authorization_request_uses_state_nonce_and_pkce(client, sso):
    query = parse_qs(urlsplit(to_platform(client)).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0] and query["nonce"][0] and query["code_challenge"][0]


# Mapped users ---------------------------------------------------------------------------------------
def test_a_mapped_applicant_signs_in_and_lands_on_the_page_asked_for(sso, applicant_county):
    User.objects.filter(pk=applicant_county.pk).update(sso_subject="sxid-li")
    client = Client()
    response = sso_login(client, "li", next_url="/applications/")
    assert response.status_code == 302 and response["Location"] == "/applications/"
    assert signed_in(client) == str(applicant_county.pk)
    assert client.get("/applications/").status_code == 200
    login = events(SecurityEvent.Kind.LOGIN)[-1]
    assert login.user_id == applicant_county.pk
    assert login.detail == {"method": "oidc", "claim": "sub", "subject": "sxid-li", "mfa_by_platform": False}
    assert not events(SecurityEvent.Kind.LOGIN_FAILED)


def test_a_mapped_provincial_officer_still_owes_the_portals_second_factor(sso, province):
    User.objects.filter(pk=province.pk).update(sso_subject="sxid-zhang")
    client = Client()
    response = sso_login(client, "zhang", next_url="/applications/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))
    assert signed_in(client) == str(province.pk)
    gate = client.get(reverse("dashboard:dashboard"))
    assert gate.status_code == 302 and gate["Location"].startswith(reverse("otp_setup"))


def test_an_officer_with_a_device_passes_it_after_the_platform(sso, province):
    User.objects.filter(pk=province.pk).update(sso_subject="sxid-zhang")
    device = confirmed_totp_device(province)
    client = Client()
    response = sso_login(client, "zhang", next_url="/applications/")
    assert response["Location"].startswith(reverse("otp_verify"))
    assert client.get("/applications/")["Location"].startswith(reverse("otp_verify"))
    response = client.post(response["Location"], {"token": current_totp(device)})
    assert response.status_code == 302 and response["Location"] == "/applications/"
    assert client.get("/applications/").status_code == 200


def test_the_platforms_mfa_stands_for_the_second_factor_only_when_the_settings_trust_it(
    sso, province, settings
):
    User.objects.filter(pk=province.pk).update(sso_subject="sxid-zhang")
    settings.PORTAL_OIDC_TRUST_MFA = True
    client = Client()
    response = sso_login(client, "zhang", next_url="/applications/")
    assert response["Location"] == "/applications/"
    assert client.get("/applications/").status_code == 200
    assert events(SecurityEvent.Kind.LOGIN)[-1].detail["mfa_by_platform"] is True
    settings.PORTAL_OIDC_TRUST_MFA = False  # withdrawn: the same session owes the second factor again
    assert client.get("/applications/")["Location"].startswith(reverse("otp_setup"))


def test_trusted_mfa_can_require_the_id_token_to_say_mfa_was_done(sso, province, finance, settings):
    settings.PORTAL_OIDC_TRUST_MFA = True
    settings.PORTAL_OIDC_MFA_AMR = ["otp", "mfa"]
    User.objects.filter(pk=province.pk).update(sso_subject="sxid-zhang")  # amr: pwd
    User.objects.filter(pk=finance.pk).update(sso_subject="sxid-wang-mfa")  # amr: pwd, otp
    password_only, with_mfa = Client(), Client()
    assert sso_login(password_only, "zhang")["Location"].startswith(reverse("otp_setup"))
    assert sso_login(with_mfa, "wang-mfa")["Location"] == reverse("dashboard:dashboard")
    assert with_mfa.get(reverse("dashboard:dashboard")).status_code == 200


def test_the_claim_that_maps_users_is_configurable(sso, applicant_county, settings):
    settings.PORTAL_OIDC_CLAIM = "employee_no"
    User.objects.filter(pk=applicant_county.pk).update(sso_subject="sxid-li")  # the sub: no longer the key
    refused = Client()
    assert sso_login(refused, "li")["Location"] == reverse("login")
    assert not signed_in(refused)
    failure = events(SecurityEvent.Kind.LOGIN_FAILED)[-1]
    assert failure.detail["claim"] == "employee_no" and failure.detail["reason"] == "unmapped"
    User.objects.filter(pk=applicant_county.pk).update(sso_subject=failure.detail["subject"])
    client = Client()
    assert sso_login(client, "li")["Location"] == reverse("dashboard:dashboard")
    assert signed_in(client) == str(applicant_county.pk)


def test_a_password_set_by_an_administrator_is_not_asked_for_after_sso(sso, applicant_county):
    from core.auth_state import set_must_change

    User.objects.filter(pk=applicant_county.pk).update(sso_subject="sxid-li")
    set_must_change(applicant_county)
    client = Client()
    assert sso_login(client, "li", next_url="/applications/")["Location"] == "/applications/"
    assert client.get("/applications/").status_code == 200


# Refusals -------------------------------------------------------------------------------------------
def test_an_unmapped_subject_is_refused_and_nothing_is_created(sso, province):
    users_before = User.objects.count()
    client = Client()
    response = sso_login(client, "stranger")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "尚未关联本平台用户" in page and "不会自动开通账号" in page
    assert User.objects.count() == users_before
    assert not User.objects.filter(sso_subject="sxid-stranger").exists()
    (failure,) = events(SecurityEvent.Kind.LOGIN_FAILED)
    assert failure.user_id is None and failure.username == "sxid-stranger"
    assert failure.detail["method"] == "oidc" and failure.detail["reason"] == "unmapped"
    assert not events(SecurityEvent.Kind.LOGIN)
    assert client.get(reverse("dashboard:dashboard")).status_code == 302


def test_a_deactivated_user_is_refused(sso):
    UserFactory(username="retired_officer", sso_subject="sxid-retired", is_active=False)
    client = Client()
    response = sso_login(client, "retired")
    assert response["Location"] == reverse("login") and not signed_in(client)
    assert "已停用" in client.get(reverse("login")).content.decode()
    assert events(SecurityEvent.Kind.LOGIN_FAILED)[-1].detail["reason"] == "inactive"


def test_a_tampered_state_is_refused(sso, applicant_county):
    User.objects.filter(pk=applicant_county.pk).update(sso_subject="sxid-li")
    client = Client()
    response = sso_login(client, "li", state="forged-state-value")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not signed_in(client)
    assert "统一身份认证登录未完成或已失效" in client.get(reverse("login")).content.decode()
    (failure,) = events(SecurityEvent.Kind.LOGIN_FAILED)
    assert failure.detail["reason"] == "state" and failure.detail["method"] == "oidc"
    assert not events(SecurityEvent.Kind.LOGIN)


def test_a_callback_in_another_browser_or_replayed_is_refused(sso, applicant_county):
    User.objects.filter(pk=applicant_county.pk).update(sso_subject="sxid-li")
    victim = Client()
    callback = sign_in_at_platform(to_platform(victim), "li")
    attacker = Client()  # login CSRF: the victim's code and state in a session that never started them
    assert back_to_portal(attacker, callback)["Location"] == reverse("login")
    assert not signed_in(attacker)
    assert back_to_portal(victim, callback)["Location"] == reverse("dashboard:dashboard")
    victim.logout()
    replay = back_to_portal(victim, callback)  # the state was used once: a second time is refused
    assert replay["Location"] == reverse("login") and not signed_in(victim)
    assert [e.detail["reason"] for e in events(SecurityEvent.Kind.LOGIN_FAILED)] == ["state", "state"]


def test_a_forged_code_is_refused(sso, applicant_county):
    User.objects.filter(pk=applicant_county.pk).update(sso_subject="sxid-li")
    client = Client()
    response = sso_login(client, "li", code="not-a-code-the-platform-issued")
    assert response["Location"] == reverse("login") and not signed_in(client)
    failure = events(SecurityEvent.Kind.LOGIN_FAILED)[-1]
    assert failure.detail["reason"] == "invalid" and failure.detail["error"] == "HTTPError"


def test_an_id_token_for_another_client_or_issuer_is_refused(sso, applicant_county, settings):
    User.objects.filter(pk=applicant_county.pk).update(sso_subject="sxid-li")
    settings.PORTAL_OIDC_ISSUER = "https://idp.example.gov.cn/other"
    client = Client()
    assert sso_login(client, "li")["Location"] == reverse("login") and not signed_in(client)
    assert events(SecurityEvent.Kind.LOGIN_FAILED)[-1].detail["reason"] == "invalid"


def test_an_error_from_the_platform_is_refused(sso):
    client = Client()
    authorize = to_platform(client)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    response = client.get(reverse("oidc_authentication_callback"), {"error": "access_denied", "state": state})
    assert response["Location"] == reverse("login") and not signed_in(client)
    failure = events(SecurityEvent.Kind.LOGIN_FAILED)[-1]
    assert failure.detail["reason"] == "provider_error" and failure.detail["error"] == "access_denied"


def test_password_login_is_unchanged_beside_sso(sso, applicant_county):
    from ..factories import PASSWORD

    client = Client()
    response = client.post(reverse("login"), {"username": applicant_county.username, "password": PASSWORD})
    assert response.status_code == 302 and signed_in(client) == str(applicant_county.pk)
    assert events(SecurityEvent.Kind.LOGIN)[-1].detail == {}


def test_refused_sign_ins_count_towards_the_address_lockout(sso, applicant_county, settings):
    User.objects.filter(pk=applicant_county.pk).update(sso_subject="sxid-li")
    for _ in range(settings.PORTAL_LOGIN_FAILURE_LIMIT - 1):
        assert sso_login(Client(), "stranger")["Location"] == reverse("login")
    assert sso_login(Client(), "stranger").status_code == settings.AXES_HTTP_RESPONSE_CODE  # the last one
    assert events(SecurityEvent.Kind.LOCKOUT)
    client = Client()
    response = sso_login(client, "li")  # a mapped user, from the locked address
    assert not signed_in(client)
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "登录失败次数过多" in response.content.decode()
