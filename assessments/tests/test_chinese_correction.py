"""The published 2017 edition takes one correction: its Chinese display texts (migration 0012).

The migration runs here on the migration state's models, as `migrate` runs it, against a first
edition whose Chinese is the wording before the glossary.
"""

from __future__ import annotations

import importlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import PublishedEditionReadOnly, Tier
from assessments.translation import TRANSLATED_FIELDS

pytestmark = pytest.mark.django_db

correction = importlib.import_module("assessments.migrations.0012_first_edition_chinese_glossary")
OLD = {  # (model, lookup) -> the Chinese before the glossary
    ("Tier", "key", "on-par"): {"name_zh_hans": "持平"},
    ("Category", "slug", "other"): {"name_zh_hans": "其他消费品牌"},
    ("Practice", "key", "social-proof"): {"recommendation_zh_hans": "与品牌拥护者合作。"},
    ("Choice", "value", "shoppable-posts"): {"label_zh_hans": "可直接下单的帖子"},
}


# The path from each model to its edition: the 2026 edition (0013) has an on-par tier and a
# shoppable-posts choice too, which the correction of the first edition must not touch.
EDITION_OF = {"Tier": "edition", "Practice": "edition", "Choice": "question__edition"}


def first_edition_rows(apps, model: str, field: str, value: str):
    rows = apps.get_model("assessments", model).objects.filter(**{field: value})
    if model not in EDITION_OF:  # a category belongs to no edition
        return rows
    label = json.loads(correction.FIRST_EDITION.read_text(encoding="utf-8"))["edition"]["label"]
    return rows.filter(**{f"{EDITION_OF[model]}__label": label})


@pytest.fixture
def state_apps():
    name = correction.__name__.rsplit(".", 1)[1]
    return MigrationExecutor(connection).loader.project_state(("assessments", name)).apps


def everything_but_chinese(apps) -> dict:
    """Every column of every benchmark row except the Chinese texts: numbers, keys, English."""
    out = {}
    for model in TRANSLATED_FIELDS:
        rows = apps.get_model("assessments", model.__name__).objects.order_by("pk").values()
        out[model.__name__] = [
            {k: v for k, v in row.items() if not k.endswith("_zh_hans")} for row in rows
        ]
    return out


def chinese_of(apps, model: str, field: str, value: str, column: str) -> str:
    [text] = first_edition_rows(apps, model, field, value).values_list(column, flat=True)
    return text


def test_the_correction_writes_only_chinese_and_leaves_a_history_entry(state_apps):
    for (model, field, value), columns in OLD.items():
        first_edition_rows(state_apps, model, field, value).update(**columns)
    before = everything_but_chinese(state_apps)

    assert correction.correct_chinese(state_apps) == len(OLD)

    assert everything_but_chinese(state_apps) == before
    assert chinese_of(state_apps, "Tier", "key", "on-par", "name_zh_hans") == "达标"
    assert chinese_of(state_apps, "Category", "slug", "other", "name_zh_hans") == "其他消费品"
    label = chinese_of(state_apps, "Choice", "value", "shoppable-posts", "label_zh_hans")
    assert label == "挂商品链接的内容"
    history = state_apps.get_model("assessments", "HistoricalTier").objects.get(
        key="on-par", history_change_reason=correction.REASON
    )
    assert (history.name_en, history.name_zh_hans, history.min_index) == ("On par", "达标", 90)
    assert correction.correct_chinese(state_apps) == 0  # run again, nothing left to correct


def test_the_correction_refuses_any_column_but_a_chinese_text():
    with pytest.raises(correction.NotAChineseText, match="name_en"):
        correction._chinese_only({"name_zh_hans": "达标", "name_en": "Par"})


def test_the_published_edition_is_still_read_only_for_everything_else():
    tier = Tier.objects.get(key="on-par", edition__is_current=True)
    tier.name_zh_hans = "达标"
    with pytest.raises(PublishedEditionReadOnly):
        tier.save()
