"""Bad input is refused with field-level errors, and nothing is saved."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from rest_framework.test import APIClient

from api.models import WebhookEndpoint
from api.tests.errors import detail, fields, under
from api.views import WebhookEndpointViewSet
from assessments.core.specs import QuestionType
from assessments.models import Answer, Assessment

ASSESSMENTS = "/api/v1/assessments/"


@pytest.fixture
def percent_question(spec):
    return next(q for q in spec.questions if q.type == QuestionType.PERCENT)


@pytest.fixture
def na_refused(spec):
    return next(q for q in spec.questions if not q.allows_na)


@pytest.fixture
def counts(world):
    def snapshot() -> tuple[int, int]:
        return Assessment.objects.count(), Answer.objects.count()

    return snapshot


def _post(client, body):
    return client.post(ASSESSMENTS, body, format="json")


def draft(**changes) -> dict:
    return {"brand": "own-brand", "category": "beauty", "answers": {}, **changes}


def test_an_empty_body_names_the_required_fields(consultant_client, counts):
    before = counts()
    response = _post(consultant_client, {})
    assert response.status_code == 400
    assert set(fields(response)) == {"brand", "category"}
    assert counts() == before


@pytest.mark.parametrize(
    "body,field",
    [
        (draft(answers=["not", "a", "map"]), "answers"),
        (draft(submit="maybe"), "submit"),
        (draft(brand=12), "brand"),
        (draft(brand="no-such-brand"), "brand"),
        (draft(brand="foreign-brand"), "brand"),
        (draft(category="no-such-category"), "category"),
        (draft(status="scored"), "status"),
        (draft(submitted_by=1), "submitted_by"),
        (draft(edition=1), "edition"),
        (draft(readiness_index=140), "readiness_index"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_bad_field_is_a_400_on_that_field_and_saves_nothing(
    consultant_client, counts, body, field
):
    before = counts()
    response = _post(consultant_client, body)
    assert response.status_code == 400
    assert field in fields(response)
    assert counts() == before


def test_a_brand_not_served_reads_like_an_unknown_one(consultant_client, counts):
    foreign = _post(consultant_client, draft(brand="foreign-brand")).json()
    unknown = _post(consultant_client, draft(brand="no-such-brand")).json()
    assert foreign == unknown


def test_bad_answers_are_refused_per_question_and_nothing_is_saved(
    consultant_client, counts, percent_question, na_refused
):
    answers = {percent_question.key: 250, na_refused.key: None, "no-such-question": "yes"}
    before = counts()
    response = _post(consultant_client, draft(answers=answers, submit=False))
    assert response.status_code == 400
    errors = under(response, "answers")
    assert set(errors) == {percent_question.key, na_refused.key, "no-such-question"}
    assert "0 to 100" in errors[percent_question.key][0]
    assert "not applicable" in errors[na_refused.key][0]
    assert counts() == before


def test_a_wrong_answer_type_is_refused(consultant_client, counts, percent_question):
    before = counts()
    response = _post(consultant_client, draft(answers={percent_question.key: [1, 2]}))
    assert response.status_code == 400
    assert percent_question.key in under(response, "answers")
    assert counts() == before


def test_too_many_answers_are_refused(consultant_client, counts, settings):
    settings.API_MAX_ANSWERS = 3
    before = counts()
    response = _post(consultant_client, draft(answers={f"q{i}": "yes" for i in range(4)}))
    assert response.status_code == 400
    assert fields(response)["answers"] == ["At most 3 answers per request."]
    assert counts() == before


def test_an_oversized_body_is_a_413_with_a_message(consultant_client, counts, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = counts()
    body = json.dumps(draft(answers={"padding": "x" * 2000}))
    response = consultant_client.post(ASSESSMENTS, body, content_type="application/json")
    assert response.status_code == 413
    assert "larger than 1000 bytes" in detail(response)
    assert counts() == before


def test_malformed_json_is_a_400(consultant_client, counts):
    before = counts()
    response = consultant_client.post(ASSESSMENTS, "{nope", content_type="application/json")
    assert response.status_code == 400
    assert counts() == before


def test_a_patch_may_not_set_what_the_service_owns(consultant_client, world):
    url = f"{ASSESSMENTS}{world['own_draft']}/"
    response = consultant_client.patch(url, {"status": "scored", "version": 0}, format="json")
    assert response.status_code == 400
    assert "set by the service" in fields(response)["status"][0]
    assessment = Assessment.objects.get(pk=world["own_draft"])
    assert assessment.status == "draft" and assessment.version == 0


def test_an_empty_patch_says_what_to_send(consultant_client, world):
    response = consultant_client.patch(f"{ASSESSMENTS}{world['own_draft']}/", {}, format="json")
    assert response.status_code == 400
    assert "Send answers" in fields(response)["non_field_errors"][0]


def test_a_patch_with_bad_answers_saves_nothing(consultant_client, world, percent_question):
    url = f"{ASSESSMENTS}{world['own_draft']}/"
    body = {"answers": {percent_question.key: -1}, "version": 0}
    response = consultant_client.patch(url, body, format="json")
    assert response.status_code == 400
    assert percent_question.key in under(response, "answers")
    assessment = Assessment.objects.get(pk=world["own_draft"])
    assert assessment.version == 0 and assessment.answers.count() == 0


def test_bad_answers_are_explained_in_the_language_asked_for(consultant_client, percent_question):
    body = draft(answers={percent_question.key: 250, "no-such-question": "yes"}, submit=False)
    response = consultant_client.post(ASSESSMENTS, body, format="json", HTTP_ACCEPT_LANGUAGE="zh")
    assert response.status_code == 400
    errors = under(response, "answers")
    assert errors[percent_question.key] == [
        f"{percent_question.key}: 请输入 0 到 100 之间的百分比。"
    ]
    assert "0 to 100" not in errors[percent_question.key][0]
    assert errors["no-such-question"][0].startswith("no-such-question: ")
    assert "no such question" not in errors["no-such-question"][0]


# --- Bodies that used to be 500s ------------------------------------------------------------------

TOKEN = "/api/v1/auth/token/"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("url", [TOKEN, ASSESSMENTS])
def test_json_nested_past_the_limit_is_a_400_even_without_a_login(consultant_client, counts, url):
    # About 2 kB: Python's parser would have recursed 1,000 levels and failed (a 500).
    before = counts()
    body = '{"username": "x", "password": "y", "answers": ' + nested(1000) + "}"
    response = consultant_client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "nest deeper than 64 levels" in detail(response)
    assert counts() == before


def test_json_nested_up_to_the_limit_is_parsed(consultant_client, settings):
    settings.API_MAX_JSON_DEPTH = 5
    body = '{"brand": "own-brand", "category": "beauty", "answers": {"q": [[["yes"]]]}}'
    response = consultant_client.post(ASSESSMENTS, body, content_type="application/json")
    # Parsed: the refusal is about the answer, not the nesting.
    assert response.status_code == 400 and "answers.q" in fields(response)
    deeper = body.replace('[[["yes"]]]', '[[[["yes"]]]]')
    response = consultant_client.post(ASSESSMENTS, deeper, content_type="application/json")
    assert "nest deeper than 5 levels" in detail(response)


def test_brackets_inside_strings_do_not_count_as_nesting(consultant_client, settings):
    settings.API_MAX_JSON_DEPTH = 3
    body = json.dumps({"username": "[" * 100 + '\\"{' * 50, "password": "y"})
    response = consultant_client.post(TOKEN, body, content_type="application/json")
    assert response.status_code == 400
    assert "nest deeper" not in json.dumps(response.json())


def test_a_lone_surrogate_in_a_key_is_a_400_naming_that_key(db):
    body = '{"username":"x","password":"y","\\ud800":1}'
    response = APIClient().post(TOKEN, body, content_type="application/json")
    assert response.status_code == 400
    assert "lone UTF-16 surrogate" in fields(response)["\\ud800"][0]


def test_a_lone_surrogate_in_an_answer_names_the_question(consultant_client, counts):
    before = counts()
    body = '{"brand": "own-brand", "category": "beauty", "answers": {"pay-share": "a\\udc00"}}'
    response = consultant_client.post(ASSESSMENTS, body, content_type="application/json")
    assert response.status_code == 400
    assert list(fields(response)) == ["answers.pay-share"]
    assert counts() == before


@pytest.mark.parametrize(
    "path, body",
    [
        # Found by schemathesis: the owner's lookup queried PostgreSQL with the NUL (a 500).
        ("/api/v1/actions/", '{"brand": "own-brand", "practice_key": "x", "owner": "a\\u0000"}'),
        (ASSESSMENTS, '{"brand": "own\\u0000", "category": "beauty"}'),
        (TOKEN, '{"username": "x", "password": "y", "a\\u0000": 1}'),
    ],
)
def test_a_nul_anywhere_in_a_body_is_a_400_naming_its_field(consultant_client, counts, path, body):
    before = counts()
    response = consultant_client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    [(field, [message])] = fields(response).items()
    assert "NUL" in message and field in ("owner", "brand", "a\\u0000")
    assert counts() == before


def test_a_surrogate_pair_is_a_character_and_accepted(db):
    # U+1F600 written as its UTF-16 pair: valid JSON, one character, no surrogate left.
    body = '{"username":"\\ud83d\\ude00","password":"y"}'
    response = APIClient().post(TOKEN, body, content_type="application/json")
    assert response.status_code == 401
    assert "surrogate" not in json.dumps(response.json())


def test_a_patch_that_loses_the_race_to_a_delete_is_a_404(consultant_client, consultant):
    endpoint = WebhookEndpoint.objects.create(owner=consultant, url="https://a.example/h")
    original = WebhookEndpointViewSet.get_object

    def read_then_lose_the_race(view):
        found = original(view)
        WebhookEndpoint.objects.filter(pk=found.pk).delete()  # the DELETE lands here
        return found

    with mock.patch.object(WebhookEndpointViewSet, "get_object", read_then_lose_the_race):
        response = consultant_client.patch(
            f"/api/v1/webhooks/{endpoint.pk}/", {"description": "x"}, format="json"
        )
    assert response.status_code == 404
    assert not WebhookEndpoint.objects.exists()
