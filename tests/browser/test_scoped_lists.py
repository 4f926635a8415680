"""In a real browser: each persona sees its own scope, a foreign URL is a 404, and the UI is Chinese
until the user picks English."""

import pytest

from applications.models import Application
from pilots.models import Pilot

from ..factories import PASSWORD, ApplicationFactory, BatchFactory, PilotFactory, county
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def files(db):
    batch = BatchFactory(name="2026年第二批")
    return {
        "shiquan": ApplicationFactory(
            batch=batch, organisation=county("610922"), state=Application.State.SUBMITTED
        ),
        "hanbin": ApplicationFactory(
            batch=batch, organisation=county("610902"), state=Application.State.SUBMITTED
        ),
        "lantian": ApplicationFactory(
            batch=batch, organisation=county("610122"), state=Application.State.SUBMITTED
        ),
        "pilot": PilotFactory(organisation=county("610922"), state=Pilot.State.IMPLEMENTING),
    }


def test_each_persona_sees_only_its_scope(new_page, files, city_ankang, applicant_county):
    page = new_page()
    log_in(page, city_ankang.username, PASSWORD)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").first.inner_text() == "工作台"
    page.goto("/applications/")
    listing = page.get_by_test_id("application-list")
    assert listing.get_by_text("石泉县人民政府").count() == 1
    assert listing.get_by_text("安康市汉滨区人民政府").count() == 1
    assert listing.get_by_text("蓝田县人民政府").count() == 0

    page = new_page()  # a new context: no session shared with the city officer
    log_in(page, applicant_county.username, PASSWORD)
    page.goto("/applications/")
    listing = page.get_by_test_id("application-list")
    assert listing.get_by_text("石泉县人民政府").count() == 1
    assert listing.get_by_text("安康市汉滨区人民政府").count() == 0
    page.goto("/pilots/")
    assert page.get_by_test_id("pilot-list").get_by_text("石泉县人民政府").count() == 1
    response = page.goto(f"/applications/{files['lantian'].pk}/")
    assert response.status == 404
    assert "蓝田县" not in page.content()
    response = page.goto(f"/applications/{files['shiquan'].pk}/")
    assert response.status == 200
    assert page.get_by_test_id("state").inner_text() == "已提交（市级审核中）"

    # The UI is Chinese by default whatever the browser's locale (en-US here); the selector switches it.
    assert response.headers["content-language"] == "zh-hans"
    with page.expect_navigation():
        page.select_option("#lang", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#lang").input_value() == "en"
    response = page.goto("/pilots/")
    assert response.headers["content-language"] == "en"
    assert page.get_by_test_id("pilot-list").get_by_text("石泉县人民政府").count() == 1
