"""Safe retries (Idempotency-Key) and cheap polling (ETag, If-None-Match)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from api import idempotency
from api.models import WebhookEndpoint
from api.tests.conftest import token_client
from api.tests.errors import error_code, fields
from assessments.models import Assessment

ASSESSMENTS = "/api/v1/assessments/"
BODY = {"brand": "own-brand", "category": "beauty"}


def post(client, body=BODY, key="key-1", url=ASSESSMENTS):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


# --- Idempotency-Key ----------------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_first_answer_and_creates_once(consultant_client, world):
    before = Assessment.objects.count()
    first, again = post(consultant_client), post(consultant_client)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Assessment.objects.count() == before + 1


def test_the_same_key_with_another_body_is_a_422_and_creates_nothing(consultant_client, world):
    post(consultant_client)
    before = Assessment.objects.count()
    other = post(consultant_client, {**BODY, "category": "personal-care"})
    assert other.status_code == 422 and error_code(other) == "idempotency_key_reused"
    assert Assessment.objects.count() == before


def test_a_key_is_the_users_own(consultant_client, users, world):
    post(consultant_client)
    before = Assessment.objects.count()
    assert post(token_client(users["admin"])).status_code == 201
    assert Assessment.objects.count() == before + 1


def test_without_a_key_each_post_creates(consultant_client, world):
    before = Assessment.objects.count()
    consultant_client.post(ASSESSMENTS, BODY, format="json")
    consultant_client.post(ASSESSMENTS, BODY, format="json")
    assert Assessment.objects.count() == before + 2


def test_a_refused_request_frees_its_key_for_the_corrected_one(consultant_client, world):
    # Nothing was created, so nothing is kept: the same key may carry the corrected body.
    assert post(consultant_client, {"brand": "own-brand"}).status_code == 400
    assert post(consultant_client, {**BODY}).status_code == 201


def test_a_key_whose_first_request_still_runs_is_a_409(
    consultant_client, consultant, world, monkeypatch
):
    monkeypatch.setattr(idempotency, "_fingerprint", lambda request: "this request")
    running = idempotency.Answer("this request", None)  # the first one has not answered yet
    cache.add(idempotency._cache_key(consultant.pk, "key-1"), running, 60)
    before = Assessment.objects.count()
    response = post(consultant_client)
    assert response.status_code == 409 and error_code(response) == "idempotency_key_in_flight"
    assert Assessment.objects.count() == before


def test_a_webhook_create_is_idempotent_too(consultant_client, world):
    body = {"url": "https://hooks.example/r"}
    url = "/api/v1/webhooks/"
    first, again = post(consultant_client, body, url=url), post(consultant_client, body, url=url)
    assert again.json() == first.json() and WebhookEndpoint.objects.filter(**body).count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\tkey"])
def test_an_unusable_key_is_a_400_naming_the_header(consultant_client, world, key):
    response = post(consultant_client, key=key)
    assert response.status_code == 400 and "Idempotency-Key" in fields(response)


# --- ETag and If-None-Match ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "{own_scored}/", "{own_scored}/report/", "?format=json"])
def test_an_unchanged_answer_is_a_304_without_a_body(consultant_client, world, path):
    url = ASSESSMENTS + path.format(**world)
    first = consultant_client.get(url)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    again = consultant_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_write_changes_the_etag(consultant_client, world):
    url = f"{ASSESSMENTS}{world['own_draft']}/"
    etag = consultant_client.get(url)["ETag"]
    consultant_client.patch(url, {"answers": {}, "version": 0}, format="json")
    changed = consultant_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_etag_differs_by_language(consultant_client, world):
    url = f"{ASSESSMENTS}{world['own_scored']}/report/"
    english = consultant_client.get(url)["ETag"]
    chinese = consultant_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans", HTTP_IF_NONE_MATCH=english)
    assert chinese.status_code == 200 and chinese["ETag"] != english
