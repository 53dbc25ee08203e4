"""PURE: which language a benchmark text is shown in, and when English stands in for Chinese."""

from __future__ import annotations

import pickle

import pytest

from assessments.core.texts import EditionTexts, Text, is_chinese, pick, text


@pytest.mark.parametrize("language", ["zh-hans", "zh-Hans", "zh-cn", "zh", "ZH-HANT"])
def test_every_chinese_variant_reads_the_chinese(language):
    assert is_chinese(language)
    assert Text("Leader", "领先").get(language) == "领先"


@pytest.mark.parametrize("language", ["en", "en-us", "fr", "", None])
def test_other_languages_read_the_english(language):
    assert not is_chinese(language)
    assert Text("Leader", "领先").get(language) == "Leader"
    assert not Text("Leader").is_fallback(language)


def test_missing_chinese_falls_back_to_english_and_says_so():
    assert Text("Leader").get("zh-hans") == "Leader"
    assert Text("Leader").is_fallback("zh-hans")
    assert not Text("Leader", "领先").is_fallback("zh-hans")
    assert not Text("").is_fallback("zh-hans")  # nothing shown, nothing to mark


@pytest.mark.parametrize("language", ["zh-hans", "zh", "en", "fr", None])
@pytest.mark.parametrize(
    "columns", [("Leader", "领先"), ("Leader", ""), ("Leader", None), (None, "领先"), (None, None)]
)
def test_a_text_picked_from_its_columns_is_the_one_its_text_shows(columns, language):
    # A list page picks texts from database columns without building each Text.
    assert pick(*columns, language) == text(*columns).get(language)


def test_a_text_is_its_english_wherever_a_string_is_expected():
    text = Text("Leader", "领先")
    assert text == "Leader" and f"{text}" == "Leader" and text.upper() == "LEADER"
    copy = pickle.loads(pickle.dumps(text))
    assert (copy.en, copy.zh) == ("Leader", "领先")


def test_unknown_texts_fall_back_to_the_stored_english_copy():
    texts = EditionTexts({("tier", "leader", "name"): Text("Leader", "领先")})
    assert texts.tier_name("leader", "Old copy").get("zh") == "领先"
    unknown = texts.tier_name("gone", "Old copy")
    assert unknown.get("zh") == "Old copy" and unknown.is_fallback("zh")


def test_untranslated_counts_english_texts_without_chinese_by_kind():
    texts = EditionTexts(
        {
            ("tier", "leader", "name"): Text("Leader", "领先"),
            ("tier", "leader", "summary"): Text("Ahead."),
            ("practice", "p1", "title"): Text("Do it"),
            ("practice", "p1", "recommendation"): Text(""),
        }
    )
    assert texts.untranslated() == {"tier": 1, "practice": 1}
