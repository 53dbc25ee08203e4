"""A brand's actions page: its team adds and changes actions, admins read, filters, queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import actions
from assessments.models import TrackedAction
from assessments.tests.factories import AdminFactory, BrandFactory, consultant_for, manager_of

pytestmark = pytest.mark.django_db
PRACTICE = "messaging-account"


def url(brand, pk=None) -> str:
    return f"/brands/{brand.slug}/actions/" + (f"{pk}/" if pk else "")


def add(brand, user, **fields):
    return actions.action_create(
        brand=brand, user=user, fields={"practice_key": PRACTICE, **fields}
    )


def test_a_manager_adds_an_action_for_a_colleague(client, brand, manager):
    consultant = consultant_for(brand, username="wei")
    client.force_login(manager)
    page = client.get(url(brand) + f"?practice={PRACTICE}").content.decode()
    assert f'<option value="{PRACTICE}" selected>' in page
    response = client.post(
        url(brand),
        {
            "practice_key": PRACTICE,
            "owner": consultant.pk,
            "status": "todo",
            "due_date": "2027-03-01",
        },
    )
    assert response.status_code == 302
    action = TrackedAction.objects.get()
    assert (action.owner, action.created_by, action.due_date) == (
        consultant,
        manager,
        datetime.date(2027, 3, 1),
    )
    assert action.title in client.get(url(brand)).content.decode()


def test_a_bad_date_is_shown_beside_its_field_and_nothing_is_saved(client, brand, manager):
    client.force_login(manager)
    response = client.post(
        url(brand), {"practice_key": PRACTICE, "status": "todo", "due_date": "soon"}
    )
    assert response.status_code == 200
    assert 'id="error-due_date"' in response.content.decode()
    assert not TrackedAction.objects.exists()


def test_a_stale_edit_is_refused_and_the_newer_change_kept(client, brand, manager):
    action = add(brand, manager)
    actions.action_update(
        action=action, user=manager, fields={"notes": "newer"}, expected_version=1
    )
    client.force_login(manager)
    response = client.post(
        url(brand, action.pk),
        {"practice_key": PRACTICE, "status": "doing", "notes": "older", "version": 1},
    )
    assert response.status_code == 200
    assert "Someone saved this action after you opened it" in response.content.decode()
    assert TrackedAction.objects.get().notes == "newer"


def test_an_edit_is_saved_and_shown_in_the_history(client, brand, manager):
    action = add(brand, manager)
    client.force_login(manager)
    client.post(url(brand, action.pk), {"practice_key": PRACTICE, "status": "doing", "version": 1})
    page = client.get(url(brand, action.pk)).content.decode()
    assert "status: todo → doing" in page
    assert manager.username in page


def test_admins_read_a_brands_actions_but_change_nothing(client, brand, manager):
    action = add(brand, manager)
    client.force_login(AdminFactory())
    page = client.get(url(brand)).content.decode()
    assert action.title in page and 'id="new-action"' not in page
    assert '<form method="post"' not in client.get(url(brand, action.pk)).content.decode()
    assert client.post(url(brand), {"practice_key": PRACTICE, "status": "todo"}).status_code == 403
    edit = {"practice_key": PRACTICE, "status": "done", "version": 1}
    assert client.post(url(brand, action.pk), edit).status_code == 403
    assert TrackedAction.objects.get().status == "todo"


def test_nobody_else_sees_a_brands_actions(client, brand, manager):
    action = add(brand, manager)
    client.force_login(manager_of(BrandFactory()))
    assert client.get(url(brand)).status_code == 404
    assert client.get(url(brand, action.pk)).status_code == 404


def test_the_list_filters_by_status_owner_and_overdue(client, brand, manager):
    past = datetime.date.today() - datetime.timedelta(days=3)
    late = add(brand, manager, title="Late one", due_date=past, owner=manager)
    add(brand, manager, title="Done one", due_date=past, status="done")
    add(brand, manager, title="Later one", due_date=datetime.date(2099, 1, 1))
    client.force_login(manager)

    def titles(query: str) -> set[str]:
        page = client.get(url(brand) + query).content.decode()
        return {t for t in ("Late one", "Done one", "Later one") if t in page}

    assert titles("?overdue=on") == {"Late one"}
    assert titles("?status=done") == {"Done one"}
    assert titles(f"?owner={manager.username}") == {"Late one"}
    assert "overdue</span>" in client.get(url(brand)).content.decode()
    assert late.is_overdue(datetime.date.today())


def test_the_list_page_takes_the_same_queries_for_few_or_many_actions(client, brand, manager):
    client.force_login(manager)
    team = [manager, consultant_for(brand)]

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(brand)).status_code == 200
        return len(ctx)

    add(brand, manager, owner=team[0])
    few = queries()
    for i in range(9):
        add(brand, manager, owner=team[i % 2])
    assert queries() == few


def test_the_admin_lists_actions_read_only(client, brand, manager):
    action = add(brand, manager)
    client.force_login(AdminFactory())
    listed = client.get("/admin/assessments/trackedaction/")
    assert listed.status_code == 200 and action.title in listed.content.decode()
    page = client.get(f"/admin/assessments/trackedaction/{action.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    history = client.get(f"/admin/assessments/trackedaction/{action.pk}/history/")
    assert history.status_code == 200
