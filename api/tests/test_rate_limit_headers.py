"""RateLimit-Limit, -Remaining and -Reset (the IETF draft's names) on every API answer: built or
cached, refused or not, and left out rather than guessed while Redis is unreachable (issue 16)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from api.tests import test_error_format
from api.tests.test_redis_outage import stopped_redis  # noqa: F401  # a fixture
from api.throttling import FailOpenScopedRateThrottle, FixedWindowUserThrottle

ASSESSMENTS = "/api/v1/assessments/"
QUESTIONNAIRE = "/api/v1/questionnaire/"
HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
# The requests test_error_format sends for every error status (400 to 415), one each.
[ERRORS] = [
    mark.args[1]
    for mark in test_error_format.test_every_error_status_answers_in_the_one_format.pytestmark
    if mark.name == "parametrize"
]


@pytest.fixture
def three_a_minute(monkeypatch):
    clock = {"now": 60_000.0 + 15}  # 15 s into a window
    monkeypatch.setitem(FixedWindowUserThrottle.THROTTLE_RATES, "user", "3/minute")
    monkeypatch.setattr(FixedWindowUserThrottle, "timer", lambda self: clock["now"])
    return clock


def limits(response) -> tuple[int, int, int]:
    return tuple(int(response[name]) for name in HEADERS)  # type: ignore[return-value]


def test_each_answer_says_the_limit_what_is_left_and_when_it_resets(clients, three_a_minute):
    client = clients["consultant"]
    answers = [client.get(QUESTIONNAIRE) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [limits(a) for a in answers] == [(3, 2, 45), (3, 1, 45), (3, 0, 45), (3, 0, 45)]
    # The 429 says when to come back twice, in the same words.
    assert answers[-1]["Retry-After"] == answers[-1]["RateLimit-Reset"] == "45"
    three_a_minute["now"] += 45  # the next window
    assert limits(client.get(QUESTIONNAIRE)) == (3, 2, 60)


@pytest.mark.parametrize("path", ["", "{id}/report/", "{id}/report/?format=csv"])
def test_cached_answers_are_counted_and_say_so_like_built_ones(
    consultant_client, own_brand, make_scored, three_a_minute, path
):
    url = ASSESSMENTS + path.format(id=make_scored(own_brand).pk)
    built = consultant_client.get(url)
    hit = consultant_client.get(url)
    # The second is the cached answer (same bytes), yet it counted and says what is left.
    assert hit.content == built.content
    assert [limits(built)[1], limits(hit)[1]] == [2, 1]
    consultant_client.get(url)
    refused = consultant_client.get(url)
    assert refused.status_code == 429 and limits(refused)[1] == 0


def test_a_cached_answer_keeps_no_count_of_the_request_that_built_it(
    consultant_client, own_brand, make_scored, three_a_minute
):
    from api import cache

    url = f"{ASSESSMENTS}{make_scored(own_brand).pk}/report/"
    consultant_client.get(url)
    # Local memory, the tests' cache, keeps pickled values: the entry holds its headers' names.
    entries = [v for v in cache.cache._cache.values() if b"Content-Language" in v]
    assert len(entries) == 1 and b"RateLimit" not in entries[0]


def test_a_304_says_where_the_caller_stands_too(consultant_client, own_brand, make_scored):
    url = f"{ASSESSMENTS}{make_scored(own_brand).pk}/report/"
    etag = consultant_client.get(url)["ETag"]
    again = consultant_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert limits(again)[0] == 2000 and limits(again)[1] < 2000


@pytest.mark.parametrize(
    ("path", "status"),
    [(ASSESSMENTS, 401), ("/api/v1/nothing-here/", 404), ("/api/v1/assessments", 404)],
)
def test_answers_refused_before_the_view_are_counted_by_address(db, three_a_minute, path, status):
    client = APIClient(REMOTE_ADDR="10.0.0.9")
    first, second = client.get(path), client.get(path)
    assert first.status_code == second.status_code == status
    assert [limits(first), limits(second)] == [(3, 2, 45), (3, 1, 45)]


@pytest.mark.parametrize(("status", "send"), ERRORS)
def test_every_error_status_says_where_the_caller_stands(consultant_client, world, status, send):
    consultant_client.draft = world["own_draft"]
    response = send(consultant_client)
    assert response.status_code == status
    assert all(int(response[name]) >= 0 for name in HEADERS)


def test_a_bad_token_is_counted_by_address(db, three_a_minute):
    client = APIClient(REMOTE_ADDR="10.0.0.9", HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(ASSESSMENTS).status_code == 401
    assert limits(client.get(QUESTIONNAIRE)) == (3, 1, 45)


def test_a_406_comes_before_authentication_so_it_counts_against_the_address(
    consultant_client, three_a_minute
):
    # DRF negotiates the media type before it reads the token.
    refused = consultant_client.get(QUESTIONNAIRE, HTTP_ACCEPT="application/xml")
    assert refused.status_code == 406 and limits(refused) == (3, 2, 45)
    assert limits(consultant_client.get(QUESTIONNAIRE)) == (3, 2, 45)  # the user's own count


def test_the_token_endpoint_states_its_own_tighter_limit(db, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "token", "2/minute")
    clock = {"now": 1_000.0}
    monkeypatch.setattr(FailOpenScopedRateThrottle, "timer", lambda self: clock["now"])
    client = APIClient(REMOTE_ADDR="10.0.0.7")
    body = {"username": "nobody", "password": "wrong"}
    first = client.post("/api/v1/auth/token/", body, format="json")
    clock["now"] += 20
    second = client.post("/api/v1/auth/token/", body, format="json")
    clock["now"] += 10
    refused = client.post("/api/v1/auth/token/", body, format="json")
    assert [first.status_code, second.status_code, refused.status_code] == [401, 401, 429]
    # The window slides: one more is allowed once the first request is a minute old.
    assert [limits(first), limits(second), limits(refused)] == [(2, 1, 60), (2, 0, 40), (2, 0, 30)]
    assert refused["Retry-After"] == refused["RateLimit-Reset"]


def test_with_redis_unreachable_the_headers_are_left_out_not_guessed(
    stopped_redis,  # noqa: F811
    consultant_client,
):
    answer = consultant_client.get(ASSESSMENTS)
    assert answer.status_code == 200
    assert not [name for name in HEADERS if name in answer]
    # Nor on an answer refused before the view: no count there either.
    assert not [name for name in HEADERS if name in APIClient().get(ASSESSMENTS)]


def test_pages_outside_the_api_carry_none(client, db):
    assert "RateLimit-Limit" not in client.get("/login/")
