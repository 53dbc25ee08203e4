"""PURE: how each language writes numbers, percentages, lists, brackets and sentence ends.

One style per language, and every page, the PDF and the CSV go through it (the Django side,
assessments/formats.py, adds dates in the same styles): Chinese text takes full-width brackets,
colons and the enumeration comma (、), and ends a sentence with 。; a half-width "(" or "."
after a Chinese character reads as a typo to a Chinese reader. Figures themselves are written
alike in both languages ("70%", "+4", "2.5"), as Chinese business writing does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from assessments.core.texts import is_chinese

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_ENDS = (".", "!", "?", "。", "！", "？", "……")


@dataclass(frozen=True, slots=True)
class Style:
    """A language's typography; dates are Django date formats (see assessments/formats.py)."""

    date: str
    month: str
    brackets: tuple[str, str]
    colon: str
    list_separator: str
    clause_separator: str
    full_stop: str

    def number(self, value: float | None, digits: int = 0) -> str:
        """'2.5', '70'; '' when unknown."""
        return "" if value is None else f"{value:.{digits}f}"

    def percent(self, value: float | None, digits: int = 0) -> str:
        """'70%' for 70 (a percentage, not a share); '' when unknown."""
        if value is None:
            return ""
        return f"{float(value):.{digits}f}%" if digits else f"{float(value):g}%"

    def bracketed(self, text: str) -> str:
        opening, closing = self.brackets
        return f"{opening}{text}{closing}"

    def aside(self, text: str) -> str:
        """A bracketed remark after a text: ' (L2, 2017)' in English, '（L2, 2017）' in Chinese."""
        return (" " if self.brackets[0] == "(" else "") + self.bracketed(text)

    def items(self, values: Iterable[str]) -> str:
        """'WeChat Pay, Alipay' / '微信支付、支付宝'."""
        return self.list_separator.join(values)

    def clauses(self, values: Iterable[str]) -> str:
        return self.clause_separator.join(values)

    def clause(self, text: str) -> str:
        """The text without a final full stop (. or 。), so that a bracketed remark can follow."""
        return text.rstrip().removesuffix("。").removesuffix(".")

    def sentence(self, text: str) -> str:
        """The text with a capital and a full stop: 。 after Chinese, '.' after Latin text."""
        text = text.strip()
        if not text or text.endswith(_SENTENCE_ENDS):
            return text[:1].upper() + text[1:]
        end = "。" if _CJK.match(text[-1]) else "."
        return text[:1].upper() + text[1:] + end


ENGLISH = Style(
    date="N j, Y",
    month="F Y",
    brackets=("(", ")"),
    colon=": ",
    list_separator=", ",
    clause_separator="; ",
    full_stop=".",
)
CHINESE = Style(
    # No spaces in a Chinese date: 2026年12月1日.
    date="Y年n月j日",
    month="Y年n月",
    brackets=("（", "）"),
    colon="：",
    list_separator="、",
    clause_separator="；",
    full_stop="。",
)


def style_for(language: str | None) -> Style:
    return CHINESE if is_chinese(language) else ENGLISH


def half_width_after_chinese(text: str) -> list[str]:
    """Every half-width '(' or '.' written straight after a Chinese character, in context."""
    return [
        text[max(0, m.start() - 8) : m.end() + 8]
        for m in re.finditer(r"[\u3400-\u9fff\uf900-\ufaff][(.]", text)
    ]


def timestamp(value: datetime | None) -> str | None:
    """A point in time as programs read it: ISO 8601 in UTC with a Z, '2026-12-01T11:18:36.5Z'.

    The one format of the API's JSON (DRF writes UTC this way), its CSV files and webhook
    payloads, whatever the language: a client parses one format everywhere. None stays None.
    """
    if value is None:
        return None
    if value.tzinfo is None:
        # USE_TZ is on: a naive time here is a bug, and guessing its zone would hide it.
        raise ValueError(f"A timestamp needs a time zone: {value!r}.")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
