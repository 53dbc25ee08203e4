"""With Accept-Language: zh-Hans a response names each thing in Chinese wherever a Chinese text
exists, in every part of it: a report's tier and the tier of the assessment inside it, a list
row and its detail, the CSV export and the report (issue 16). Webhook payloads are English by
design: a worker sends them, to programs, with no request language."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation

from api import webhooks
from assessments.models import Assessment
from assessments.translation import TRANSLATED_FIELDS

pytestmark = pytest.mark.django_db
ASSESSMENTS = "/api/v1/assessments/"


def english_with_chinese() -> dict[str, str]:
    """Every English benchmark text that has a Chinese one: text -> what it is."""
    labels = {}
    for model, names in TRANSLATED_FIELDS.items():
        for name in names:
            for en, zh in model.objects.values_list(f"{name}_en", f"{name}_zh_hans"):
                if en and zh and en != zh:
                    labels[en] = f"{model.__name__}.{name}"
    return labels


def strings(value, path: str = ""):
    """(path, string) for every string in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


@pytest.fixture
def urls(own_brand, make_scored) -> list[str]:
    make_scored(own_brand, 0.3)
    later = make_scored(own_brand, 0.7)  # with a previous assessment, and another tier
    return [
        ASSESSMENTS,
        f"{ASSESSMENTS}{later.pk}/",
        f"{ASSESSMENTS}{later.pk}/report/",
        f"{ASSESSMENTS}{later.pk}/plan/",
        "/api/v1/benchmark/",
        "/api/v1/questionnaire/",
    ]


def test_no_json_answer_shows_an_english_label_that_has_a_chinese_text(consultant_client, urls):
    labels = english_with_chinese()
    assert "Lagging" in labels  # the walk below can find what it looks for
    english = [
        (url, path, value, labels[value])
        for url in urls
        for path, value in strings(
            consultant_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans").json()
        )
        if value in labels
    ]
    assert english == []


def test_a_report_and_the_assessment_inside_it_name_the_same_tier(consultant_client, urls):
    report = consultant_client.get(urls[2], HTTP_ACCEPT_LANGUAGE="zh-Hans").json()
    detail = consultant_client.get(urls[1], HTTP_ACCEPT_LANGUAGE="zh-Hans").json()
    [row] = [
        r
        for r in consultant_client.get(ASSESSMENTS, HTTP_ACCEPT_LANGUAGE="zh-Hans").json()[
            "results"
        ]
        if r["id"] == detail["id"]
    ]
    tiers = [report["tier"], report["assessment"]["tier"], detail["tier"], row["tier"]]
    tiers.append(detail["report"]["tier"])
    assert all(tier == tiers[0] for tier in tiers), tiers
    assert tiers[0]["name"] != "On par" and tiers[0]["name"]


@pytest.mark.parametrize("path", ["?format=csv", "{id}/report/?format=csv"])
def test_no_csv_cell_shows_an_english_label_that_has_a_chinese_text(
    consultant_client, own_brand, make_scored, path
):
    scored = make_scored(own_brand, 0.3)
    response = consultant_client.get(
        ASSESSMENTS + path.format(id=scored.pk), HTTP_ACCEPT_LANGUAGE="zh-Hans"
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    cells = {cell for row in csv.reader(io.StringIO(body.decode())) for cell in row}
    labels = english_with_chinese()
    assert scored.result.tier_name in labels  # the stored English copy is one of them
    assert sorted(cells & set(labels)) == []


def test_an_english_answer_names_the_tier_as_stored(consultant_client, own_brand, make_scored):
    scored = make_scored(own_brand, 0.3)
    row = consultant_client.get(ASSESSMENTS).json()["results"][0]
    assert row["tier"]["name"] == scored.result.tier_name


def test_webhook_payloads_stay_english_whatever_language_is_active(own_brand, make_scored):
    scored = Assessment.objects.select_related("result__edition", "brand", "category").get(
        pk=make_scored(own_brand, 0.3).pk
    )
    with translation.override("zh-hans"):
        payload = webhooks.scored_payload(scored)
    assert payload["data"]["tier"]["name"] == scored.result.tier_name
    assert payload["data"]["tier"]["name"] in english_with_chinese()
