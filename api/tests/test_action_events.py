"""The action.updated webhook event: each change of an action, to those who may see its brand."""

from __future__ import annotations

import json

from api.models import WebhookDelivery
from api.tests import test_webhooks
from api.tests.test_webhooks import endpoint_for
from assessments.tests.factories import AdminFactory, UserFactory, consultant_for

ACTIONS = "/api/v1/actions/"
# The webhook tests' fake receiver: requests.post answering 200, names resolving publicly.
http = test_webhooks.http


def test_each_change_of_an_action_is_one_event_to_those_who_may_see_the_brand(
    clients,
    consultant,
    foreign_brand,
    http,
    django_capture_on_commit_callbacks,
):
    mine, admins = endpoint_for(consultant), endpoint_for(AdminFactory())
    endpoint_for(consultant_for(foreign_brand))
    endpoint_for(UserFactory())
    client = clients["manager"]
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            ACTIONS,
            {"brand": "own-brand", "practice_key": "messaging-account"},
            format="json",
        ).json()
    with django_capture_on_commit_callbacks(execute=True):
        client.patch(f"{ACTIONS}{created['id']}/", {"status": "doing"}, format="json")
    deliveries = WebhookDelivery.objects.filter(event="action.updated")
    assert {(d.endpoint_id, d.status) for d in deliveries} == {
        (mine.pk, "succeeded"),
        (admins.pk, "succeeded"),
    }
    assert deliveries.count() == 4  # two changes, two endpoints
    last = json.loads(http.call_args.kwargs["data"])
    assert http.call_args.kwargs["headers"]["X-Readiness-Event"] == "action.updated"
    assert last["data"]["action_id"] == created["id"]
    assert last["data"]["change"]["changes"] == {"status": {"from": "todo", "to": "doing"}}
    assert last["data"]["change"]["by"] == "the-manager"


def test_announcing_a_change_twice_makes_one_delivery(clients, consultant, http):
    from api.action_events import deliveries_create_for_action
    from assessments.models import TrackedAction

    endpoint_for(consultant)
    created = clients["manager"].post(
        ACTIONS, {"brand": "own-brand", "practice_key": "messaging-account"}, format="json"
    )
    action = TrackedAction.objects.get(pk=created.json()["id"])
    change_id = action.history.latest("history_id").history_id
    # The change made its delivery in its own transaction; announcing it again makes none.
    assert WebhookDelivery.objects.filter(subject_id=change_id).count() == 1
    again = deliveries_create_for_action(action_id=action.pk, change_id=change_id)
    assert again == []
    assert WebhookDelivery.objects.filter(subject_id=change_id).count() == 1
