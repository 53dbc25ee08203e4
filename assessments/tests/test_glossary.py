"""The Chinese glossary holds: one term per concept, in the catalogue and every edition (issue 22).

locale/glossary.csv is the machine-readable copy of the glossary: for each concept the preferred
Chinese and the variants a Chinese reader would stumble on. Every Chinese interface text and
every Chinese benchmark text in the database (all editions, drafts included) is checked against
it, and every sentence that inserts a category name is rendered with each category.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

from assessments.core.formats import half_width_after_chinese
from assessments.models import Category
from assessments.translation import TRANSLATED_FIELDS

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "locale" / "glossary.csv"
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SCOPES = {"all", "form errors", "navigation"}
# Dates take no spaces inside ("2016年11月", as Django writes them); the full-width slash and a
# lone ellipsis are the other typography slips the glossary names.
SPACED_DATE = re.compile(r"\d\s+年|年\s+\d|\d\s+月\s|月\s+\d+\s*日")
SLASH = "\uff0f"  # the full-width slash
LONE_ELLIPSIS = re.compile(r"(?<!…)…(?!…)")


def glossary() -> list[dict[str, str]]:
    with GLOSSARY.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def rejected(scope: str) -> list[tuple[str, str]]:
    """(variant, concept) for every rejected variant of the given scope."""
    return [
        (variant, row["concept"])
        for row in glossary()
        if row["scope"] == scope
        for variant in row["rejected"].split("|")
        if variant
    ]


def catalogue_texts() -> list[tuple[polib.POEntry, str]]:
    out = []
    for entry in polib.pofile(str(PO)):
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        out += [(entry, form) for form in forms]
    return out


def database_texts() -> list[tuple[str, str]]:
    """(where, Chinese text) for every Chinese benchmark text of every edition, and categories."""
    out = []
    for model, fields in TRANSLATED_FIELDS.items():
        columns = [f"{field}_zh_hans" for field in fields]
        for pk, *texts in model.objects.values_list("pk", *columns):
            named = zip(columns, texts, strict=True)
            out += [(f"{model.__name__} {pk} {c}", t) for c, t in named if t]
    return out


def in_scope(entry: polib.POEntry, scope: str) -> bool:
    if scope == "form errors":
        return entry.msgctxt == "form errors"
    if scope == "navigation":
        return "your brands" in entry.msgid.lower()
    return True


def test_the_glossary_file_names_the_variants_the_review_found():
    rows = glossary()
    assert {row["scope"] for row in rows} <= SCOPES
    assert all(row["concept"] and row["english"] and row["preferred"] for row in rows)
    everywhere = {variant for variant, _ in rejected("all")}
    assert {"持平", "就绪度", "拥护者", "可直接下单的帖子", "品牌品牌"} <= everywhere
    assert "个问题" in {variant for variant, _ in rejected("form errors")}
    assert "您的品牌" in {variant for variant, _ in rejected("navigation")}


def test_the_chinese_catalogue_uses_no_rejected_variant():
    problems = [
        f"{entry.msgid!r} -> {text!r}: {variant} ({concept})"
        for scope in SCOPES
        for variant, concept in rejected(scope)
        for entry, text in catalogue_texts()
        if in_scope(entry, scope) and variant in text
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_no_edition_in_the_database_uses_a_rejected_variant():
    texts = database_texts()
    assert len(texts) > 200  # the first edition's Chinese is loaded
    problems = [
        f"{where}: {variant} ({concept}) in {text!r}"
        for variant, concept in rejected("all")
        for where, text in texts
        if variant in text
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_chinese_texts_keep_full_width_punctuation_and_unspaced_dates():
    texts = [(repr(e.msgid), t) for e, t in catalogue_texts()] + database_texts()
    problems = [f"{where}: half-width after Chinese {bad}" for where, t in texts for bad in
                half_width_after_chinese(t)]  # fmt: skip
    problems += [f"{where}: spaced date in {t!r}" for where, t in texts if SPACED_DATE.search(t)]
    problems += [f"{where}: lone … in {t!r}" for where, t in texts if LONE_ELLIPSIS.search(t)]
    problems += [f"{where}: full-width slash in {t!r}" for where, t in texts if SLASH in t]
    assert not problems, "\n".join(problems)


def test_the_edit_link_and_the_change_column_are_two_messages():
    with translation.override("zh-hans"):
        assert translation.pgettext("edit link", "Change") == "修改"
        assert translation.pgettext("difference", "Change") == "变化"


def sentences_with_a_category() -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(PO)) if "%(category)s" in e.msgid]


class Anything(dict):
    """Fills every other placeholder of a message with a neutral value."""

    def __missing__(self, key: str) -> str:
        return "7"


@pytest.mark.django_db
def test_every_category_reads_well_in_every_sentence_that_inserts_one():
    names = list(Category.objects.values_list("name_zh_hans", flat=True))
    entries = sentences_with_a_category()
    assert len(names) >= 5 and len(entries) >= 6
    problems = []
    with translation.override("zh-hans"):
        for entry in entries:
            for name in names:
                sentence = translation.gettext(entry.msgid) % Anything(category=name)
                problems += _category_problems(sentence, name)
    assert not problems, "\n".join(problems)


def _category_problems(sentence: str, name: str) -> list[str]:
    # A category is a noun the sentence names ("同品类（其他消费品）"), never a word that
    # "品牌" or "品类" is glued to: "其他消费品牌品牌", "快消品品类".
    found = []
    if re.search(re.escape(name) + "(品牌|品类|类)", sentence):
        found.append(f"{sentence!r}: {name} runs into the next word")
    if "品牌品牌" in sentence or "品类品类" in sentence:
        found.append(f"{sentence!r}: a doubled word")
    found += [f"{sentence!r}: half-width {bad}" for bad in half_width_after_chinese(sentence)]
    return found


def test_a_category_glued_to_the_next_word_is_caught():
    assert _category_problems("中国典型的其他消费品牌品牌", "其他消费品牌")
    assert _category_problems("其他消费品品类", "其他消费品")
    assert not _category_problems("与中国同品类（其他消费品）典型品牌相当。", "其他消费品")
