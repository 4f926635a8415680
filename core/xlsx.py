"""The one place that writes Excel files (openpyxl) for officials.

An export is a list of :class:`Sheet`, each made of typed :class:`Column` definitions. Every sheet comes
out the same way: a sheet name saying what it holds, a title row (what it is) and a scope row (for whom,
which filters, as of when), a header row that stays frozen while scrolling, a 序号 column instead of
database ids, real numbers and dates with number formats, column widths that fit the text (a CJK
character counts double), and text that a spreadsheet will never run as a formula.

Imports stay with django-import-export / the apps' own readers; this module only writes.
"""

from __future__ import annotations

import datetime
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEXT = "text"
INT = "int"
DECIMAL = "decimal"
PERCENT = "percent"
DATE = "date"
DATETIME = "datetime"
KINDS = (TEXT, INT, DECIMAL, PERCENT, DATE, DATETIME)

# Number formats. Money (万元) and quantities (tonnes, tce) carry a thousands separator and two decimals;
# counts, years and ranks are plain integers (a year must not read 2,023).
INTEGER = "0"
COUNT = "#,##0"
AMOUNT = "#,##0.00"
RATE = "0.00%"


def decimals(places: int) -> str:
    """`#,##0.00…` with the given number of decimals."""
    return "#,##0" + ("." + "0" * places if places else "")


_DEFAULT_FORMATS = {INT: INTEGER, DECIMAL: AMOUNT, PERCENT: RATE}

# A text cell starting with one of these would be a formula (or a DDE payload) once a user edits it.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters a sheet name may not hold (Excel refuses the file otherwise).
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31

MIN_WIDTH = 6
MAX_WIDTH = 60
HEADER_WRAP_WIDTH = 24  # longer headers wrap onto two lines rather than widen the column

TITLE_ROW, SCOPE_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1

_THIN = Side(style="thin", color="FF9CA3AF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", start_color="FFE5E7EB", end_color="FFE5E7EB")


@dataclass(frozen=True)
class Column:
    """One column: its header, how to get the value from a row object, and what kind of value it is.

    `number_format` overrides the kind's default; `width` fixes the width (long text then wraps)."""

    header: Any
    value: Callable[[Any], Any]
    kind: str = TEXT
    number_format: str | None = None
    width: float | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def format(self) -> str | None:
        if self.number_format:
            return self.number_format
        if self.kind == DATE:
            return date_format()
        if self.kind == DATETIME:
            return datetime_format()
        return _DEFAULT_FORMATS.get(self.kind)


@dataclass
class Sheet:
    """A sheet: `name` (the tab), `title` (row 1), `scope` (row 2, followed by the as-of time), columns
    and the row objects. `numbered` puts 序号 1..n in front."""

    name: Any
    title: Any
    columns: Sequence[Column]
    rows: Iterable[Any]
    scope: Any = ""
    as_of: datetime.datetime | None = None
    numbered: bool = True
    dated: bool = True  # a blank template has no "as of"
    notes: Sequence[Any] = field(default_factory=tuple)


def date_format() -> str:
    """Dates as officials read them: 2025年12月10日 in Chinese, 2025-12-10 otherwise."""
    return 'yyyy"年"m"月"d"日"' if _chinese() else "yyyy-mm-dd"


def datetime_format() -> str:
    return 'yyyy"年"m"月"d"日" hh:mm' if _chinese() else "yyyy-mm-dd hh:mm"


def _chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


