"""The pilot's Excel template of a dispatch (written by core.xlsx) and reading it back.

The template has one sheet, named after the dispatch, with the pilot's name in its scope row and one
row per question; only the 填报值 cells are unlocked. A very hidden, protected sheet holds the key:
the dispatch's id and the response's own key, so a template is accepted only for the pilot it was
downloaded for.

Reading is strict and all or nothing: an upload larger than MAX_BYTES, not an .xlsx by content, with
more than MAX_ROWS rows, with a formula in any cell, in another template, for another pilot, or with a
value the validator refuses (text in a number cell, a value out of range) is refused with the row and
column named, and nothing is saved.
"""

import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from openpyxl import load_workbook
from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter

from core import xlsx
from core.errors import DomainError
from core.uploads import OFFICE_TYPES, sniff

from .models import DispatchResponse, Question
from .validation import AnswerInvalid, clean_answer

KEY_SHEET = "key"
MARKER = "portal-dispatch-template-v1"
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
MAX_ERRORS = 20

# Columns of the answer sheet (A is 序号, added by core.xlsx).
CODE_COL, VALUE_COL = 2, 8
HEADERS = (
    gettext_lazy("编号"),
    gettext_lazy("问题"),
    gettext_lazy("类型"),
    gettext_lazy("单位"),
    gettext_lazy("合理范围"),
    gettext_lazy("必填"),
    gettext_lazy("填报值"),
)


