"""The one place that writes dates, date-times and the small punctuation that differs by language.

Chinese: 2025年12月10日 and 2025年12月10日 14:30; English: 10 Dec 2025 and 10 Dec 2025 14:30. The
active language decides (`translation.override("zh-hans")` for official documents, which are Chinese
whatever the reader's language). Template filters `cn_date` / `cn_datetime` / `local_date` call these.
"""

import datetime
import functools

from django.utils import timezone, translation

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def is_chinese() -> bool:
    return (translation.get_language() or "zh-hans").startswith("zh")


def _local(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


def format_date(value) -> str:
    """A date (or the local date of a date-time) in the active language; "" for None."""
    if not value:
        return ""
    value = _local(value)
    if is_chinese():
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def format_datetime(value) -> str:
    """A date-time in local time, to the minute, in the active language; "" for None."""
    if not value:
        return ""
    value = _local(value)
    return f"{format_date(value)} {value:%H:%M}"


def format_month_day(month: int, day: int) -> str:
    """A yearly recurring date: 3月31日 / 31 Mar."""
    if is_chinese():
        return f"{month}月{day}日"
    return f"{day} {_MONTHS[month - 1]}"


def format_period(start, end) -> str:
    """A date range: 2025年12月1日至12月7日 / 1 Dec 2025 – 7 Dec 2025."""
    if not (start and end):
        return format_date(start or end)
    if is_chinese():
        tail = f"{end.month}月{end.day}日" if end.year == start.year else format_date(end)
        return f"{format_date(start)}至{tail}"
    return f"{format_date(start)} – {format_date(end)}"


def colon() -> str:
    """The colon after a label: full-width in Chinese, ": " in English."""
    return "：" if is_chinese() else ": "


def label(text) -> str:
    """`text` followed by the colon of the active language ("批次：" / "Batch: ")."""
    return f"{text}{colon()}"


def chinese_date(value) -> str:
    """`format_date` in Chinese whatever the active language: official documents (PDFs, notices)."""
    with translation.override("zh-hans"):
        return format_date(value)


def chinese_period(start, end) -> str:
    with translation.override("zh-hans"):
        return format_period(start, end)


def in_chinese(func):
    """Run `func` with Chinese active (a fresh override per call, safe across threads): the tasks that
    render official documents, which are Chinese whatever the requester's language."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override("zh-hans"):
            return func(*args, **kwargs)

    return wrapper


def semicolon() -> str:
    return "；" if is_chinese() else "; "


def comma() -> str:
    """Between clauses of a sentence: ， in Chinese, ", " in English."""
    return "，" if is_chinese() else ", "


def full_stop() -> str:
    return "。" if is_chinese() else ". "


def enumeration_comma() -> str:
    """Between the items of a list: 、 in Chinese, ", " in English."""
    return "、" if is_chinese() else ", "


def parenthesised(value) -> str:
    """An aside after a word: （2025年）in Chinese, " (2025)" in English; "" for an empty value."""
    if value in (None, ""):
        return ""
    return f"（{value}）" if is_chinese() else f" ({value})"


def chinese_label(lazy_text) -> str:
    """A lazy label (a choice, a transition) in Chinese: for text stored once for everyone (notices)."""
    with translation.override("zh-hans"):
        return str(lazy_text)
