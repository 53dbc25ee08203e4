"""Tokens: issued for a username and password, throttled, locked out after repeated failures."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from api import tokens
from api.models import ApiToken
from api.tests.errors import detail
from assessments.tests.factories import UserFactory

TOKEN = "/api/v1/auth/token/"
ASSESSMENTS = "/api/v1/assessments/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def user(db):
    return UserFactory(username="li")


@pytest.fixture
def lockout_after_3(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 2


def _login(username: str, password: str, address: str = "10.0.0.1", forwarded_for: str = ""):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return APIClient(REMOTE_ADDR=address, **headers).post(
        TOKEN, {"username": username, "password": password}, format="json"
    )


def test_a_username_and_password_get_a_new_token_of_the_user(user):
    response = _login("li", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    token = ApiToken.objects.get(user=user)
    assert tokens.digest(body["token"]) == token.digest
    assert body["id"] == token.pk and body["prefix"] == body["token"][:8]
    assert body["name"] == "" and body["expires_at"] is None
    # Each login makes its own token: the first one keeps working beside it.
    assert _login("li", PASSWORD).json()["token"] != body["token"]
    assert ApiToken.objects.filter(user=user).count() == 2


def test_the_token_authenticates_api_calls(user):
    token = _login("li", PASSWORD).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/assessments/").status_code == 200


def test_a_wrong_password_is_a_401_with_a_message(user):
    response = _login("li", "wrong")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert "Unable to log in" in detail(response)


def test_repeated_failures_lock_the_username_at_that_address_with_a_json_message(
    user, lockout_after_3
):
    for _ in range(2):
        assert _login("li", "wrong").status_code == 401
    locked = _login("li", "wrong")
    assert locked.status_code == 429
    assert "locked for 120 minutes" in detail(locked)
    assert locked["Retry-After"] == str(2 * 3600)
    # Even the right password is refused while locked.
    assert _login("li", PASSWORD).status_code == 429


def test_a_lockout_holds_for_that_username_and_address_only(user, lockout_after_3):
    UserFactory(username="wu")
    for _ in range(3):
        _login("li", "wrong")
    assert _login("li", PASSWORD, address="10.0.0.2").status_code == 200
    assert _login("wu", PASSWORD).status_code == 200


def test_the_web_login_is_locked_out_too(user, lockout_after_3, client):
    for _ in range(3):
        client.post("/login/", {"username": "li", "password": "wrong"})
    response = client.post("/login/", {"username": "li", "password": PASSWORD})
    assert response.status_code == 429


def test_the_token_endpoint_is_throttled(user, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "token", "2/minute")
    assert _login("li", PASSWORD).status_code == 200
    assert _login("li", PASSWORD).status_code == 200
    throttled = _login("li", PASSWORD)
    assert throttled.status_code == 429
    assert "throttled" in detail(throttled).lower()


def test_a_client_cannot_dodge_the_token_throttle_by_writing_x_forwarded_for(user, monkeypatch):
    # No proxy is trusted by default: the header is the client's own word.
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "token", "2/minute")
    for n in range(2):
        assert _login("li", PASSWORD, forwarded_for=f"198.51.100.{n}").status_code == 200
    assert _login("li", PASSWORD, forwarded_for="198.51.100.9").status_code == 429


@pytest.fixture
def behind_one_proxy(settings, lockout_after_3):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def test_behind_a_trusted_proxy_each_client_is_locked_out_on_its_own_address(
    user, behind_one_proxy
):
    proxy = "10.0.0.9"
    for _ in range(3):  # the proxy appends the real client, 203.0.113.7, after what it wrote
        _login("li", "wrong", address=proxy, forwarded_for="192.0.2.1, 203.0.113.7")
    assert _login("li", PASSWORD, address=proxy, forwarded_for="203.0.113.7").status_code == 429
    spoofed = "203.0.113.50, 203.0.113.7"  # what the client writes first changes nothing
    assert _login("li", PASSWORD, address=proxy, forwarded_for=spoofed).status_code == 429
    # Another client through the same proxy is not locked out with it.
    assert _login("li", PASSWORD, address=proxy, forwarded_for="198.51.100.4").status_code == 200


def test_anonymous_calls_are_401_with_a_token_challenge(db):
    response = APIClient().get("/api/v1/questionnaire/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# --- Known tokens come from the cache (api/authentication.py), never a stale one ---------------

QUESTIONNAIRE = "/api/v1/questionnaire/"


def _known(client) -> None:
    """Two requests: the second one is served with the token read from the cache."""
    assert client.get(QUESTIONNAIRE).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(QUESTIONNAIRE).status_code == 200
    assert not [q for q in ctx.captured_queries if "api_apitoken" in q["sql"]]


def test_a_deleted_token_is_refused_on_the_next_request(clients, users):
    _known(clients["consultant"])
    ApiToken.objects.filter(user=users["consultant"]).delete()
    assert clients["consultant"].get(QUESTIONNAIRE).status_code == 401


def test_a_deactivated_user_is_refused_on_the_next_request(clients, users):
    _known(clients["consultant"])
    users["consultant"].is_active = False
    users["consultant"].save()
    assert clients["consultant"].get(QUESTIONNAIRE).status_code == 401


def test_staff_status_taken_away_shows_on_the_next_request(clients, users, world):
    admin = clients["admin"]
    _known(admin)
    everything = admin.get(ASSESSMENTS).json()["count"]
    users["admin"].is_staff = False
    users["admin"].save()
    assert admin.get(ASSESSMENTS).json()["count"] < everything


def test_an_unknown_token_is_refused_every_time(db):
    client = APIClient(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert [client.get(QUESTIONNAIRE).status_code for _ in range(2)] == [401, 401]
