"""GET /api/v1/assessments/{id}/plan/: the least-effort plan to a target tier or index."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.tests.errors import fields
from assessments.models import Assessment

ASSESSMENTS = "/api/v1/assessments/"
ACTION_FIELDS = {
    *("practice_key", "pillar_key", "title", "text", "from_adoption", "to_adoption"),
    *("gain", "effort", "effort_label", "share", "basis", "evidence"),
}


def plan_of(client, pk: int, query: str = ""):
    return client.get(f"{ASSESSMENTS}{pk}/plan/{query}")


def test_the_plan_defaults_to_the_next_tier(consultant_client, own_brand, make_scored):
    scored = make_scored(own_brand, 0.3)  # Lagging
    data = plan_of(consultant_client, scored.pk).json()
    assert (data["target"], data["target_index"], data["reachable"]) == ("developing", 70, True)
    assert data["current_index"] == pytest.approx(scored.result.readiness_index)
    assert data["projected_index"] >= 70
    assert data["total_effort"] == sum(action["effort"] for action in data["actions"])
    first = data["actions"][0]
    assert set(first) == ACTION_FIELDS
    assert first["to_adoption"] == 1.0 and first["from_adoption"] < 1.0
    assert first["evidence"][0]["publisher"]
    gains = [action["gain"] for action in data["actions"]]
    assert gains == sorted(gains, reverse=True)


def test_a_higher_target_costs_more_and_an_index_works_like_a_tier(
    consultant_client, own_brand, make_scored
):
    scored = make_scored(own_brand, 0.3)
    developing = plan_of(consultant_client, scored.pk, "?target=developing").json()
    leader = plan_of(consultant_client, scored.pk, "?target=leader").json()
    assert leader["total_effort"] > developing["total_effort"]
    assert leader["projected_index"] >= 140
    by_index = plan_of(consultant_client, scored.pk, "?target=140").json()
    assert by_index["target"] == "140"
    assert by_index["actions"] == leader["actions"]


def test_a_target_already_reached_needs_nothing(consultant_client, own_brand, make_scored):
    scored = make_scored(own_brand, 0.7)
    data = plan_of(consultant_client, scored.pk, "?target=0").json()
    assert (data["reachable"], data["actions"], data["total_effort"]) == (True, [], 0)


def test_an_unreachable_target_says_so_with_the_closest_plan(
    consultant_client, own_brand, make_scored
):
    scored = make_scored(own_brand, 0.3)
    data = plan_of(consultant_client, scored.pk, "?target=1000").json()
    assert data["reachable"] is False
    assert data["actions"] and data["projected_index"] < 1000


@pytest.mark.parametrize("target", ["genius", "1000.1", "-5", "nan", "1e3x"])
def test_a_bad_target_is_a_400_naming_target(consultant_client, own_brand, make_scored, target):
    scored = make_scored(own_brand, 0.3)
    response = plan_of(consultant_client, scored.pk, f"?target={target}")
    assert response.status_code == 400
    # The plan's own refusal of the value, not the strict parameters' "unknown parameter".
    assert "0 to 1000" in fields(response)["target"][0]


def test_a_draft_has_no_plan_a_400_naming_target(consultant_client, world):
    response = plan_of(consultant_client, world["own_draft"])
    assert response.status_code == 400
    assert "draft" in fields(response)["target"][0]
    assert Assessment.objects.get(pk=world["own_draft"]).status == Assessment.Status.DRAFT


def test_the_plan_takes_the_same_queries_whatever_its_size(
    consultant_client, own_brand, make_scored
):
    def queries(pk: int, target: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert plan_of(consultant_client, pk, f"?target={target}").status_code == 200
        return len(ctx)

    scored = make_scored(own_brand, 0.3)
    plan_of(consultant_client, scored.pk)  # warm: the token (cached) and the edition's spec
    # the assessment with brand, category, result and edition; its answers
    assert queries(scored.pk, "developing") == queries(scored.pk, "leader") == 2


def test_a_bad_target_is_explained_in_the_callers_language(
    consultant_client, own_brand, make_scored
):
    scored = make_scored(own_brand, 0.3)
    response = consultant_client.get(
        f"{ASSESSMENTS}{scored.pk}/plan/?target=genius", HTTP_ACCEPT_LANGUAGE="zh-Hans"
    )
    assert response.status_code == 400
    assert "既不是等级" in fields(response)["target"][0]
