"""Playwright harness: one headless Chromium per session, a fresh context per persona, screenshots of
every open page into var/test-artifacts/ when a test fails.

The Debian Chromium is used as is (never `playwright install`).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; the live server and the ORM calls made by
# the test itself are ordinary synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright leaves an event loop running in this thread; asgiref then keys Django's connection
    # handles by context instead of by thread, and the next test would get fresh handles without
    # the serialized test data that TransactionTestCase(serialized_rollback=True) restores after each
    # flush. Keep the handles the session already has.
    handles = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, handle in handles.items():
        connections[alias] = handle
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def new_page(browser, live_server, request):
    """`new_page()` opens a page in a new browser context (its own cookies: one persona each)."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    for index, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            for number, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{name}-{index}-{number}.png"), full_page=True)
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, username: str, password: str) -> None:
    """Log in through the login form, as a person would; a user who must use two-factor authentication
    types the current code of their authenticator (a device with a fixed key is given to them first)."""
    from core.auth_state import two_factor_required
    from core.models import User
    from tests.helpers import confirmed_totp_device, current_totp

    user = User.objects.get(username=username)
    device = confirmed_totp_device(user) if two_factor_required(user) else None
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form[action='/accounts/login/'] button[type=submit]")
    assert "/accounts/login/" not in page.url, "login failed"
    if device is not None:
        assert "/accounts/two-factor/verify/" in page.url, "the second factor was not asked for"
        # A code is accepted once per 30-second step: forget the last one, the user may log in again now.
        type(device).objects.filter(pk=device.pk).update(last_t=-1)
        device.refresh_from_db()
        page.fill("#id_token", current_totp(device))
        with page.expect_navigation():
            page.click("form:has(#id_token) button[type=submit]")
        assert "/accounts/two-factor/" not in page.url, "the second factor was refused"
