"""The API answers text fields in the language of Accept-Language, and says which in
Content-Language; English by default and wherever a Chinese text is missing (issue 8)."""

from __future__ import annotations

import csv
import io

import pytest

from api.tests.errors import fields
from assessments.models import Practice, Question
from assessments.tests.factories import zh_seed

QUESTIONNAIRE = "/api/v1/questionnaire/"
ZH = zh_seed()
ACCOUNT_QUESTION_ZH = ZH["questions"]["msg-account"]["text"]

pytestmark = pytest.mark.django_db


def _question(data: dict, key: str) -> dict:
    return next(q for q in data["questions"] if q["id"] == key)


@pytest.mark.parametrize("header", ["zh-Hans", "zh-CN", "zh", "zh-CN,zh;q=0.9,en;q=0.8"])
def test_chinese_accept_language_gives_chinese_questions_and_choices(consultant_client, header):
    response = consultant_client.get(QUESTIONNAIRE, HTTP_ACCEPT_LANGUAGE=header)
    assert response["Content-Language"] == "zh-hans"
    question = _question(response.json(), "msg-account")
    assert question["text"].startswith(ACCOUNT_QUESTION_ZH)
    assert question["choices"][0]["label"] == "没有账号"


@pytest.mark.parametrize("header", [None, "en", "fr-FR", "de;q=0.5"])
def test_any_other_language_gives_english(consultant_client, header):
    extra = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    response = consultant_client.get(QUESTIONNAIRE, **extra)
    assert response["Content-Language"] == "en"
    question = _question(response.json(), "msg-account")
    assert question["text"].startswith("Does the brand run a WeChat official account")


def test_an_untranslated_text_comes_in_english(consultant_client):
    Question.objects.filter(key="msg-account").update(text_zh_hans=None)
    data = consultant_client.get(QUESTIONNAIRE, HTTP_ACCEPT_LANGUAGE="zh-Hans").json()
    english = consultant_client.get(QUESTIONNAIRE).json()
    assert _question(data, "msg-account")["text"] == _question(english, "msg-account")["text"]
    assert _question(data, "msg-campaigns")["text"] == ZH["questions"]["msg-campaigns"]["text"]


def test_the_benchmark_names_practices_tiers_and_citations_in_chinese(consultant_client):
    data = consultant_client.get("/api/v1/benchmark/", HTTP_ACCEPT_LANGUAGE="zh-Hans").json()
    practice = next(p for p in data["practices"] if p["key"] == "messaging-account")
    assert practice["title"] == ZH["practices"]["messaging-account"]["title"]
    assert practice["recommendation"] == ZH["practices"]["messaging-account"]["recommendation"]
    statements = {c["statement"] for c in practice["prevalence"]}
    assert statements and statements <= {c["statement"] for c in ZH["citations"].values()}
    assert {t["name"] for t in data["tiers"]} == {t["name"] for t in ZH["tiers"].values()}


def test_a_report_is_in_chinese_with_english_where_no_chinese_exists(
    consultant_client, own_brand, make_scored, spec, edits_a_published_edition
):
    a = make_scored(own_brand, 0.3)
    first = a.result.recommendations.order_by("rank").values_list("practice_key", flat=True)[0]
    Practice.objects.filter(edition_id=a.result.edition_id, key=first).update(title_zh_hans=None)
    edits_a_published_edition()  # the cached spec of the edition as it was, dropped
    url = f"/api/v1/assessments/{a.pk}/report/"
    zh = consultant_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans").json()
    en = consultant_client.get(url).json()
    assert zh["tier"]["name"] == ZH["tiers"][a.result.tier_key]["name"] != en["tier"]["name"]
    zh_pillar = next(p for p in zh["pillars"] if p["key"] == "messaging")["name"]
    assert zh_pillar == ZH["pillars"]["messaging"]["name"]
    recs = {r["practice_key"]: r for r in zh["recommendations"]}
    assert (
        recs[first]["title"]
        == Practice.objects.get(edition_id=a.result.edition_id, key=first).title_en
    )
    # Numbers and keys do not depend on the language.
    assert zh["readiness_index"] == en["readiness_index"]
    assert [r["practice_key"] for r in zh["recommendations"]] == [
        r["practice_key"] for r in en["recommendations"]
    ]


def test_csv_headers_follow_accept_language(consultant_client, own_brand, make_scored):
    make_scored(own_brand)
    url = "/api/v1/assessments/?format=csv"
    zh = b"".join(consultant_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans").streaming_content)
    en = b"".join(consultant_client.get(url).streaming_content)
    zh, en = zh.decode(), en.decode()
    assert next(csv.reader(io.StringIO(zh)))[:3] == ["编号", "品牌", "品牌标识"]
    assert next(csv.reader(io.StringIO(en)))[:3] == ["id", "brand", "brand_slug"]


def test_errors_are_translated_too(consultant_client):
    body = {"brand": "own-brand", "category": "nope", "answers": {}}
    response = consultant_client.post(
        "/api/v1/assessments/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-Hans"
    )
    assert response.status_code == 400
    assert fields(response)["category"] == ["没有此品类；请参阅 GET /api/v1/benchmark/。"]
