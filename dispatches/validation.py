"""The one validator of an answer, used by the portal form and by the Excel import alike.

`clean_answer(question, raw)` returns (text, number) or raises AnswerInvalid with a Chinese message
that names no place: the form shows it next to the field, the import prefixes the row and column.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from .models import Question

MAX_TEXT = 2000
MAX_ABS = Decimal("1e14")
PLACES = 4


class AnswerInvalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _number(raw) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool | datetime.date | datetime.datetime | datetime.time):
        raise AnswerInvalid(gettext("「%(value)s」不是数值，请填写数字。") % {"value": raw})
    if isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    else:
        text = str(raw).strip().replace(",", "").replace("，", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise AnswerInvalid(gettext("「%(value)s」不是数值，请填写数字。") % {"value": raw}) from None
    if not value.is_finite() or abs(value) >= MAX_ABS:
        raise AnswerInvalid(gettext("「%(value)s」不是有效的数值。") % {"value": raw})
    if value != value.quantize(Decimal(1).scaleb(-PLACES)):
        raise AnswerInvalid(gettext("数值最多保留%(places)s位小数。") % {"places": PLACES})
    return value


def clean_answer(question: Question, raw) -> tuple[str, Decimal | None]:
    """(text_value, number_value) for a raw value typed in the portal or read from a cell."""
    if not question.is_figure:
        text = "" if raw is None else str(raw).strip()
        if len(text) > MAX_TEXT:
            raise AnswerInvalid(gettext("文字答复不得超过%(max)s字。") % {"max": MAX_TEXT})
        return text, None
    value = _number(raw)
    if value is None:
        return "", None
    low, high = question.min_value, question.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        raise AnswerInvalid(
            gettext("数值 %(value)s 超出合理范围 %(range)s%(unit)s，请核实。")
            % {"value": _shown(value), "range": question.range_text, "unit": question.unit}
        )
    return "", value


def _shown(value: Decimal) -> str:
    return format(value.normalize(), "f")