@functools.lru_cache(maxsize=4096)  # names and labels repeat down a column
def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a wide (CJK, full-width) character counts double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_name(name: Any, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters, not blank."""
    clean = _SHEET_NAME_FORBIDDEN.sub("", ILLEGAL_CHARACTERS_RE.sub("", str(name))).strip().strip("'")
    clean = clean[:SHEET_NAME_MAX] or "Sheet"
    taken = {t.lower() for t in taken}
    candidate, n = clean, 2
    while candidate.lower() in taken:
        suffix = f"({n})"
        candidate, n = clean[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    return candidate


def safe_text(value: Any) -> str:
    """The string as stored: without the control characters a workbook cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _put_text(cell, value: Any) -> str:
    text = safe_text(value)
    cell.value = text
    # Always a string cell, never a formula (openpyxl would store "=…" as one), and for values a
    # spreadsheet would read as a formula once edited, the quote prefix (shown as text, kept as text).
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return text


def _number(value: Any, kind: str) -> int | float | Decimal:
    if isinstance(value, bool):
        return int(value)
    if kind == INT:
        return int(value)
    if isinstance(value, int | float | Decimal):
        return value
    return Decimal(str(value))


def _naive_local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, microsecond=0)


def _shown(value: Any, column: Column, chinese: bool) -> str:
    """Roughly what the cell displays, to size the column."""
    if column.kind in (INT, DECIMAL):
        fmt = column.format or ""
        places = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
        sep = "," if "," in fmt else ""
        return f"{float(value):{sep}.{places}f}"
    if column.kind == PERCENT:
        return f"{float(value) * 100:.2f}%"
    if column.kind == DATE:
        return f"{value.year}年{value.month:02}月{value.day:02}日" if chinese else "0000-00-00"
    if column.kind == DATETIME:
        return f"{value.year}年{value.month:02}月{value.day:02}日 00:00" if chinese else "0000-00-00 00:00"
    return str(value)


def _typed(value: Any, column: Column) -> Any:
    """The value as its cell holds it: a string, a number, a naive local date(-time); None when blank."""
    if value is None or value == "":
        return None
    kind = column.kind
    if kind == TEXT:
        return safe_text(value)
    if kind in (INT, DECIMAL, PERCENT):
        return _number(value, kind)
    if kind == DATETIME:
        if not isinstance(value, datetime.datetime):
            raise TypeError(f"{column.header}: a datetime is expected, got {value!r}")
        return _naive_local(value)
    if isinstance(value, datetime.datetime):
        value = _naive_local(value).date()
    if not isinstance(value, datetime.date):
        raise TypeError(f"{column.header}: a date is expected, got {value!r}")
    return value


class _ColumnStyle:
    """A column's cell style (border, alignment, number format) registered once with the workbook and
    copied onto each of its cells: styling cell by cell costs seconds on a sheet of 10,000 rows."""

    def __init__(self, ws, column: Column):
        proto = Cell(ws)
        proto.border = _BORDER
        if column.kind == TEXT:  # a text longer than its column wraps (Excel sizes the row)
            proto.alignment = Alignment(wrap_text=True, vertical="top")
        elif column.format:
            proto.number_format = column.format
        self.plain = copy(proto._style)
        proto.quotePrefix = True
        self.quoted = copy(proto._style)

    def cell(self, ws, value) -> Cell:
        if isinstance(value, str):
            quoted = value.startswith(FORMULA_PREFIXES)
            cell = Cell(ws, value=value, style_array=copy(self.quoted if quoted else self.plain))
            cell.data_type = "s"  # never a formula, whatever the text starts with
            return cell
        return Cell(ws, value=value, style_array=copy(self.plain))


def as_of_text(as_of: datetime.datetime) -> str:
    return gettext("数据截至%(when)s") % {
        "when": formats.date_format(timezone.localtime(as_of), "DATETIME_FORMAT")
    }


SERIAL = Column(gettext_lazy("序号"), lambda row: None, kind=INT)


