"""The per-user throttle: a fixed-window counter per user, rate from API_USER_THROTTLE_RATE."""

from __future__ import annotations

import pytest

from api.tests.errors import detail
from api.throttling import FixedWindowUserThrottle

QUESTIONNAIRE = "/api/v1/questionnaire/"


@pytest.fixture(params=["Redis", "local memory"])
def three_a_minute(request, monkeypatch):
    # Both caches: Redis (production) and local memory (the embedded default).
    if request.param == "Redis":
        request.getfixturevalue("redis_cache")
    clock = {"now": 60_000.0 + 15}  # 15 s into a window
    monkeypatch.setitem(FixedWindowUserThrottle.THROTTLE_RATES, "user", "3/minute")
    monkeypatch.setattr(FixedWindowUserThrottle, "timer", lambda self: clock["now"])
    return clock


def test_the_rate_is_enforced_with_a_json_429_and_the_seconds_left(clients, three_a_minute):
    client = clients["consultant"]
    assert [client.get(QUESTIONNAIRE).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(QUESTIONNAIRE)
    assert refused.status_code == 429
    assert "throttled" in detail(refused).lower()
    assert refused["Retry-After"] == "45"  # the window ends 45 s later


def test_the_next_window_starts_again(clients, three_a_minute):
    client = clients["consultant"]
    for _ in range(4):
        client.get(QUESTIONNAIRE)
    three_a_minute["now"] += 45
    assert client.get(QUESTIONNAIRE).status_code == 200


def test_counters_are_per_user(clients, three_a_minute):
    for _ in range(4):
        clients["consultant"].get(QUESTIONNAIRE)
    assert clients["consultant"].get(QUESTIONNAIRE).status_code == 429
    assert clients["manager"].get(QUESTIONNAIRE).status_code == 200
