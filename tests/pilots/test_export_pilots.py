"""The pilot lists' Excel files, read back with openpyxl: the public list says exactly what the public
page says for each pilot (建设中 while a pilot is in acceptance review — the file used to say
验收评审中), the officers' list says what their list page says; both are official tables (title and
scope rows, 序号, typed year and date cells, frozen header, no formula)."""

import datetime
import re

import pytest
from django.urls import reverse

from organisations.models import Organisation
from pilots.models import Pilot

from .. import export_checks
from ..factories import BatchFactory, OrganisationFactory, PilotFactory, county

pytestmark = pytest.mark.django_db

S = Pilot.State


@pytest.fixture
def published():
    batch = BatchFactory(name="2023年第一批", year=2023, state="published")
    in_review = PilotFactory(batch=batch, organisation=county("610922"), state=S.IN_ACCEPTANCE_REVIEW)
    excellent = PilotFactory(
        batch=batch,
        organisation=county("610902"),
        state=S.ACCEPTED,
        acceptance_grade=Pilot.Grade.EXCELLENT,
        named_at=datetime.date(2026, 6, 30),
    )
    formula = PilotFactory(
        batch=batch,
        organisation=OrganisationFactory(
            name="@SUM(A1)", kind=Organisation.Kind.PARK, review_unit_id=county("610922").review_unit_id
        ),
        state=S.IMPLEMENTING,
    )
    disqualified = PilotFactory(batch=batch, organisation=county("610923"), state=S.DISQUALIFIED)
    return {"in_review": in_review, "excellent": excellent, "formula": formula, "disqualified": disqualified}


def page_statuses(html: str) -> dict[str, str]:
    """{organisation name: status} from the public page's table."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    found = {}
    for row in rows:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if cells:
            found[cells[1]] = cells[-1]
    return found


def test_the_public_file_uses_the_public_pages_status_words(client, published):
    on_page = page_statuses(client.get(reverse("publicity:pilot_list")).text)
    table = export_checks.read_response(client.get(reverse("publicity:pilot_list") + "?export=xlsx"))[
        "试点名单"
    ]
    export_checks.assert_well_formed(table, sheet="试点名单", title_contains="陕西省低碳近零碳试点名单")
    in_file = dict(zip(table.column("试点单位"), table.column("状态"), strict=True))

    assert in_file == on_page
    assert in_file[published["in_review"].organisation.name] == "建设中"  # not 验收评审中
    assert in_file[published["excellent"].organisation.name] == "已通过验收并命名（优秀）"
    assert published["excellent"].public_status == "已通过验收并命名（优秀）"
    # The disqualified pilot stays on the list with its outcome: the list adds up to the selection.
    assert len(table.rows) == 4
    assert in_file[published["disqualified"].organisation.name] == "已取消试点资格"

    export_checks.assert_numbers(table, "批次年度", "0")
    export_checks.assert_datetimes(table, "命名日期", 'yyyy"年"m"月"d"日"')
    named = dict(zip(table.column("试点单位"), table.column("命名日期"), strict=True))
    assert named[published["excellent"].organisation.name] == datetime.datetime(2026, 6, 30)
    export_checks.assert_fits(table, "试点单位")

    cell = next(c for c in table.cells_of("试点单位") if c.value == "@SUM(A1)")
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_officers_file_uses_the_list_pages_state_words(province, client_for, published):
    client = client_for(province)
    page = client.get(reverse("pilots:list")).text
    table = export_checks.read_response(client.get(reverse("pilots:list") + "?export=xlsx"))["试点单位"]
    export_checks.assert_well_formed(table, sheet="试点单位", title_contains="试点单位清单")
    assert table.scope.startswith("范围：全省；数据截至")
    statuses = dict(zip(table.column("试点单位"), table.column("状态"), strict=True))
    assert statuses[published["in_review"].organisation.name] == "验收评审中"
    for pilot in Pilot.objects.all():
        assert statuses[pilot.organisation.name] == pilot.get_state_display()
        assert f'<span class="state state-{pilot.state}">{pilot.get_state_display()}</span>' in page


def test_the_officers_file_names_its_filters(province, client_for, published):
    url = reverse("pilots:list") + f"?state={S.IN_ACCEPTANCE_REVIEW}&export=xlsx"
    table = export_checks.read_response(client_for(province).get(url))["试点单位"]
    assert table.column("试点单位") == [published["in_review"].organisation.name]
    assert "筛选条件：状态：验收评审中" in table.scope
