"""Strict query parameters, ordering by several fields, and one way of paging every list."""

from __future__ import annotations

import pytest

from api.models import WebhookEndpoint
from api.tests.errors import fields

ASSESSMENTS = "/api/v1/assessments/"
WEBHOOKS = "/api/v1/webhooks/"


@pytest.mark.parametrize(
    "url,name",
    [
        (ASSESSMENTS + "?stauts=draft", "stauts"),  # a misspelled filter
        (ASSESSMENTS + "?brand_slug=own-brand", "brand_slug"),
        (ASSESSMENTS + "{own_draft}/?page=2", "page"),  # a detail has no pages
        (ASSESSMENTS + "{own_scored}/report/?lang=zh", "lang"),
        (WEBHOOKS + "?status=active", "status"),
        ("/api/v1/questionnaire/?edition=1", "edition"),
        ("/api/v1/actions/?stauts=todo", "stauts"),
        (ASSESSMENTS + "{own_scored}/plan/?target=leader&tier=leader", "tier"),
    ],
)
def test_an_unknown_query_parameter_is_a_400_naming_it(consultant_client, world, url, name):
    response = consultant_client.get(url.format(**world))
    assert response.status_code == 400
    [message] = fields(response)[name]
    assert message.startswith("Unknown query parameter.")


def test_a_single_valued_parameter_given_twice_is_a_400(consultant_client, world):
    response = consultant_client.get(ASSESSMENTS + "?status=draft&status=scored")
    assert response.status_code == 400 and list(fields(response)) == ["status"]


@pytest.mark.parametrize("size", ["abc", "0", "-1", "1.5", "201"])
def test_a_bad_page_size_is_a_400_naming_it(consultant_client, world, size):
    response = consultant_client.get(f"{ASSESSMENTS}?page_size={size}")
    assert response.status_code == 400
    assert fields(response) == {"page_size": ["A whole number from 1 to 200."]}


@pytest.mark.parametrize("number", ["", "abc", "1.5", "2e3"])
@pytest.mark.parametrize("path", [ASSESSMENTS, "/api/v1/actions/"])
def test_a_page_number_that_is_not_one_is_a_400_naming_it(consultant_client, world, path, number):
    # An empty page was read as the first (schemathesis found it on a webhook's deliveries).
    response = consultant_client.get(f"{path}?page={number}")
    assert response.status_code == 400
    assert fields(response) == {"page": ["A whole number from 1."]}


def test_the_first_and_the_last_page_by_number_and_by_name(consultant_client, world):
    first = consultant_client.get(f"{ASSESSMENTS}?page_size=1&page=1").json()
    last = consultant_client.get(f"{ASSESSMENTS}?page_size=1&page=last").json()
    assert first["previous"] is None and last["next"] is None
    for outside in ("999", "0", "-1"):  # whole numbers, but no page: the documented 404
        assert consultant_client.get(f"{ASSESSMENTS}?page_size=1&page={outside}").status_code == 404


def test_a_bad_filter_value_is_a_400_naming_the_filter(consultant_client, world):
    response = consultant_client.get(ASSESSMENTS + "?status=nonsense")
    assert response.status_code == 400 and list(fields(response)) == ["status"]


def test_ordering_by_several_fields_as_a_comma_list_or_repeated_is_the_same(
    admin_client, own_brand, foreign_brand, make_scored
):
    for brand, maturity in ((own_brand, 0.2), (foreign_brand, 0.8), (own_brand, 0.8)):
        make_scored(brand, maturity)

    def ids(query: str) -> list[int]:
        response = admin_client.get(f"{ASSESSMENTS}?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    comma = ids("ordering=-readiness_index,created_at")
    assert comma == ids("ordering=-readiness_index&ordering=created_at")
    # Equal indexes (the two at 0.8) are ordered by the second field, oldest first.
    assert comma != ids("ordering=-readiness_index,-created_at")
    assert ids("ordering=created_at") == sorted(comma)


def test_an_unknown_ordering_field_is_a_400(consultant_client, world):
    response = consultant_client.get(ASSESSMENTS + "?ordering=password")
    assert response.status_code == 400 and list(fields(response)) == ["ordering"]


def test_every_list_pages_the_same_way_with_link_headers(consultant_client, consultant, world):
    for n in range(3):
        WebhookEndpoint.objects.create(owner=consultant, url=f"https://h{n}.example/")
    first = consultant_client.get(WEBHOOKS + "?page_size=1")
    body = first.json()
    assert list(body) == ["count", "count_capped", "next", "previous", "results"]
    assert body["count"] == 3 and len(body["results"]) == 1
    assert first["Link"] == f'<{body["next"]}>; rel="next"'
    second = consultant_client.get(body["next"])
    assert second["Link"] == (
        f'<{second.json()["next"]}>; rel="next", <{second.json()["previous"]}>; rel="prev"'
    )
    assert "Link" not in consultant_client.get(WEBHOOKS).headers  # one page: no links
    endpoint = WebhookEndpoint.objects.filter(owner=consultant).first()
    log = consultant_client.get(f"{WEBHOOKS}{endpoint.pk}/deliveries/?page_size=5").json()
    assert list(log) == ["count", "count_capped", "next", "previous", "results"]
