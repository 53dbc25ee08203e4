"""/api/v1/actions/: tracked actions, their rules, history, filters and query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.tests.conftest import ROLES, token_client
from api.tests.errors import error_code, fields
from assessments.models import TrackedAction
from assessments.tests.factories import UserFactory, consultant_for, manager_of

ACTIONS = "/api/v1/actions/"
PRACTICE = "messaging-account"


@pytest.fixture
def manager_client(clients):
    return clients["manager"]


def create(client, **fields):
    return client.post(
        ACTIONS, {"brand": "own-brand", "practice_key": PRACTICE, **fields}, format="json"
    )


def test_a_manager_turns_a_practice_into_an_action(manager_client, users):
    response = create(manager_client, owner="the-consultant", due_date="2027-01-31")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["title"].startswith("An active brand account")  # the practice's title
    assert (data["status"], data["version"], data["owner"]) == ("todo", 1, "the-consultant")
    assert (data["due_date"], data["created_by"]) == ("2027-01-31", "the-manager")
    detail = manager_client.get(f"{ACTIONS}{data['id']}/").json()
    assert [change["type"] for change in detail["history"]] == ["created"]
    assert detail["history"][0]["by"] == "the-manager"


def test_a_change_is_kept_in_the_history_with_who_and_what(manager_client, consultant_client):
    action_id = create(manager_client).json()["id"]
    response = consultant_client.patch(
        f"{ACTIONS}{action_id}/",
        {"status": "doing", "notes": "Agency briefed", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    last = manager_client.get(f"{ACTIONS}{action_id}/").json()["history"][-1]
    assert last["by"] == "the-consultant" and last["type"] == "changed"
    assert last["changes"] == {
        "status": {"from": "todo", "to": "doing"},
        "notes": {"from": "", "to": "Agency briefed"},
    }


def test_marking_an_action_done_records_when(manager_client):
    action_id = create(manager_client).json()["id"]
    done = manager_client.patch(f"{ACTIONS}{action_id}/", {"status": "done"}, format="json").json()
    assert done["done_at"] is not None
    reopened = manager_client.patch(f"{ACTIONS}{action_id}/", {"status": "doing"}, format="json")
    assert reopened.json()["done_at"] is None


def test_a_stale_version_is_a_409_and_changes_nothing(manager_client, consultant_client):
    action_id = create(manager_client).json()["id"]
    manager_client.patch(f"{ACTIONS}{action_id}/", {"notes": "first", "version": 1}, format="json")
    response = consultant_client.patch(
        f"{ACTIONS}{action_id}/", {"notes": "second", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert error_code(response) == "stale_version"
    assert response.json()["current_version"] == 2
    assert TrackedAction.objects.get(pk=action_id).notes == "first"


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"owner": "the-outsider"}, "owner"),
        ({"owner": "nobody-by-this-name"}, "owner"),
        ({"due_date": "next tuesday"}, "due_date"),
        ({"due_date": "2027-02-30"}, "due_date"),
        ({"status": "finished"}, "status"),
        ({"practice_key": "no-such-practice"}, "practice_key"),
        ({"version": 3, "brand": "own-brand"}, "version"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(manager_client, users, given, field):
    response = create(manager_client, **given)
    assert response.status_code == 400
    assert field in fields(response)
    assert not TrackedAction.objects.exists()


def test_a_bad_change_saves_nothing(manager_client):
    action_id = create(manager_client, notes="kept").json()["id"]
    response = manager_client.patch(
        f"{ACTIONS}{action_id}/", {"notes": "lost", "owner": "the-outsider"}, format="json"
    )
    assert response.status_code == 400 and "owner" in fields(response)
    action = TrackedAction.objects.get(pk=action_id)
    assert (action.notes, action.version, action.history.count()) == ("kept", 1, 1)


def test_admins_read_every_action_but_change_none(manager_client, admin_client):
    action_id = create(manager_client).json()["id"]
    assert admin_client.get(f"{ACTIONS}{action_id}/").status_code == 200
    assert (
        admin_client.patch(f"{ACTIONS}{action_id}/", {"notes": "x"}, format="json").status_code
        == 403
    )
    assert create(admin_client).status_code == 403
    assert admin_client.delete(f"{ACTIONS}{action_id}/").status_code == 403
    assert TrackedAction.objects.filter(pk=action_id).exists()


def test_the_list_filters_by_status_owner_overdue_and_brand(manager_client, users):
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    late = create(manager_client, due_date=yesterday, owner="the-consultant").json()["id"]
    done_late = create(manager_client, due_date=yesterday, status="done").json()["id"]
    later = create(manager_client, due_date="2099-01-01").json()["id"]

    def ids(query: str) -> set[int]:
        response = manager_client.get(ACTIONS + query)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("?overdue=true") == {late}
    assert ids("?overdue=false") == {done_late, later}
    assert ids("?status=done") == {done_late}
    assert ids("?owner=the-consultant") == {late}
    assert ids("?brand=foreign-brand") == set()
    assert ids("?overdue=1") == {late} and ids("?overdue=0") == {done_late, later}
    row = manager_client.get(f"{ACTIONS}?overdue=true").json()["results"][0]
    assert row["overdue"] is True


@pytest.mark.parametrize("value", ["yes", "-1", "1.0", "-2957480233723.0"])
def test_overdue_other_than_true_or_false_is_a_400_naming_it(manager_client, value):
    # Found by schemathesis: Django's select widget read any of these as "no filter".
    response = manager_client.get(ACTIONS, {"overdue": value})
    assert response.status_code == 400
    assert "overdue" in fields(response)


def test_the_list_takes_the_same_queries_for_few_or_many_actions(own_brand, users):
    manager = users["manager"]
    owners = [manager_of(own_brand), consultant_for(own_brand)]
    client = token_client(manager)
    client.get(ACTIONS)  # the token, once

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(ACTIONS).status_code == 200
        return len(ctx)

    for i in range(2):
        create(client, owner=owners[i % 2].username)
    few = queries()
    for i in range(8):
        create(client, owner=owners[i % 2].username)
    assert queries() == few


def test_the_detail_reads_its_history_in_a_fixed_number_of_queries(manager_client, users):
    action_id = create(manager_client, owner="the-consultant").json()["id"]
    url = f"{ACTIONS}{action_id}/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert manager_client.get(url).status_code == 200
        return len(ctx)

    short = queries()
    for owner in ["the-manager", "the-consultant", None, "the-manager"]:
        manager_client.patch(url, {"owner": owner}, format="json")
    assert queries() == short


def test_deleting_an_action_keeps_its_history(manager_client):
    action_id = create(manager_client).json()["id"]
    assert manager_client.delete(f"{ACTIONS}{action_id}/").status_code == 204
    assert not TrackedAction.objects.filter(pk=action_id).exists()
    assert TrackedAction.history.filter(id=action_id, history_type="-").exists()


def test_someone_who_cannot_see_the_brand_cannot_be_made_owner_even_as_a_user(own_brand, users):
    stranger = UserFactory(username="stranger")
    client = token_client(users["manager"])
    assert fields(create(client, owner=stranger.username)) == {
        "owner": ["The owner must be someone who can see this brand."]
    }


# --- the access matrix for actions (see test_access.py for the roles) ------------------------

OWN = (200, 200, 200, 404, 401)
FOREIGN = (200, 404, 404, 404, 401)
NEW = {"practice_key": PRACTICE}
ACTION_MATRIX = [
    ("get", ACTIONS, None, (200, 200, 200, 200, 401)),
    ("get", ACTIONS + "{own}/", None, OWN),
    ("get", ACTIONS + "{foreign}/", None, FOREIGN),
    ("patch", ACTIONS + "{own}/", {"notes": "n"}, (403, 200, 200, 404, 401)),
    ("patch", ACTIONS + "{foreign}/", {"notes": "n"}, (403, 404, 404, 404, 401)),
    ("post", ACTIONS, {"brand": "own-brand", **NEW}, (403, 201, 201, 400, 401)),
    ("post", ACTIONS, {"brand": "foreign-brand", **NEW}, (403, 400, 400, 400, 401)),
    ("delete", ACTIONS + "{foreign}/", None, (403, 404, 404, 404, 401)),
    ("delete", ACTIONS + "{own}/", None, (403, 204, 204, 404, 401)),
]


@pytest.fixture
def two_actions(own_brand, foreign_brand, users) -> dict[str, int]:
    from assessments.actions import action_create

    foreign_manager = manager_of(foreign_brand)
    own = action_create(brand=own_brand, user=users["manager"], fields={"practice_key": PRACTICE})
    foreign = action_create(brand=foreign_brand, user=foreign_manager, fields=NEW)
    return {"own": own.pk, "foreign": foreign.pk}


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
@pytest.mark.parametrize(
    "method,path,body,expected", ACTION_MATRIX, ids=[f"{m} {p}" for m, p, *_ in ACTION_MATRIX]
)
def test_each_role_gets_exactly_the_actions_it_may_see_or_change(
    two_actions, clients, role_index, role, method, path, body, expected
):
    response = getattr(clients[role], method)(path.format(**two_actions), body, format="json")
    assert response.status_code == expected[role_index], response.content[:300]


@pytest.mark.parametrize("role", ["admin", "consultant", "manager", "outsider"])
def test_an_action_list_never_holds_another_brands_action(two_actions, clients, role):
    listed = {row["id"] for row in clients[role].get(ACTIONS).json()["results"]}
    allowed = {
        "admin": set(two_actions.values()),
        "consultant": {two_actions["own"]},
        "manager": {two_actions["own"]},
        "outsider": set(),
    }
    assert listed == allowed[role]