def add_sheet(book: Workbook, sheet: Sheet) -> Any:
    columns = [SERIAL, *sheet.columns] if sheet.numbered else list(sheet.columns)
    ws = book.create_sheet(sheet_name(sheet.name, book.sheetnames))
    last = get_column_letter(len(columns))

    _put_text(ws.cell(TITLE_ROW, 1), sheet.title)
    ws.cell(TITLE_ROW, 1).font = Font(bold=True, size=14)
    scope = [str(sheet.scope)] if str(sheet.scope) else []
    if sheet.dated:
        scope.append(as_of_text(sheet.as_of or timezone.now()))
    scope.extend(str(n) for n in sheet.notes if str(n))
    _put_text(ws.cell(SCOPE_ROW, 1), gettext("；").join(scope))
    ws.cell(SCOPE_ROW, 1).font = Font(size=10, color="FF4B5563")
    if len(columns) > 1:
        ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
        ws.merge_cells(f"A{SCOPE_ROW}:{last}{SCOPE_ROW}")
    ws.row_dimensions[TITLE_ROW].height = 24

    widths = []
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(HEADER_ROW, index)
        header = _put_text(cell, column.header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths.append(min(display_width(header), HEADER_WRAP_WIDTH))

    chinese = _chinese()
    styles = [_ColumnStyle(ws, column) for column in columns]
    row_number = HEADER_ROW
    for serial, obj in enumerate(sheet.rows, start=1):
        row_number = HEADER_ROW + serial
        cells = []
        for index, column in enumerate(columns):
            value = _typed(serial if column is SERIAL else column.value(obj), column)
            cells.append(styles[index].cell(ws, value))
            if value is not None:
                shown = value if isinstance(value, str) else _shown(value, column, chinese)
                longest = max(display_width(line) for line in shown.splitlines() or [""])
                if longest > widths[index]:
                    widths[index] = longest
        ws.append(cells)

    total = 0
    for index, column in enumerate(columns, start=1):
        width = column.width if column.width is not None else min(widths[index - 1], MAX_WIDTH)
        width = max(width, MIN_WIDTH) + 2
        ws.column_dimensions[get_column_letter(index)].width = width
        total += width
    # A merged cell does not grow with its text: give the scope row the lines it needs.
    ws.cell(SCOPE_ROW, 1).alignment = Alignment(wrap_text=True, vertical="top")
    lines = -(-display_width(str(ws.cell(SCOPE_ROW, 1).value or "")) // max(int(total), 1))
    ws.row_dimensions[SCOPE_ROW].height = 15 * max(lines, 1)

    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(row_number, HEADER_ROW)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def build_workbook(sheets: Sequence[Sheet]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        add_sheet(book, sheet)
    return book


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    buffer = io.BytesIO()
    build_workbook(sheets).save(buffer)
    return buffer.getvalue()


def xlsx_response(sheets: Sequence[Sheet] | Sheet, *, filename: Any) -> HttpResponse:
    """The download of an export; every one is recorded as an `export` security event (who, what file,
    which sheets with how many rows, the filters in the scope row)."""
    from .security import Kind, record_security_event

    if isinstance(sheets, Sheet):
        sheets = [sheets]
    book = build_workbook(sheets)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = _SHEET_NAME_FORBIDDEN.sub("", str(filename))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    record_security_event(
        Kind.EXPORT,
        summary=name,
        detail={
            "file": name,
            "sheets": [
                {
                    "name": ws.title,
                    "rows": max(ws.max_row - HEADER_ROW, 0),
                    "scope": str(ws.cell(SCOPE_ROW, 1).value or ""),
                }
                for ws in book.worksheets
            ],
        },
    )
    return response


def filter_summary(form) -> str:
    """The filters a list form applies, as "状态：已提交；批次：2025年第一批" (blank when none)."""
    if not form.is_bound or not form.is_valid():
        return ""
    parts = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        form_field = form.fields[name]
        shown = dict(form_field.choices).get(value, value) if _plain_choices(form_field) else value
        parts.append(gettext("%(label)s：%(value)s") % {"label": form_field.label, "value": shown})
    return gettext("；").join(parts)


def _plain_choices(form_field) -> bool:
    return hasattr(form_field, "choices") and not hasattr(form_field, "queryset")
