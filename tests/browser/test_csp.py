"""In a real browser: under the Content-Security-Policy, each role's main pages log no CSP violation
(no inline script, handler or style is blocked) and their scripts run (htmx loaded from static)."""

import pytest
from django.urls import reverse

from dashboard.selectors import menu_for
from organisations.models import Organisation, Role

from ..factories import PASSWORD, ApplicationFactory, county, department, member
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROLES = ["applicant_county", "agency", "city_ankang", "province", "finance", "drc", "expert", "auditor"]


def _violations(page) -> list[str]:
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    # Also what the document itself reports (securitypolicyviolation events).
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return seen


@pytest.mark.parametrize("role", ROLES)
def test_no_csp_violation_on_the_main_pages(role, request, new_page):
    if role == "auditor":
        user = member(Role.AUDITOR, department(Organisation.Kind.PROVINCE_ECOLOGY), username="auditor")
    else:
        user = request.getfixturevalue(role)
    ApplicationFactory(organisation=county("610922"))
    page = new_page()
    violations = _violations(page)
    log_in(page, user.username, PASSWORD)
    urls = [reverse("dashboard:home")] + [item.url for item in menu_for(user)]
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        assert "default-src 'self'" in response.headers.get("content-security-policy", "")
        # htmx came from static and is configured by the meta tag, not by an inline script.
        assert page.evaluate("() => window.htmx && htmx.config.includeIndicatorStyles") is False, url
    assert violations == [], violations
