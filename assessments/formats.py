"""Dates, numbers, percentages and punctuation in the active language: the one helper for both.

The styles themselves are pure (assessments/core/formats.py); this adds the active language and
dates (Django's date formats, in the local time zone, with the style's pattern: "Nov. 21, 2026",
"2026年11月21日"). Templates use it through the `formats` tag library, the CSV and PDF directly.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import dateformat, timezone
from django.utils.translation import get_language

from assessments.core.formats import Style, style_for


def style() -> Style:
    """The active language's style."""
    return style_for(get_language())


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day(value: date | datetime | None) -> str:
    return "" if value is None else dateformat.format(_local(value), style().date)


def month(value: date | datetime | None) -> str:
    return "" if value is None else dateformat.format(_local(value), style().month)


def number(value: float | None, digits: int = 0) -> str:
    return style().number(value, digits)


def percent(value: float | None, digits: int = 0) -> str:
    return style().percent(value, digits)


def bracketed(text: str) -> str:
    return style().bracketed(text)


def sentence(text: str) -> str:
    return style().sentence(text)
