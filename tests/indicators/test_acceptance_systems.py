"""The acceptance indicator systems as data: the two shipped proposals (research.md §3.3 [P]), freezing,
new versions, audit, the admin, and the xlsx export/import (typed cells, no half imports)."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import xlsx
from core.actors import is_system
from core.errors import DomainError
from core.models import AuditEntry
from indicators import services
from indicators.models import AcceptanceItem, AcceptanceSystem, Indicator
from indicators.scoring import EXCELLENT, FAIL, ItemInput, check_system, score, spec_of
from indicators.transfer import items_sheet
from tests.helpers import verified_login

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

# research.md §3.3: "Check sums: 30 = 12+6+6+6. 15 = 2+4+3+3+3. 20 = 5+4+4+4+3. 20 = 4+3+3+2+4+2+2. 15 = ..."
COUNTY_SUMS = [
    ("目标完成", 30, [12, 6, 6, 6]),
    ("建立降碳管理机制", 15, [2, 4, 3, 3, 3]),
    ("促进能源低碳转型", 20, [5, 4, 4, 4, 3]),
    ("推动节能低碳发展", 20, [4, 3, 3, 2, 4, 2, 2]),
    ("增强降碳减污协同", 15, [4, 3, 3, 3, 2]),
]
PARK_SUMS = [
    ("核心降碳", 30, [10, 8, 6, 6]),
    ("建立降碳管理机制", 15, [2, 4, 3, 3, 3]),
    ("促进能源低碳转型", 20, [6, 5, 3, 3, 3]),
    ("推动节能低碳发展", 20, [4, 4, 3, 3, 3, 3]),
    ("增强降碳减污协同", 15, [4, 3, 3, 2, 3]),
]


def system(kind: str, version: int = 1) -> AcceptanceSystem:
    return AcceptanceSystem.objects.get(kind=kind, version=version)


def layout(s: AcceptanceSystem):
    return [
        (c.name, int(c.points), [int(i.points) for i in c.items.order_by("order")])
        for c in s.categories.order_by("order")
    ]


def items_of(s: AcceptanceSystem):
    return list(
        AcceptanceItem.objects.filter(category__system=s)
        .order_by("category__order", "order")
        .values_list(
            "category__name", "indicator__code", "points", "binding", "rule", "params", "target_note"
        )
    )


@pytest.mark.parametrize(("kind", "expected"), [("county", COUNTY_SUMS), ("park", PARK_SUMS)])
def test_the_default_systems_are_the_research_proposals_with_their_point_sums(kind, expected):
    s = system(kind)
    assert s.is_proposal and s.frozen_at is None
    assert (s.total_points, s.pass_score, s.excellent_score, s.bonus_cap) == (100, 80, 90, 5)
    assert layout(s) == expected
    assert check_system(spec_of(s)) == []
    assert list(s.vetoes.values_list("description", flat=True)) == [
        "试点期内发生重大及以上突发环境事件",
        "数据弄虚作假",
    ]


def test_the_defaults_reuse_catalogue_entries_and_mark_the_binding_core_indicators():
    county_items = {
        code: (rule, binding) for _c, code, _p, binding, rule, _pa, _n in items_of(system("county"))
    }
    park_items = {code: (rule, binding) for _c, code, _p, binding, rule, _pa, _n in items_of(system("park"))}
    # entries of the former enum are reused, not duplicated
    assert {"co2_intensity_drop", "energy_intensity_drop", "non_fossil_share", "coal_share"} <= set(
        county_items
    )
    assert {"iva_co2_intensity", "co2_per_tce", "clean_energy_share", "solid_waste"} <= set(park_items)
    assert [c for c, (_r, b) in county_items.items() if b] == ["co2_intensity_drop"]
    assert [c for c, (_r, b) in park_items.items() if b] == ["iva_co2_intensity", "co2_per_tce"]
    assert county_items["annual_carbon_accounting"] == ("qualitative", False)
    assert Indicator.objects.get(code="iva_energy_intensity").direction == Indicator.Direction.DOWN


def test_a_county_scored_with_the_default_system():
    """The default county system on a hand-computed case: every computed item at its full points except
    PM2.5 (3.2 ÷ 4 = 80% × 4 = 3.20), the qualitative items judged 3, 2 and 1; 100 − 0.8 − (4−3) − (3−2)
    − (2−1) = 96.20."""
    full = {
        code: ItemInput(actual=100, target=100)
        for _c, code, _p, _b, rule, _pa, _n in items_of(system("county"))
        if rule in ("ratio_up", "ratio_down")
    }
    inputs = {
        **full,
        "co2_total_change": ItemInput(actual=-1, target=0),
        "low_carbon_policies": ItemInput(actual=3),
        "near_zero_scenarios": ItemInput(actual=4),
        "leading_body": ItemInput(evidence=True),
        "annual_carbon_accounting": ItemInput(expert=3),
        "carbon_inclusion": ItemInput(expert=2),
        "methane_n2o_control": ItemInput(expert=1),
        "pm25_drop": ItemInput(actual="3.2", target=4),
    }
    result = score(spec_of(system("county")), inputs)
    assert result.total == D("96.20")
    assert result.grade == EXCELLENT
    failed = score(
        spec_of(system("county")), {**inputs, "co2_intensity_drop": ItemInput(actual="17.9", target=18)}
    )
    assert failed.grade == FAIL
    assert "单位GDP二氧化碳排放较基准年降低率" in failed.reason


def test_freeze_is_audited_refuses_edits_and_a_new_version_copies_everything():
    v1 = system("park")
    services.acceptance_system_freeze(system=v1)
    entry = AuditEntry.objects.get(action="indicators.acceptancesystem.freeze", object_id=str(v1.pk))
    assert is_system(entry.actor)
    with pytest.raises(DomainError, match="已启用（已冻结），不能修改；如需调整请新建版本"):
        services.acceptance_system_update(system=v1, by=None, pass_score=D(85))
    assert system("park").pass_score == 80

    officer = UserFactory()
    v2 = services.acceptance_system_new_version(system=v1, by=officer)
    assert (v2.version, v2.frozen_at, v2.is_proposal) == (2, None, True)
    assert layout(v2) == layout(v1) and items_of(v2) == items_of(v1)
    assert list(v2.vetoes.values_list("code", "description")) == list(
        v1.vetoes.values_list("code", "description")
    )
    assert list(v2.adjustments.values_list("kind", "code", "max_points")) == list(
        v1.adjustments.values_list("kind", "code", "max_points")
    )
    created = AuditEntry.objects.get(action="indicators.acceptancesystem.new_version", object_id=str(v2.pk))
    assert created.actor == officer and created.data["from_version"] == 1

    services.acceptance_system_update(system=v2, by=officer, pass_score=D(85), is_proposal=False)
    v2.refresh_from_db()
    assert (v2.pass_score, v2.is_proposal) == (85, False)
    assert system("park").pass_score == 80  # v1 untouched
    assert AuditEntry.objects.filter(action="indicators.acceptancesystem.edit", actor=officer).exists()


def test_freezing_twice_keeps_the_first_time_and_one_audit_entry():
    v1 = system("county")
    services.acceptance_system_freeze(system=v1)
    first = system("county").frozen_at
    services.acceptance_system_freeze(system=v1)
    assert system("county").frozen_at == first
    assert AuditEntry.objects.filter(action="indicators.acceptancesystem.freeze").count() == 1


def test_a_version_whose_points_do_not_add_up_cannot_be_frozen():
    v2 = services.acceptance_system_new_version(system=system("county"))
    item = AcceptanceItem.objects.filter(category__system=v2, indicator__code="coal_share").get()
    item.points = D(5)
    item.save()
    with pytest.raises(DomainError) as raised:
        services.acceptance_system_freeze(system=v2)
    assert "类别「促进能源低碳转型」各指标分值之和 21 不等于类别分值 20。" in raised.value.message
    assert system("county", 2).frozen_at is None


def test_the_export_has_typed_cells_and_quotes_text_that_would_be_a_formula():
    v2 = services.acceptance_system_new_version(system=system("county"))
    item = AcceptanceItem.objects.filter(category__system=v2).order_by("category__order", "order").first()
    item.target_note = "=HYPERLINK(1)"
    item.save()
    book = load_workbook(io.BytesIO(xlsx.workbook_bytes([items_sheet(v2)])))
    ws = book.worksheets[0]
    header = [c.value for c in ws[xlsx.HEADER_ROW]]
    assert header[:6] == ["序号", "类别", "指标代码", "指标名称", "单位", "分值"]
    first = ws[xlsx.FIRST_DATA_ROW]
    points = first[header.index("分值")]
    assert (points.value, points.data_type) == (12, "n")
    note = first[header.index("目标要求")]
    assert (note.value, note.data_type, note.quotePrefix) == ("=HYPERLINK(1)", "s", True)
    assert first[header.index("约束性")].value == "是"
    assert first[header.index("评分规则")].value == "比值法（越大越好）"
    tiered = ws[xlsx.FIRST_DATA_ROW + 7]
    assert tiered[header.index("规则参数")].value == '{"tiers": [[1, 1], [2, 2], [3, 3]]}'
    assert ws.max_row == xlsx.HEADER_ROW + 26


def _sheet(system_, edit=None) -> bytes:
    """The export of `system_`, with `edit(ws, header)` applied."""
    book = xlsx.build_workbook([items_sheet(system_)])
    ws = book.worksheets[0]
    header = [c.value for c in ws[xlsx.HEADER_ROW]]
    if edit:
        edit(ws, header)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_round_trips_into_a_new_version_and_is_audited():
    v2 = services.acceptance_system_new_version(system=system("county"))

    def change(ws, header):
        ws.cell(xlsx.FIRST_DATA_ROW + 1, header.index("分值") + 1, 5)  # co2_total_change 6 → 5
        ws.cell(xlsx.FIRST_DATA_ROW + 2, header.index("分值") + 1, 7)  # energy_intensity_drop 6 → 7

    assert services.acceptance_items_import(system=v2, content=_sheet(v2, change)) == 26
    points = {code: p for _c, code, p, *_ in items_of(v2)}
    assert (points["co2_total_change"], points["energy_intensity_drop"]) == (5, 7)
    assert [r[:2] for r in items_of(v2)] == [r[:2] for r in items_of(system("county"))]
    assert AuditEntry.objects.filter(action="indicators.acceptancesystem.import_items").count() == 1


def test_import_into_a_frozen_version_is_refused():
    v1 = system("county")
    services.acceptance_system_freeze(system=v1)
    before = items_of(v1)
    with pytest.raises(DomainError, match="已启用（已冻结），不能修改"):
        services.acceptance_items_import(system=v1, content=_sheet(v1))
    assert items_of(v1) == before


def test_a_bad_row_refuses_the_whole_file_with_row_numbers():
    v2 = services.acceptance_system_new_version(system=system("county"))
    before = items_of(v2)

    def spoil(ws, header):
        col = {h: n + 1 for n, h in enumerate(header)}
        ws.cell(xlsx.FIRST_DATA_ROW, col["分值"], 13)  # a harmless change that must not be kept
        ws.cell(xlsx.FIRST_DATA_ROW + 7, col["规则参数"], '{"tiers": [[2, 1], [1, 3]]}')  # row 11
        ws.cell(xlsx.FIRST_DATA_ROW + 9, col["指标代码"], "no_such_code")  # row 13
        ws.cell(xlsx.FIRST_DATA_ROW + 10, col["分值"], "abc")  # row 14
        ws.cell(xlsx.FIRST_DATA_ROW + 11, col["约束性"], "也许")  # row 15

    with pytest.raises(DomainError) as raised:
        services.acceptance_items_import(system=v2, content=_sheet(v2, spoil))
    message = raised.value.message
    assert message.startswith("导入未完成，请修改后重新上传：")
    assert (
        "第11行：规则参数：「低碳政策制度（碳评纳入项目准入、激励资金、绿色采购等）」：各档下限应从低到高排列（第2档）。"
        in message
    )
    assert "第13行：指标代码：指标库中没有代码为“no_such_code”的指标。" in message
    assert "第14行：分值：分值“abc”不是数字。" in message
    assert "第15行：约束性：约束性应填“是”或“否”。" in message
    assert message.index("第11行") < message.index("第13行") < message.index("第15行")
    assert items_of(v2) == before  # nothing half-imported, the good first row included
    assert not AuditEntry.objects.filter(action="indicators.acceptancesystem.import_items").exists()


def test_an_unknown_category_and_a_file_that_is_not_a_sheet_are_refused():
    v2 = services.acceptance_system_new_version(system=system("park"))

    def rename(ws, header):
        ws.cell(xlsx.FIRST_DATA_ROW, header.index("类别") + 1, "不存在的类别")

    with pytest.raises(DomainError, match="第4行：类别：本版本没有类别“不存在的类别”"):
        services.acceptance_items_import(system=v2, content=_sheet(v2, rename))
    with pytest.raises(DomainError, match="无法读取该文件"):
        services.acceptance_items_import(system=v2, content=b"not a workbook")
    assert len(items_of(v2)) == 25


def test_admin_lists_the_systems_and_shows_a_frozen_version_read_only(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, admin)
    body = client.get(reverse("admin:indicators_acceptancesystem_changelist")).content.decode()
    assert (
        "县（市、区）低碳近零碳试点验收评价指标体系" in body and "园区低碳近零碳试点验收评价指标体系" in body
    )
    v1 = system("county")
    url = reverse("admin:indicators_acceptancesystem_change", args=[v1.pk])
    assert 'name="_save"' in client.get(url).content.decode()
    services.acceptance_system_freeze(system=v1)
    assert 'name="_save"' not in client.get(url).content.decode()
    assert client.post(url, {"name": "改名"}).status_code == 403
    items = client.get(
        reverse("admin:indicators_acceptanceitem_changelist") + f"?category__system__id__exact={v1.pk}"
    )
    assert items.status_code == 200 and "单位GDP二氧化碳排放较基准年降低率" in items.content.decode()


def test_admin_upload_imports_a_sheet_and_shows_a_bad_row(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, admin)
    v2 = services.acceptance_system_new_version(system=system("county"))
    url = reverse("admin:indicators_acceptancesystem_import_items", args=[v2.pk])
    assert (
        url in client.get(reverse("admin:indicators_acceptancesystem_change", args=[v2.pk])).content.decode()
    )

    def spoil(ws, header):
        ws.cell(xlsx.FIRST_DATA_ROW + 2, header.index("分值") + 1, "六")

    bad = SimpleUploadedFile("items.xlsx", _sheet(v2, spoil))
    body = client.post(url, {"file": bad}).content.decode()
    assert "第6行：分值：分值“六”不是数字。" in body
    good = SimpleUploadedFile("items.xlsx", _sheet(v2))
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="indicators.acceptancesystem.import_items").actor == admin

    services.acceptance_system_freeze(system=v2)
    assert client.post(url, {"file": SimpleUploadedFile("items.xlsx", _sheet(v2))}).status_code == 403


def test_the_item_admin_offers_only_categories_of_versions_not_frozen(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, admin)
    services.acceptance_system_freeze(system=system("county"))
    v2 = services.acceptance_system_new_version(system=system("county"))
    body = client.get(reverse("admin:indicators_acceptanceitem_add")).content.decode()
    assert f"{v2} · 目标完成" in body
    assert f"{system('county')} · 目标完成" not in body
    assert f"{system('park')} · 核心降碳" in body
