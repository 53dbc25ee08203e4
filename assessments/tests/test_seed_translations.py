"""The first edition's Simplified Chinese text covers every English text and keeps its figures.

Pure: reads the two seed files, no database. The bilingual data migration loads
`first_edition.zh-Hans.json` by these keys, so a missing translation would show a Chinese reader
English text, a stale one would never be shown, and a changed figure would misquote a source.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
ENGLISH_FILE = SEED_DIR / "first_edition.json"
CHINESE_FILE = SEED_DIR / "first_edition.zh-Hans.json"

# English texts whose correct Chinese is the very same string (a brand or platform name that
# Chinese readers know in Latin letters, standing alone). None in the first edition: every
# text has at least some Chinese around its names. Add one here only with that reason.
SAME_IN_BOTH: frozenset[str] = frozenset()

TextPath = tuple[str, ...]

# Chinese writes large figures in 万 (10^4) and 亿 (10^8) where English uses k, million and
# billion: "618 million" is "6.18 亿". Figures are compared by value, not by their digits.
_MAGNITUDES = {"k": 10**3, "million": 10**6, "billion": 10**9, "万": 10**4, "亿": 10**8}
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?:\s*(k|million|billion|万|亿)(?![A-Za-z]))?")
_MONTHS = "January February March April May June July August September October November December"
# English names months ("November 2016") where Chinese numbers them ("2016 年 11 月").
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS.split()) + r")\b")
# "Q3 2014" and "the third quarter of 2014" read "2014 年第三季度" in Chinese.
_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_QUARTER = re.compile(r"\b(first|second|third|fourth) quarter\b|第([一二三四])季度")
_PLACEHOLDER = re.compile(r"%\(\w*\)[a-z]?|%[sd]\b|\{\w*\}|[{}]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def english_texts(seed: dict[str, Any]) -> dict[TextPath, str]:
    """Every non-empty user-facing English text, keyed by its path in the Chinese file."""
    return {path: text for path, text in _english_entries(seed) if text}


def _english_entries(seed: dict[str, Any]) -> Iterator[tuple[TextPath, str]]:
    for field in ("label", "notes"):
        yield ("edition", field), seed["edition"].get(field, "")
    for category in seed["categories"]:
        yield ("categories", category["slug"], "name"), category["name"]
    for tier in seed["tiers"]:
        for field in ("name", "summary"):
            yield ("tiers", tier["key"], field), tier[field]
    for pillar in seed["pillars"]:
        for field in ("name", "description"):
            yield ("pillars", pillar["key"], field), pillar[field]
    practices = [practice for pillar in seed["pillars"] for practice in pillar["practices"]]
    for practice in practices:
        for field in ("title", "recommendation"):
            yield ("practices", practice["key"], field), practice[field]
    for question in seed["questions"]:
        yield ("questions", question["key"], "text"), question["text"]
        yield ("questions", question["key"], "help_text"), question["help_text"]
        for value, label, _score in question["choices"]:
            yield ("questions", question["key"], "choices", value), label
    citations = [citation for practice in practices for citation in practice["citations"]]
    for section, rows in (("citations", citations), ("context_figures", seed["context_figures"])):
        for row in rows:
            for field in ("statement", "population", "note"):
                yield (section, row["statement"], field), row.get(field, "")


def chinese_texts(translation: Any, path: TextPath = ()) -> dict[TextPath, Any]:
    """The leaves of the Chinese file by path, in file order (a leaf should be a string)."""
    if not isinstance(translation, dict):
        return {path: translation}
    leaves: dict[TextPath, Any] = {}
    for key, value in translation.items():
        leaves.update(chinese_texts(value, (*path, key)))
    return leaves


def figures(text: str) -> list[Decimal]:
    """The figures a text states, by value and sorted: digits, percentages, years, months."""
    found = [Decimal(digits) * _MAGNITUDES.get(unit, 1) for digits, unit in _NUMBER.findall(text)]
    found += [Decimal(_MONTHS.split().index(month) + 1) for month in _MONTH.findall(text)]
    found += [Decimal(_QUARTERS[en or zh]) for en, zh in _QUARTER.findall(text)]
    return sorted(found)


def _shown(values: list[Decimal]) -> str:
    return ", ".join(format(value.normalize(), "f") for value in values) or "none"


def text_problems(english: str, chinese: Any, same_in_both: frozenset[str]) -> list[str]:
    """What is wrong with one translation, in words a translator can act on."""
    if not isinstance(chinese, str) or not chinese.strip():
        return ["is empty or not a string"]
    if chinese == english:
        return [] if english in same_in_both else ["is the English text, untranslated"]
    problems = []
    if not _CJK.search(chinese):
        problems.append("has no Chinese characters")
    if figures(english) != figures(chinese):
        problems.append(
            f"states figures {_shown(figures(chinese))}, the English {_shown(figures(english))}"
        )
    if sorted(_PLACEHOLDER.findall(english)) != sorted(_PLACEHOLDER.findall(chinese)):
        problems.append("has placeholders that differ from the English")
    return problems


def translation_problems(
    seed: dict[str, Any],
    translation: dict[str, Any],
    same_in_both: frozenset[str] = SAME_IN_BOTH,
) -> list[str]:
    """Every problem of the Chinese file against the English seed, each naming its entry."""
    english = english_texts(seed)
    chinese = chinese_texts(translation)
    problems = [f"{_name(path)}: no Chinese translation" for path in english if path not in chinese]
    problems += [
        f"{_name(path)}: stale, not in the English" for path in chinese if path not in english
    ]
    for path, text in english.items():
        if path in chinese:
            problems += [
                f"{_name(path)}: {p}" for p in text_problems(text, chinese[path], same_in_both)
            ]
    in_both = [path for path in chinese if path in english]
    english_order = [path for path in english if path in chinese]
    if in_both != english_order:
        first = next(a for a, b in zip(in_both, english_order, strict=True) if a != b)
        problems.append(f"{_name(first)}: out of the English file's order")
    return problems


def _name(path: TextPath) -> str:
    return " > ".join(path)


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return _load(ENGLISH_FILE)


@pytest.fixture(scope="module")
def translation() -> dict[str, Any]:
    return _load(CHINESE_FILE)


def test_every_english_text_has_a_faithful_chinese_translation(seed, translation):
    problems = translation_problems(seed, translation)
    assert not problems, "\n".join(problems)


def test_the_chinese_file_is_readable_utf8_not_escapes():
    raw = CHINESE_FILE.read_bytes().decode("utf-8")
    assert "\\u" not in raw, "write it with ensure_ascii=False so translators can read it"


def test_a_broken_copy_reports_each_problem_by_name(seed, translation):
    broken = copy.deepcopy(translation)
    question_key = next(key for key, q in broken["questions"].items() if "help_text" in q)
    del broken["questions"][question_key]["help_text"]
    percent = re.compile(r"\d+(?=%)")
    statement, citation = next(
        (key, row) for key, row in broken["citations"].items() if percent.search(row["statement"])
    )
    citation["statement"] = percent.sub(lambda m: str(int(m[0]) + 1), citation["statement"], 1)
    broken["tiers"]["retired-tier"] = {"name": "旧等级"}
    first_category = next(iter(broken["categories"]))
    english_name = next(c["name"] for c in seed["categories"] if c["slug"] == first_category)
    broken["categories"][first_category]["name"] = english_name
    first_pillar = next(iter(broken["pillars"]))
    broken["pillars"][first_pillar]["name"] += "{brand}"

    problems = "\n".join(translation_problems(seed, broken))

    assert f"questions > {question_key} > help_text: no Chinese translation" in problems
    assert f"citations > {statement} > statement: states figures" in problems
    assert "tiers > retired-tier > name: stale, not in the English" in problems
    assert f"categories > {first_category} > name: is the English text, untranslated" in problems
    assert f"pillars > {first_pillar} > name: has placeholders that differ" in problems
    assert len(problems.splitlines()) == 5


def test_an_entry_out_of_the_english_order_is_reported(seed, translation):
    shuffled = copy.deepcopy(translation)
    shuffled["questions"] = dict(reversed(shuffled["questions"].items()))
    last_key = next(reversed(translation["questions"]))
    assert translation_problems(seed, shuffled) == [
        f"questions > {last_key} > text: out of the English file's order"
    ]


def test_an_identical_text_passes_only_when_allowed(seed, translation):
    same = copy.deepcopy(translation)
    tmall = next(q for q in seed["questions"] if q["key"] == "ls-platforms")["choices"][0]
    same["questions"]["ls-platforms"]["choices"][tmall[0]] = tmall[1]
    assert translation_problems(seed, same)
    assert translation_problems(seed, same, same_in_both=frozenset({tmall[1]})) == []


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("618 million internet users", "6.18 亿网民"),
        ("1.24 billion mobile users", "12.4 亿移动用户"),
        ("under 25k views", "不足 2.5 万"),
        ("69% (November 2016)", "69%（2016 年 11 月）"),
        ("Sina Weibo users, Q3 2014", "新浪微博用户，2014 年第三季度"),
        ("just 1.5% of orders", "仅占订单的 1.5%"),
    ],
)
def test_figures_match_across_chinese_number_writing(english, chinese):
    assert figures(english) == figures(chinese)
    assert text_problems(english, chinese, SAME_IN_BOTH) == []


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("618 million internet users", "61.8 亿网民"),
        ("96% of brands", "69% 的品牌"),
        ("10% (June 2016)", "10%（2016 年 7 月）"),
        ("from 2014 to 2016", "2014 年起"),
        ("in Q3 2014", "2014 年第四季度"),
    ],
)
def test_a_changed_figure_is_reported_with_both_values(english, chinese):
    (problem,) = text_problems(english, chinese, SAME_IN_BOTH)
    assert problem.startswith("states figures ")


def test_a_translation_without_any_chinese_is_reported():
    # Latin names inside Chinese are normal ("KOL 和专家"); a text with no Chinese at all is not.
    assert text_problems("KOLs and experts", "KOL 和专家", SAME_IN_BOTH) == []
    assert text_problems("Live-stream content", "Live stream content", SAME_IN_BOTH) == [
        "has no Chinese characters"
    ]
