"""Cached report and list bodies: never stale on the very next request after any workflow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import ApiToken
from api.throttling import FixedWindowUserThrottle
from assessments import publishing
from assessments.demo import answers_at
from assessments.models import Edition, Membership
from assessments.tests.factories import BrandFactory

ASSESSMENTS = "/api/v1/assessments/"


def report_url(assessment_id: int) -> str:
    return f"{ASSESSMENTS}{assessment_id}/report/"


def queries(client, url: str, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    return len(ctx), response


def cached(client, url: str):
    """GET twice, so that the second answer comes from the cache, and return it."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response


def rows(client) -> dict[int, dict]:
    return {row["id"]: row for row in client.get(ASSESSMENTS).json()["results"]}


@pytest.mark.parametrize("path", ["", "{id}/report/", "{id}/report/?format=csv"])
def test_a_cached_body_is_byte_identical_to_an_uncached_one(
    consultant_client, own_brand, make_scored, path
):
    url = ASSESSMENTS + path.format(id=make_scored(own_brand).pk)
    hit = cached(consultant_client, url)
    fresh = consultant_client.get(url, HTTP_CACHE_CONTROL="no-cache")
    assert hit.content == fresh.content
    # Every header too: type, disposition, language, Vary, the security headers; only the
    # request's own id differs, where the caller stands against its rate (each counts), and
    # X-Cache says which was served from the cache.
    assert hit["X-Request-Id"] != fresh["X-Request-Id"]
    assert int(hit["RateLimit-Remaining"]) == int(fresh["RateLimit-Remaining"]) + 1
    assert (hit["X-Cache"], fresh["X-Cache"]) == ("hit", "miss")
    own = {"X-Request-Id": "", "RateLimit-Remaining": "", "RateLimit-Reset": "", "X-Cache": ""}
    assert dict(hit.items()) | own == dict(fresh.items()) | own


def test_the_csv_export_of_the_list_is_built_every_time_never_cached(
    consultant_client, own_brand, make_scored
):
    # Every matching row, streamed: too large to keep in the cache, and read as it is sent.
    make_scored(own_brand)
    url = ASSESSMENTS + "?format=csv"
    first = b"".join(consultant_client.get(url).streaming_content)
    with CaptureQueriesContext(connection) as ctx:
        again = consultant_client.get(url)
        assert again.streaming and b"".join(again.streaming_content) == first
    assert len(ctx) >= 1


def test_a_cache_hit_costs_no_query(consultant_client, own_brand, make_scored):
    assessment = make_scored(own_brand)
    cached(consultant_client, ASSESSMENTS)
    cached(consultant_client, report_url(assessment.pk))
    # The token from the cache too (api/authentication.py); the user is part of the key.
    assert queries(consultant_client, ASSESSMENTS)[0] == 0
    assert queries(consultant_client, report_url(assessment.pk))[0] == 0


def test_a_cached_read_still_counts_towards_the_throttle(
    consultant_client, own_brand, make_scored, monkeypatch
):
    make_scored(own_brand)
    monkeypatch.setitem(FixedWindowUserThrottle.THROTTLE_RATES, "user", "3/minute")
    monkeypatch.setattr(FixedWindowUserThrottle, "timer", lambda self: 60_000.0)
    answers = [consultant_client.get(ASSESSMENTS) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3]["Retry-After"] == "60"


def test_a_revoked_token_is_refused_a_cached_answer(consultant_client, consultant, own_brand):
    cached(consultant_client, ASSESSMENTS)
    ApiToken.objects.filter(user=consultant).delete()
    assert consultant_client.get(ASSESSMENTS).status_code == 401


def test_the_same_query_in_another_order_shares_an_entry(consultant_client, own_brand):
    cached(consultant_client, ASSESSMENTS + "?status=scored&ordering=created_at")
    assert queries(consultant_client, ASSESSMENTS + "?ordering=created_at&status=scored")[0] == 0
    assert queries(consultant_client, ASSESSMENTS + "?ordering=-created_at&status=scored")[0] > 0


def test_requests_with_cookies_are_left_to_the_full_path(consultant_client, own_brand, make_scored):
    # Browsers: their cookies (session, CSRF, language) could change the answer.
    cached(consultant_client, ASSESSMENTS)
    consultant_client.cookies["django_language"] = "zh-hans"
    built, response = queries(consultant_client, ASSESSMENTS)
    assert built > 0
    assert response["Content-Language"] == "zh-hans"


def test_a_report_cached_for_one_user_is_not_served_to_another(
    clients, own_brand, foreign_brand, make_scored
):
    own = make_scored(own_brand)
    cached(clients["admin"], report_url(own.pk))
    foreign = make_scored(foreign_brand)
    cached(clients["admin"], report_url(foreign.pk))
    assert clients["consultant"].get(report_url(foreign.pk)).status_code == 404
    assert clients["consultant"].get(report_url(own.pk)).status_code == 200


