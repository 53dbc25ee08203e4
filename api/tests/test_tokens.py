"""Token lifecycle: made once for a password, listed without its value, revoked, expired.

Stored as digests: nothing in the database is a usable credential. Revocation and expiry take
effect on the very next request, whether the token's lookup (or the answer) came from the cache.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from api import tokens
from api.models import ApiToken
from api.tests.errors import detail, fields
from api.tests.factories import token_for
from assessments.tests.factories import UserFactory

LOGIN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
CURRENT = f"{TOKENS}current/"
ASSESSMENTS = "/api/v1/assessments/"
QUESTIONNAIRE = "/api/v1/questionnaire/"
PASSWORD = "correct-horse-battery"  # UserFactory's
LISTED = {"id", "name", "prefix", "created_at", "expires_at", "last_used_at"}


def _login(**body):
    return APIClient().post(LOGIN, {"username": "li", "password": PASSWORD, **body}, format="json")


def _client(value: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {value}")


@pytest.fixture
def li(db):
    return UserFactory(username="li")


def test_a_named_token_with_a_lifetime_is_shown_once_and_listed_without_its_value(li):
    made = _login(name="nightly export", expires_in_days=30)
    assert made.status_code == 200
    body = made.json()
    assert body["name"] == "nightly export"
    expires = timezone.datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=29, hours=23) < expires - timezone.now() <= timedelta(days=30)
    listed = _client(body["token"]).get(TOKENS)
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert set(row) == LISTED and row["last_used_at"] is not None  # by this very request
    assert {**row, "last_used_at": None} == {k: v for k, v in body.items() if k in LISTED}
    assert body["token"] not in listed.content.decode()


def test_the_database_holds_no_usable_credential(li):
    value = _login(name="laptop").json()["token"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        columns = [str(column) for row in cursor.fetchall() for column in row]
    assert columns and not [c for c in columns if value in c or (c in value and len(c) > 8)]
    # What is kept, the digest, does not authenticate.
    assert _client(ApiToken.objects.get().digest).get(QUESTIONNAIRE).status_code == 401


@pytest.mark.parametrize(
    "body,field",
    [
        ({"name": "x" * 101}, "name"),
        ({"name": None}, "name"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": "soon"}, "expires_in_days"),
        ({"expires_in_days": tokens.LONGEST_DAYS + 1}, "expires_in_days"),
    ],
)
def test_a_bad_name_or_lifetime_is_a_400_naming_the_field_and_makes_no_token(li, body, field):
    response = _login(**body)
    assert response.status_code == 400 and list(fields(response)) == [field]
    assert not ApiToken.objects.exists()


def test_the_configured_longest_lifetime_is_enforced_and_named(li, settings):
    settings.API_TOKEN_MAX_DAYS = 90
    refused = _login(expires_in_days=91)
    assert refused.status_code == 400
    assert "90" in fields(refused)["expires_in_days"][0]
    # Without a lifetime, the longest one applies (no default set): no token outlives it.
    expires = timezone.datetime.fromisoformat(_login().json()["expires_at"])
    assert timedelta(days=89) < expires - timezone.now() <= timedelta(days=90)


def test_the_configured_default_lifetime_applies_when_none_is_asked_for(li, settings):
    settings.API_TOKEN_DEFAULT_DAYS = 7
    expires = timezone.datetime.fromisoformat(_login().json()["expires_at"])
    assert timedelta(days=6) < expires - timezone.now() <= timedelta(days=7)


def test_an_expired_token_is_a_401_like_an_unknown_one_even_from_the_cache(li, own_brand):
    # The list's answer and the token's lookup are both cached; no write happens at expiry.
    client = _client(token_for(li, expires_at=timezone.now() + timedelta(hours=1)))
    assert [client.get(ASSESSMENTS).status_code for _ in range(2)] == [200, 200]
    later = timezone.now() + timedelta(hours=1, seconds=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        expired = client.get(ASSESSMENTS)
    unknown = _client("0" * 64).get(ASSESSMENTS)
    assert expired.status_code == unknown.status_code == 401
    assert expired.json() == unknown.json() and detail(expired) == "Invalid token."


def test_an_expired_token_stays_listed_until_revoked(li):
    token_for(li, name="expired", expires_at=timezone.now() - timedelta(days=1))
    listed = _client(token_for(li, name="live")).get(TOKENS).json()["results"]
    assert [row["name"] for row in listed] == ["live", "expired"]
    assert listed[1]["expires_at"] is not None


def test_a_lifetime_shortened_in_the_admin_shows_on_the_next_request(li):
    token, value = tokens.token_create(user=li)
    client = _client(value)
    client.get(QUESTIONNAIRE)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert client.get(QUESTIONNAIRE).status_code == 401


def test_a_token_expiring_while_its_lookup_is_cached_is_refused(li):
    client = _client(token_for(li, expires_at=timezone.now() + timedelta(hours=1)))
    assert client.get(QUESTIONNAIRE).status_code == 200  # the lookup is cached now
    later = timezone.now() + timedelta(hours=1, seconds=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        assert client.get(QUESTIONNAIRE).status_code == 401


def test_revoking_a_token_refuses_its_next_request_though_its_lookup_was_cached(li):
    value, other = token_for(li, name="old"), token_for(li, name="new")
    client = _client(value)
    client.get(QUESTIONNAIRE)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(QUESTIONNAIRE).status_code == 200
    assert not [q for q in ctx.captured_queries if "api_apitoken" in q["sql"]]  # cached
    token = ApiToken.objects.get(name="old")
    assert _client(other).delete(f"{TOKENS}{token.pk}/").status_code == 204
    assert client.get(QUESTIONNAIRE).status_code == 401
    assert [row["name"] for row in _client(other).get(TOKENS).json()["results"]] == ["new"]


def test_revoking_the_current_token_is_a_logout(li):
    value, other = token_for(li), token_for(li)
    client = _client(value)
    assert client.get(QUESTIONNAIRE).status_code == 200
    assert client.delete(CURRENT).status_code == 204
    assert client.get(QUESTIONNAIRE).status_code == 401
    assert _client(other).get(QUESTIONNAIRE).status_code == 200


def test_a_session_has_no_current_token_to_revoke(li, client):
    client.force_login(li)
    token_for(li)
    response = client.delete(CURRENT)
    assert response.status_code == 404 and "not made with an API token" in detail(response)
    assert ApiToken.objects.filter(user=li).exists()


def test_another_users_token_is_a_404_and_stays(li):
    theirs = tokens.token_create(user=UserFactory())[0]
    client = _client(token_for(li))
    assert client.delete(f"{TOKENS}{theirs.pk}/").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert [row["id"] for row in client.get(TOKENS).json()["results"]] != [theirs.pk]
    assert len(client.get(TOKENS).json()["results"]) == 1


def test_the_list_pages_like_every_list_and_reads_only_its_parameters(li):
    values = [token_for(li, name=f"t{n}") for n in range(3)]
    client = _client(values[0])
    page = client.get(TOKENS, {"page_size": 2})
    assert page.json()["count"] == 3 and len(page.json()["results"]) == 2
    assert 'rel="next"' in page["Link"]
    assert [row["name"] for row in page.json()["results"]] == ["t2", "t1"]  # newest first
    unknown = client.get(TOKENS, {"name": "t1"})
    assert unknown.status_code == 400 and list(fields(unknown)) == ["name"]


def test_an_authenticated_request_costs_the_same_queries_however_many_tokens(li):
    def cost(value: str) -> int:
        client = _client(value)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(QUESTIONNAIRE).status_code == 200
        return len(ctx)

    uncached_one = cost(token_for(li))
    for n in range(20):
        token_for(li, name=f"spare {n}")
    assert cost(token_for(li)) == uncached_one
    # The lookup itself: one query for token and user, one write of its first use.
    value = token_for(li)
    with CaptureQueriesContext(connection) as ctx:
        _client(value).get(QUESTIONNAIRE)
    assert len([q for q in ctx.captured_queries if "api_apitoken" in q["sql"]]) == 2


def test_last_used_is_written_at_most_once_a_minute(li):
    token, value = tokens.token_create(user=li)
    client = _client(value)
    client.get(QUESTIONNAIRE)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            client.get(QUESTIONNAIRE)
        assert not [q for q in ctx.captured_queries if "api_apitoken" in q["sql"]]
    token.refresh_from_db()
    assert token.last_used_at == first
    later = timezone.now() + timedelta(minutes=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        client.get(QUESTIONNAIRE)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_the_migration_hashes_drf_tokens_which_keep_working_and_drops_their_table(li):
    # DRF's table as rest_framework.authtoken made it, holding a consultant's plain-text key.
    from importlib import import_module

    from django.apps import apps

    migration = import_module("api.migrations.0005_api_token_from_drf_tokens")
    key = "a3f9" * 10
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id integer NOT NULL UNIQUE)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)", [key, timezone.now(), li.pk]
        )
    # What of a schema editor the migration uses (SQLite's own refuses to open in a transaction).
    editor = SimpleNamespace(
        connection=connection, execute=lambda sql: connection.cursor().execute(sql)
    )
    migration.hash_drf_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=li)
    assert token.digest == tokens.digest(key) and token.prefix == key[:8]
    assert _client(key).get(QUESTIONNAIRE).status_code == 200


def test_in_redis_the_lookup_is_named_by_digest_and_a_revoke_refuses_the_next_request(
    redis_cache, li
):
    from django_redis import get_redis_connection

    value = token_for(li)
    client = _client(value)
    assert client.get(QUESTIONNAIRE).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(QUESTIONNAIRE).status_code == 200
    assert not [q for q in ctx.captured_queries if "api_apitoken" in q["sql"]]  # from Redis
    assert redis_cache.get(tokens.cache_key(tokens.digest(value))) is not None
    raw = get_redis_connection("default")  # every key and value, as a dump of Redis would hold
    stored = [(key, raw.get(key) or b"") for key in raw.keys("*")]
    assert stored and not [key for key, body in stored if value.encode() in key + body]
    assert client.delete(CURRENT).status_code == 204
    assert client.get(QUESTIONNAIRE).status_code == 401