class TemplateRefused(DomainError):
    """The upload was refused; `errors` lists every problem found (each names its row and column)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors), code="import_refused")
        self.errors = errors


def _cell_name(row: int, column: int) -> str:
    return gettext("第%(row)s行第%(column)s列") % {"row": row, "column": get_column_letter(column)}


def template_filename(response: DispatchResponse) -> str:
    return f"{response.dispatch.title}-{response.pilot.organisation.name}-填报模板.xlsx"


def template_bytes(response: DispatchResponse) -> bytes:
    dispatch = response.dispatch
    questions = list(dispatch.questions.all())
    answers = {a.question_id: a for a in response.answers.all()}
    columns = [
        xlsx.Column(HEADERS[0], lambda q: q.code),
        xlsx.Column(HEADERS[1], lambda q: q.text, width=40),
        xlsx.Column(HEADERS[2], lambda q: q.get_kind_display()),
        xlsx.Column(HEADERS[3], lambda q: q.unit),
        xlsx.Column(HEADERS[4], lambda q: q.range_text),
        xlsx.Column(HEADERS[5], lambda q: gettext("是") if q.required else gettext("否")),
        xlsx.Column(HEADERS[6], lambda q: None, width=40),
    ]
    sheet = xlsx.Sheet(
        name=dispatch.title,
        title=gettext("%(title)s（%(period)s）填报模板")
        % {"title": dispatch.title, "period": dispatch.period},
        scope=gettext("填报单位：%(pilot)s；报送截止：%(due)s；只填写“填报值”一列，数值栏填数字，不要填公式")
        % {"pilot": response.pilot.organisation.name, "due": dispatch.due_date.isoformat()},
        columns=columns,
        rows=questions,
        dated=False,
    )
    book = xlsx.build_workbook([sheet])
    ws = book.worksheets[0]
    for index, question in enumerate(questions):
        cell = ws.cell(xlsx.FIRST_DATA_ROW + index, VALUE_COL)
        cell.protection = Protection(locked=False)
        answer = answers.get(question.pk)
        if question.is_figure:
            cell.number_format = "General"
            if answer is not None and answer.number_value is not None:
                cell.value = answer.number_value
        elif answer is not None and answer.text_value:
            cell.value = xlsx.safe_text(answer.text_value)
            cell.data_type = "s"
            if cell.value.startswith(xlsx.FORMULA_PREFIXES):
                cell.quotePrefix = True
    ws.protection.sheet = True  # the key, not this protection, decides; it only stops slips
    ws.protection.formatColumns = False
    key = book.create_sheet(KEY_SHEET)
    for row, value in enumerate((MARKER, str(dispatch.pk), str(response.key)), start=1):
        key.cell(row, 1, value).data_type = "s"
    key.sheet_state = "veryHidden"
    key.protection.sheet = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _check_file(uploaded) -> None:
    if uploaded.size > MAX_BYTES:
        raise TemplateRefused(
            [gettext("文件过大：模板文件不得超过 %(limit)d MB。") % {"limit": MAX_BYTES // 1048576}]
        )
    try:
        content_type, _extension = sniff(uploaded)
    except ValidationError as error:
        raise TemplateRefused([" ".join(error.messages)]) from error
    if content_type != OFFICE_TYPES["xl/"][0]:
        raise TemplateRefused([gettext("请上传从本平台下载的 Excel 填报模板（.xlsx）。")])


def _read_key(book, response: DispatchResponse) -> None:
    if KEY_SHEET not in book.sheetnames:
        raise TemplateRefused([gettext("不是本平台生成的调度填报模板：缺少模板标识，请重新下载模板。")])
    values = [
        row[0] if row else None
        for row in book[KEY_SHEET].iter_rows(min_row=1, max_row=3, max_col=1, values_only=True)
    ]
    values += [None] * (3 - len(values))
    marker, dispatch_id, key = (str(v) if v is not None else "" for v in values)
    if marker != MARKER:
        raise TemplateRefused(
            [
                gettext("不是本平台生成的调度填报模板（模板标识%(cell)s不符），请重新下载模板。")
                % {"cell": _cell_name(1, 1)}
            ]
        )
    if dispatch_id != str(response.dispatch_id):
        raise TemplateRefused(
            [
                gettext(
                    "该模板属于另一次调度（模板标识%(cell)s），不能用于「%(title)s」。请下载本次调度的模板。"
                )
                % {"cell": _cell_name(2, 1), "title": response.dispatch.title}
            ]
        )
    if key != str(response.key):
        raise TemplateRefused(
            [
                gettext(
                    "该模板属于其他试点单位（模板标识%(cell)s），不能用于「%(pilot)s」。请下载本单位的模板。"
                )
                % {"cell": _cell_name(3, 1), "pilot": response.pilot.organisation.name}
            ]
        )


def read_template(response: DispatchResponse, uploaded) -> dict[int, object]:
    """{question pk: raw value} from a filled template, or TemplateRefused naming every problem."""
    _check_file(uploaded)
    uploaded.seek(0)
    try:
        book = load_workbook(io.BytesIO(uploaded.read()), read_only=True, data_only=False)
    except Exception as error:
        raise TemplateRefused([gettext("文件无法读取，请确认是从本平台下载的 Excel 模板。")]) from error
    try:
        _read_key(book, response)
        ws = book.worksheets[0]
        if ws.title == KEY_SHEET:
            raise TemplateRefused([gettext("模板缺少填报工作表，请重新下载模板。")])
        return _read_answers(ws, response)
    finally:
        book.close()


def _read_answers(ws, response: DispatchResponse) -> dict[int, object]:
    questions = {q.code: q for q in response.dispatch.questions.all()}
    errors: list[str] = []
    values: dict[int, object] = {}
    seen: dict[str, int] = {}
    for row_number, row in enumerate(ws.iter_rows(values_only=False), start=1):
        if row_number > MAX_ROWS:
            raise TemplateRefused(
                [gettext("模板超过%(max)s行，请使用本平台下载的模板。") % {"max": MAX_ROWS}]
            )
        cells = list(row)
        for cell in cells:
            if getattr(cell, "data_type", None) == "f" or (
                isinstance(cell.value, str)
                and cell.value.startswith("=")
                and getattr(cell, "data_type", None) != "s"
            ):
                errors.append(
                    gettext("%(cell)s含公式，请直接填写数值或文字。")
                    % {"cell": _cell_name(row_number, cell.column)}
                )
        if row_number == xlsx.HEADER_ROW:
            expected = str(HEADERS[-1])
            header = cells[VALUE_COL - 1].value if len(cells) >= VALUE_COL else None
            if str(header or "").strip() != expected:
                raise TemplateRefused(
                    [
                        gettext("模板格式不符：%(cell)s应为「%(header)s」，请使用本平台下载的模板。")
                        % {"cell": _cell_name(row_number, VALUE_COL), "header": expected}
                    ]
                )
            continue
        if row_number < xlsx.FIRST_DATA_ROW:
            continue
        code = cells[CODE_COL - 1].value if len(cells) >= CODE_COL else None
        raw = cells[VALUE_COL - 1].value if len(cells) >= VALUE_COL else None
        if code in (None, ""):
            if raw not in (None, ""):
                errors.append(
                    gettext("%(cell)s缺少问题编号，请勿改动模板结构。")
                    % {"cell": _cell_name(row_number, CODE_COL)}
                )
            continue
        question = questions.get(str(code).strip())
        if question is None:
            errors.append(
                gettext("%(cell)s：编号「%(code)s」不是本次调度的问题。")
                % {"cell": _cell_name(row_number, CODE_COL), "code": code}
            )
            continue
        if question.code in seen:
            errors.append(
                gettext("%(cell)s：问题%(code)s重复（已见于第%(first)s行）。")
                % {
                    "cell": _cell_name(row_number, CODE_COL),
                    "code": question.code,
                    "first": seen[question.code],
                }
            )
            continue
        seen[question.code] = row_number
        if any(e.startswith(_cell_name(row_number, VALUE_COL)) for e in errors):
            continue  # a formula there: already reported
        try:
            clean_answer(question, _raw(raw, question))
        except AnswerInvalid as error:
            errors.append(
                gettext("%(cell)s（%(code)s %(text)s）：%(message)s")
                % {
                    "cell": _cell_name(row_number, VALUE_COL),
                    "code": question.code,
                    "text": question.text,
                    "message": error.message,
                }
            )
            continue
        values[question.pk] = _raw(raw, question)
    missing = [code for code in questions if code not in seen]
    if missing and not errors:
        errors.append(
            gettext("模板缺少问题 %(codes)s，请使用本平台下载的模板。") % {"codes": "、".join(missing)}
        )
    if errors:
        raise TemplateRefused(errors[:MAX_ERRORS])
    return values


def _raw(value, question: Question):
    """A cell's value as the validator takes it (floats as read, text stripped of Excel's quote)."""
    if isinstance(value, float) and question.is_figure:
        return Decimal(repr(value))
    return value
