"""Headers and the Content-Security-Policy: every role's main pages carry the CSP (no inline script or
style allowed) and the other security headers, and their HTML holds no inline script, no on…= handler
and no style attribute, so the policy breaks nothing."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from dashboard.selectors import menu_for
from organisations.models import Organisation, Role

from ..conftest import PERSONAS
from ..factories import ApplicationFactory, county, department, member

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def assert_clean(html: str, where: str) -> None:
    for name, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("on…= handler", EVENT_HANDLER),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
    ):
        found = pattern.search(html)
        assert found is None, f"{where}: {name}: {found and found.group(0)[:200]}"


def assert_headers(response, where: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert directives.get("default-src") == "'self'", (where, policy)
    assert directives.get("script-src") == "'self'", (where, policy)
    assert directives.get("style-src") == "'self'", (where, policy)
    assert directives.get("object-src") == "'none'", (where, policy)
    assert directives.get("frame-ancestors") == "'none'", (where, policy)
    assert directives.get("base-uri") == "'self'" and directives.get("form-action") == "'self'", where
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions, (where, permissions)


def _check(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert_headers(response, url)
    assert_clean(response.content.decode(), url)


def test_public_pages(db):
    client = Client()
    for url in (
        reverse("dashboard:home"),
        reverse("login"),
        reverse("publicity:index"),
        reverse("publicity:pilot_list"),
    ):
        _check(client, url)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "outsider"] + ["auditor"])
def test_every_role_main_pages(persona, request, client_for):
    if persona == "auditor":
        user = member(Role.AUDITOR, department(Organisation.Kind.PROVINCE_ECOLOGY), username="auditor")
    else:
        user = request.getfixturevalue(persona)
    ApplicationFactory(organisation=county("610922"))
    client = client_for(user)
    urls = [item.url for item in menu_for(user)] + [reverse("core:inbox")]
    assert len(urls) > 1
    for url in urls:
        _check(client, url)


def test_an_application_detail_and_its_form(applicant_county, client_for):
    application = ApplicationFactory(organisation=county("610922"))
    client = client_for(applicant_county)
    _check(client, reverse("applications:detail", args=[application.pk]))


def test_no_template_has_inline_script_handler_or_style():
    """Every template of the pages (the PDFs and e-mails are not pages and keep their styles)."""
    root = Path(settings.BASE_DIR)
    templates = [
        p
        for p in list((root / "templates").rglob("*.html")) + list(root.glob("*/templates/**/*.html"))
        if not {"pdf", "emails"} & set(p.relative_to(root).parts) and ".venv" not in p.parts
    ]
    assert templates
    for path in templates:
        assert_clean(path.read_text(), str(path.relative_to(root)))
