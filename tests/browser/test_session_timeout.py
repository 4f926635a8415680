"""In a real browser: the idle-timeout warning appears before the end and "保持登录" keeps the session;
a privileged user passes the second factor through the form (issue 11, docs/security.md)."""

import time

import pytest
from django.contrib.sessions.models import Session

from core import auth_state

from ..factories import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _seen_at() -> int:
    return max(s.get_decoded().get(auth_state.SEEN_AT, 0) for s in Session.objects.all())


def test_the_idle_warning_appears_and_stay_signed_in_extends_the_session(
    settings, new_page, applicant_county
):
    settings.PORTAL_SESSION_IDLE_MINUTES = 1
    settings.PORTAL_SESSION_WARN_SECONDS = 57  # the warning after 3 seconds
    page = new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, applicant_county.username, PASSWORD)
    warning = page.locator("#session-warning")
    assert warning.is_hidden()
    warning.wait_for(state="visible", timeout=15_000)
    assert "即将自动退出登录" in warning.inner_text()
    before = _seen_at()
    time.sleep(1.1)
    with page.expect_response(
        lambda response: "/accounts/session/" in response.url and response.request.method == "POST"
    ):
        page.click("#session-stay")
    warning.wait_for(state="hidden", timeout=5_000)
    assert _seen_at() > before, "the click counted as activity on the server"
    assert not errors, errors


def test_a_provincial_officer_signs_in_with_the_authenticator_code(new_page, province):
    page = new_page()
    log_in(page, province.username, PASSWORD)  # password, then the code on the verification page
    assert page.url.endswith("/dashboard/")
    assert page.get_by_test_id("whoami").count() == 1
