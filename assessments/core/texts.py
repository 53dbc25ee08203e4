"""PURE: benchmark texts in English and Simplified Chinese, and which one a page shows.

Admins write every benchmark text in English and may add Chinese (assessments/translation.py).
Scoring and stored results only use English; pages and the API pick a language when they show a
text, falling back to English (marked) where the Chinese is missing. No Django import here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

ENGLISH = "en"
CHINESE = "zh-hans"


# Cached: a list page asks for every text of every row, and the languages asked are a handful.
@lru_cache(maxsize=64)
def is_chinese(language: str | None) -> bool:
    """zh-hans, zh-Hans, zh-cn, zh: every Chinese variant reads the Simplified Chinese text."""
    return bool(language and language.lower().split("-")[0] == "zh")


class Text(str):
    """One text in both languages: the string itself is the English, ``zh`` its Chinese.

    Being the English string, a Text goes wherever the English went before (stored copies,
    CSV, logs, comparisons); only code that shows it to a reader picks a language with ``get``.
    ``zh`` is blank until an admin translates it.
    """

    zh: str

    def __new__(cls, en: str = "", zh: str = "") -> Text:
        self = super().__new__(cls, en)
        self.zh = zh
        return self

    def __reduce__(self) -> tuple[type[Text], tuple[str, str]]:
        # Pickle (specs are cached) rebuilds it with both languages.
        return (Text, (self.en, self.zh))

    def __repr__(self) -> str:
        return f"Text({self.en!r}, {self.zh!r})"

    @property
    def en(self) -> str:
        return str.__str__(self)

    def get(self, language: str | None) -> str:
        """The text in ``language``: Chinese when asked for and written, else English."""
        return pick(self.en, self.zh, language)

    def is_fallback(self, language: str | None) -> bool:
        """True when Chinese is asked for but only the English exists, so English is shown."""
        return is_chinese(language) and not self.zh and bool(self.en)


def pick(en: str | None, zh: str | None, language: str | None) -> str:
    """``text(en, zh).get(language)`` without building the Text: a list page picks a few texts
    from the columns of each of its rows."""
    return zh if zh and is_chinese(language) else en or ""


def text(en: str | None, zh: str | None = "") -> Text:
    """A Text from database columns, where a blank text may be NULL."""
    return Text(en or "", zh or "")


# What a text is about: ("pillar", key, "name"), ("choice", question key, value), ...
TextPath = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class EditionTexts:
    """Every translatable text of an edition, by what it names, for display in either language.

    Citations are found by their English statement: that is what stored evidence keeps.
    """

    entries: Mapping[TextPath, Text] = field(default_factory=dict)

    def get(self, kind: str, key: str, name: str, default: str = "") -> Text:
        """The text at (kind, key, name); ``default`` (a stored English copy) when unknown."""
        found = self.entries.get((kind, key, name))
        return found if found is not None else Text(default)

    def pillar(self, key: str, default: str = "") -> Text:
        return self.get("pillar", key, "name", default)

    def practice_title(self, key: str, default: str = "") -> Text:
        return self.get("practice", key, "title", default)

    def recommendation(self, key: str, default: str = "") -> Text:
        return self.get("practice", key, "recommendation", default)

    def tier_name(self, key: str, default: str = "") -> Text:
        return self.get("tier", key, "name", default)

    def tier_summary(self, key: str, default: str = "") -> Text:
        return self.get("tier", key, "summary", default)

    def question(self, key: str, default: str = "") -> Text:
        return self.get("question", key, "text", default)

    def choice(self, question: str, value: str, default: str = "") -> Text:
        return self.get("choice", question, value, default)

    def citation(self, statement: str, name: str = "statement", default: str = "") -> Text:
        return self.get("citation", statement, name, default or statement)

    def untranslated(self) -> dict[str, int]:
        """How many English texts of each kind have no Chinese yet (kind -> count)."""
        counts: dict[str, int] = {}
        for (kind, _key, _name), value in self.entries.items():
            if value.en and not value.zh:
                counts[kind] = counts.get(kind, 0) + 1
        return counts


# A plain dict, not a mapping proxy: specs (and so their texts) must stay picklable.
NO_TEXTS = EditionTexts({})
