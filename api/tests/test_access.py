"""The authorization matrix: every role against every endpoint and method, own and foreign ids.

Roles: an admin (sees every brand), a consultant and a brand manager of own_brand, an outsider
(signed in, no brand) and an anonymous client. Foreign ids answer 404, never 403, so that an id's
existence does not leak; a brand the caller does not serve, named in a body, is a field error.
"""

from __future__ import annotations

import pytest

from api import tokens
from api.models import WebhookEndpoint
from api.tests.conftest import ROLES
from assessments.models import Assessment

ASSESSMENTS = "/api/v1/assessments/"
WEBHOOKS = "/api/v1/webhooks/"
TOKENS = "/api/v1/auth/tokens/"
ALL = (200, 200, 200, 200, 401)
OWN = (200, 200, 200, 404, 401)
FOREIGN = (200, 404, 404, 404, 401)
MINE = (200, 200, 200, 200, 401)
THEIRS = (404, 404, 404, 404, 401)
NEW_DRAFT = {"category": "beauty", "answers": {}, "submit": False}

# (method, path, body, expected status for admin, consultant, manager, outsider, anonymous)
MATRIX = [
    ("get", "/api/v1/questionnaire/", None, ALL),
    ("get", "/api/v1/benchmark/", None, ALL),
    ("get", ASSESSMENTS, None, ALL),
    ("get", ASSESSMENTS + "?format=csv", None, ALL),
    ("get", ASSESSMENTS + "?brand=foreign-brand", None, ALL),
    ("get", ASSESSMENTS + "{own_scored}/", None, OWN),
    ("get", ASSESSMENTS + "{foreign_scored}/", None, FOREIGN),
    ("get", ASSESSMENTS + "{own_draft}/", None, OWN),
    ("get", ASSESSMENTS + "{foreign_draft}/", None, FOREIGN),
    ("get", ASSESSMENTS + "{own_scored}/report/", None, OWN),
    ("get", ASSESSMENTS + "{foreign_scored}/report/", None, FOREIGN),
    ("get", ASSESSMENTS + "{own_scored}/report/?format=csv", None, OWN),
    ("get", ASSESSMENTS + "{foreign_scored}/report/?format=csv", None, FOREIGN),
    ("get", ASSESSMENTS + "{own_scored}/plan/", None, OWN),
    ("get", ASSESSMENTS + "{foreign_scored}/plan/", None, FOREIGN),
    ("get", ASSESSMENTS + "{own_scored}/plan/?target=leader", None, OWN),
    ("get", ASSESSMENTS + "{foreign_draft}/plan/", None, (400, 404, 404, 404, 401)),
    ("patch", ASSESSMENTS + "{own_draft}/", {"answers": {}, "version": 0}, OWN),
    ("patch", ASSESSMENTS + "{foreign_draft}/", {"answers": {}, "version": 0}, FOREIGN),
    ("post", ASSESSMENTS, {"brand": "own-brand", **NEW_DRAFT}, (201, 201, 201, 400, 401)),
    ("post", ASSESSMENTS, {"brand": "foreign-brand", **NEW_DRAFT}, (201, 400, 400, 400, 401)),
    ("get", WEBHOOKS, None, ALL),
    ("post", WEBHOOKS, {"url": "https://mine.example/hook"}, (201, 201, 201, 201, 401)),
    ("get", WEBHOOKS + "{mine}/", None, MINE),
    ("get", WEBHOOKS + "{theirs}/", None, THEIRS),
    ("patch", WEBHOOKS + "{mine}/", {"description": "ours"}, MINE),
    ("patch", WEBHOOKS + "{theirs}/", {"description": "ours"}, THEIRS),
    ("get", WEBHOOKS + "{mine}/deliveries/", None, MINE),
    ("get", WEBHOOKS + "{theirs}/deliveries/", None, THEIRS),
    ("delete", WEBHOOKS + "{mine}/", None, (204, 204, 204, 204, 401)),
    ("delete", WEBHOOKS + "{theirs}/", None, THEIRS),
    ("get", TOKENS, None, ALL),
    ("delete", TOKENS + "{my_token}/", None, (204, 204, 204, 204, 401)),
    ("delete", TOKENS + "{their_token}/", None, THEIRS),
    ("delete", TOKENS + "current/", None, (204, 204, 204, 204, 401)),
]


def _ids(world: dict, user) -> dict:
    owner = user if user is not None else None
    mine = (
        WebhookEndpoint.objects.create(owner=owner, url="https://mine.example/hook").pk
        if owner
        else world["theirs"]
    )
    # A spare token of the caller's (not the one the client sends), and another user's.
    theirs = tokens.token_create(user=WebhookEndpoint.objects.get(pk=world["theirs"]).owner)[0].pk
    my_token = tokens.token_create(user=owner)[0].pk if owner else theirs
    return {**world, "mine": mine, "my_token": my_token, "their_token": theirs}


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
@pytest.mark.parametrize(
    "method,path,body,expected", MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX]
)
def test_each_role_gets_exactly_what_it_may_see(
    world, users, clients, role_index, role, method, path, body, expected
):
    url = path.format(**_ids(world, users[role]))
    response = getattr(clients[role], method)(url, body, format="json")
    assert response.status_code == expected[role_index], response.content[:300]


VISIBLE = {
    "admin": {"own_draft", "own_scored", "foreign_draft", "foreign_scored"},
    "consultant": {"own_draft", "own_scored"},
    "manager": {"own_draft", "own_scored"},
    "outsider": set(),
}


@pytest.mark.parametrize("role", VISIBLE)
@pytest.mark.parametrize(
    "query", ["", "?brand=foreign-brand", "?status=scored", "?ordering=-readiness_index"]
)
def test_a_list_never_holds_a_row_of_a_brand_the_caller_does_not_serve(world, clients, role, query):
    response = clients[role].get(ASSESSMENTS + query)
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    allowed = {world[name] for name in VISIBLE[role]}
    assert listed <= allowed
    if not query:
        assert listed == allowed


@pytest.mark.parametrize("role", VISIBLE)
def test_the_csv_list_holds_only_visible_rows(world, clients, role):
    response = clients[role].get(ASSESSMENTS + "?format=csv")
    body = b"".join(response.streaming_content).decode()
    ids = {int(line.split(",")[0]) for line in body.splitlines()[1:]}
    assert ids == {world[name] for name in VISIBLE[role]}


def test_the_webhook_list_holds_only_the_callers_endpoints(world, clients, users):
    mine = WebhookEndpoint.objects.create(owner=users["admin"], url="https://a.example/")
    rows = clients["admin"].get(WEBHOOKS).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]


def test_a_foreign_draft_is_not_changed_by_a_refused_patch(world, consultant_client):
    before = Assessment.objects.get(pk=world["foreign_draft"]).version
    consultant_client.patch(
        f"{ASSESSMENTS}{world['foreign_draft']}/", {"submit": True}, format="json"
    )
    assert Assessment.objects.get(pk=world["foreign_draft"]).version == before


def test_a_bad_token_is_refused_with_401(db):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(ASSESSMENTS).status_code == 401
