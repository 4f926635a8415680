"""In a real browser: a pilot answers a dispatch by downloading its Excel template, filling it and
uploading it; the province then sees the answer, the completeness by city and the chart drawn."""

import openpyxl
import pytest

from applications.models import Batch
from pilots.models import Pilot

from ..dispatches.conftest import make_dispatch
from ..factories import PASSWORD, BatchFactory, PilotFactory
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def pilot(shiquan, lantian):
    batch = BatchFactory(name="2023年第一批", state=Batch.State.PUBLISHED)
    PilotFactory(batch=batch, organisation=lantian, state=Pilot.State.IMPLEMENTING)
    return PilotFactory(batch=batch, organisation=shiquan, state=Pilot.State.IMPLEMENTING)


def test_dispatch_answered_by_excel_upload_in_the_browser(
    new_page, pilot, province, applicant_county, tmp_path
):
    dispatch = make_dispatch(province)
    page = new_page()
    log_in(page, applicant_county.username, PASSWORD)
    page.goto("/dispatches/")
    with page.expect_navigation():
        page.get_by_role("link", name=dispatch.title).click()
    with page.expect_download() as info:
        page.get_by_test_id("template").click()
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)
    book = openpyxl.load_workbook(template)
    ws = book.worksheets[0]
    ws["H4"], ws["H5"], ws["H6"] = 27.5, 3200, "二期光伏已并网"
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    page.set_input_files("input[type=file][name=file]", str(filled))
    with page.expect_navigation():
        page.get_by_role("button", name="上传并导入").click()
    assert "模板已导入" in page.content()
    assert page.locator(f"#id_q{dispatch.questions.get(order=2).pk}").input_value() == "3200"
    with page.expect_navigation():
        page.get_by_test_id("save-submit").click()
    assert page.get_by_test_id("state").inner_text() == "已提交"

    officer = new_page()
    log_in(officer, province.username, PASSWORD)
    officer.goto(f"/dispatches/{dispatch.pk}/")
    row = officer.locator("tr[data-pilot='石泉县人民政府']")
    assert "3,200.00" in row.inner_text() and "Excel" in row.inner_text()
    assert officer.locator("tr[data-city='total'] [data-col='answered']").inner_text() == "1"
    officer.locator("#dispatch-completeness-chart canvas").wait_for()