def test_submitting_and_scoring_show_on_the_next_request(
    consultant_client, own_brand, beauty, spec, django_capture_on_commit_callbacks
):
    body = {"brand": own_brand.slug, "category": beauty.slug, "answers": answers_at(spec, 0.5)}
    created = consultant_client.post(ASSESSMENTS, body, format="json").json()
    assert cached(consultant_client, ASSESSMENTS).json()["results"][0]["status"] == "draft"
    assert consultant_client.get(report_url(created["id"])).status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        patch = {"submit": True, "version": created["version"]}
        response = consultant_client.patch(f"{ASSESSMENTS}{created['id']}/", patch, format="json")
    assert response.status_code == 200
    assert rows(consultant_client)[created["id"]]["status"] == "scored"
    assert consultant_client.get(report_url(created["id"])).status_code == 200


def test_a_peer_scored_changes_the_percentile_on_the_next_request(
    consultant_client, own_brand, make_scored
):
    own = make_scored(own_brand, 0.6)
    for _ in range(4):
        make_scored(BrandFactory(), 0.3)
    assert cached(consultant_client, report_url(own.pk)).json()["percentile"] is None
    make_scored(BrandFactory(), 0.3)  # the fifth peer brand: a percentile may now be shown
    assert consultant_client.get(report_url(own.pk)).json()["percentile"] == 100


def test_publishing_and_rescoring_show_the_new_result_on_the_next_request(
    consultant_client, own_brand, make_scored, django_capture_on_commit_callbacks
):
    own = make_scored(own_brand)
    old = Edition.objects.current()
    cached(consultant_client, report_url(own.pk))
    draft = publishing.edition_copy(edition=old, label="next")
    published = publishing.edition_publish(edition_id=draft.pk)
    # Cached again after publishing, so that only the rescoring's own bump can refresh it.
    assert cached(consultant_client, report_url(own.pk)).json()["edition"]["id"] == old.pk
    with django_capture_on_commit_callbacks(execute=True):
        publishing.rescore_start(edition=published, chunk_size=2)
    assert consultant_client.get(report_url(own.pk)).json()["edition"]["id"] == published.pk


def test_a_renamed_brand_shows_on_the_next_request(consultant_client, own_brand, make_scored):
    own = make_scored(own_brand)
    cached(consultant_client, ASSESSMENTS)
    own_brand.name = "Renamed"
    own_brand.save()
    assert rows(consultant_client)[own.pk]["brand"]["name"] == "Renamed"


def test_a_consultant_removed_from_a_brand_loses_its_report_and_rows_at_once(
    consultant_client, consultant, own_brand, make_scored
):
    own = make_scored(own_brand)
    cached(consultant_client, ASSESSMENTS)
    cached(consultant_client, report_url(own.pk))
    Membership.objects.filter(user=consultant, brand=own_brand).delete()
    assert consultant_client.get(report_url(own.pk)).status_code == 404
    assert rows(consultant_client) == {}


def test_a_consultant_added_to_a_brand_sees_its_rows_at_once(
    consultant_client, consultant, foreign_brand, make_scored
):
    foreign = make_scored(foreign_brand)
    assert foreign.pk not in rows(consultant_client)
    Membership.objects.create(user=consultant, brand=foreign_brand, role="consultant")
    assert foreign.pk in rows(consultant_client)


def test_a_deleted_assessment_is_gone_on_the_next_request(
    consultant_client, own_brand, make_scored
):
    own = make_scored(own_brand)
    cached(consultant_client, ASSESSMENTS)
    cached(consultant_client, report_url(own.pk))
    own.delete()
    assert consultant_client.get(report_url(own.pk)).status_code == 404
    assert rows(consultant_client) == {}


def test_each_language_has_its_own_entry(consultant_client, own_brand, make_scored):
    url = report_url(make_scored(own_brand).pk)
    english = cached(consultant_client, url)
    hit, _ = queries(consultant_client, url)
    built, chinese = queries(consultant_client, url, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert built > hit  # built again, not the English body served
    assert chinese["Content-Language"] == "zh-hans"
    assert chinese.content != english.content
    again, chinese_hit = queries(consultant_client, url, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert again == hit
    assert chinese_hit.content == chinese.content
    assert consultant_client.get(url).content == english.content


def test_with_redis_as_the_cache_a_hit_is_the_same_body_and_costs_no_query(
    redis_cache, consultant_client, own_brand, make_scored
):
    # The production cache: entries and the cached token pickled through Redis, one MGET each.
    url = report_url(make_scored(own_brand).pk)
    fresh = consultant_client.get(url, HTTP_CACHE_CONTROL="no-cache")
    hit = cached(consultant_client, url)
    assert queries(consultant_client, url)[0] == 0
    assert hit.content == fresh.content
    Membership.objects.filter(brand=own_brand).delete()
    assert consultant_client.get(url).status_code == 404
