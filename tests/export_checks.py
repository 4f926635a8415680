"""Reading an exported workbook back with openpyxl, and the checks every export must pass."""

import datetime
import io
import re
from dataclasses import dataclass

import openpyxl

from core.xlsx import display_width

TITLE, SCOPE, HEADER = 1, 2, 3
MIN_COLUMN_WIDTH = 8
FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    sheet: object
    title: str
    scope: str
    header: list
    cells: list  # data rows as tuples of cells

    @property
    def rows(self) -> list[dict]:
        return [dict(zip(self.header, (c.value for c in row), strict=True)) for row in self.cells]

    def column(self, header) -> list:
        return [c.value for c in self.cells_of(header)]

    def cells_of(self, header) -> list:
        index = self.header.index(header)
        return [row[index] for row in self.cells]


def read(content: bytes) -> dict[str, Table]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    tables = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows())
        header = [c.value for c in rows[HEADER - 1]]
        tables[sheet.title] = Table(
            sheet=sheet,
            title=sheet.cell(TITLE, 1).value,
            scope=sheet.cell(SCOPE, 1).value,
            header=header,
            cells=[tuple(row) for row in rows[HEADER:]],
        )
    return tables


def read_response(response) -> dict[str, Table]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    return read(response.content)


def assert_well_formed(table: Table, *, sheet: str, title_contains: str, dated: bool = True):
    """What every export sheet must be: named for its content, a title row and a scope row, 序号 1..n
    (no database id column), a frozen header, readable widths and no formula anywhere."""
    ws = table.sheet
    assert ws.title == sheet
    assert len(ws.title) <= 31 and not FORBIDDEN_IN_SHEET_NAMES.search(ws.title)
    assert "Tablib" not in ws.title and not ws.title.startswith("Sheet")
    assert title_contains in table.title
    if dated:
        assert "数据截至" in table.scope
    assert table.header[0] == "序号"
    assert not {"id", "ID", "编号", "pk"} & set(table.header)
    assert [row[0].value for row in table.cells] == list(range(1, len(table.cells) + 1))
    assert all(row[0].data_type == "n" for row in table.cells)
    assert ws.freeze_panes == f"A{HEADER + 1}"
    for index, header in enumerate(table.header, start=1):
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        assert width >= MIN_COLUMN_WIDTH, (header, width)
        assert width >= min(display_width(str(header)), 24), (header, width)
    assert_no_formulas(ws)


def assert_no_formulas(ws):
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert cell.data_type == "s", (cell.coordinate, cell.value)
                if cell.value.startswith(FORMULA_STARTS):
                    assert cell.quotePrefix, (cell.coordinate, cell.value)


def assert_fits(table: Table, header):
    """The column is at least as wide as its longest value (a CJK character counting double)."""
    index = table.header.index(header) + 1
    width = table.sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
    longest = max((display_width(str(v)) for v in table.column(header) if v is not None), default=0)
    assert width >= min(longest, 60), (header, width, longest)


def assert_numbers(table: Table, header, number_format: str):
    cells = [c for c in table.cells_of(header) if c.value is not None]
    assert cells, f"no values in {header}"
    for cell in cells:
        assert cell.data_type == "n" and isinstance(cell.value, int | float), (header, cell.value)
        assert cell.number_format == number_format, (header, cell.number_format)


def assert_datetimes(table: Table, header, number_format: str):
    cells = [c for c in table.cells_of(header) if c.value is not None]
    assert cells, f"no values in {header}"
    for cell in cells:
        assert isinstance(cell.value, datetime.datetime | datetime.date), (header, cell.value)
        assert cell.number_format == number_format, (header, cell.number_format)
