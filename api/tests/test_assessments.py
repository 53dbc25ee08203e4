"""The assessment contract: create, complete and submit a draft, read, filter, order, export."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import StoredReport
from api.tests.errors import detail, error_code, fields, under
from assessments.demo import answers_at
from assessments.models import Assessment
from assessments.tests.factories import AssessmentFactory

ASSESSMENTS = "/api/v1/assessments/"


def _one_question_per_pillar(spec) -> dict:
    answers = answers_at(spec, 0.5)
    return dict(list(answers.items())[:3])


def test_creating_with_submit_true_answers_201_and_submits_for_scoring(
    consultant_client, own_brand, spec
):
    body = {"brand": "own-brand", "category": "beauty", "answers": answers_at(spec, 0.5)}
    response = consultant_client.post(ASSESSMENTS, {**body, "submit": True}, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "submitted"
    assert response["Location"].endswith(f"{ASSESSMENTS}{data['id']}/")
    assessment = Assessment.objects.get(pk=data["id"])
    assert assessment.brand == own_brand and assessment.answers.count() == len(spec.questions)


def test_a_draft_is_completed_and_submitted_with_patch(consultant_client, spec):
    answers = answers_at(spec, 0.5)
    first = dict(list(answers.items())[:2])
    created = consultant_client.post(
        ASSESSMENTS, {"brand": "own-brand", "category": "beauty", "answers": first}, format="json"
    ).json()
    assert created["status"] == "draft"
    url = f"{ASSESSMENTS}{created['id']}/"
    response = consultant_client.patch(
        url, {"answers": answers, "submit": True, "version": created["version"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"


def test_a_patch_based_on_an_old_version_is_a_conflict_and_saves_nothing(consultant_client, spec):
    created = consultant_client.post(
        ASSESSMENTS, {"brand": "own-brand", "category": "beauty"}, format="json"
    ).json()
    url = f"{ASSESSMENTS}{created['id']}/"
    answers = _one_question_per_pillar(spec)
    first = {"answers": answers, "version": created["version"]}
    assert consultant_client.patch(url, first, format="json").status_code == 200
    stale = consultant_client.patch(
        url, {"answers": answers, "version": created["version"]}, format="json"
    )
    assert stale.status_code == 409
    assert error_code(stale) == "stale_version"
    assert stale.json()["current_version"] == created["version"] + 1


def test_a_submitted_assessment_cannot_be_edited(consultant_client, own_brand, make_scored, spec):
    scored = make_scored(own_brand)
    response = consultant_client.patch(
        f"{ASSESSMENTS}{scored.pk}/",
        {"answers": _one_question_per_pillar(spec), "version": scored.version},
        format="json",
    )
    assert response.status_code == 409
    assert "already submitted" in detail(response)


def test_submitting_an_incomplete_draft_names_the_missing_answers_and_saves_none(
    consultant_client, spec
):
    created = consultant_client.post(
        ASSESSMENTS, {"brand": "own-brand", "category": "beauty"}, format="json"
    ).json()
    answers = _one_question_per_pillar(spec)
    response = consultant_client.patch(
        f"{ASSESSMENTS}{created['id']}/",
        {"answers": answers, "submit": True, "version": created["version"]},
        format="json",
    )
    assert response.status_code == 400
    missing = under(response, "answers")
    assert set(missing) == {q.key for q in spec.questions} - set(answers)
    assessment = Assessment.objects.get(pk=created["id"])
    assert assessment.status == "draft" and assessment.answers.count() == 0


def test_the_detail_holds_the_answers_and_the_report_once_scored(
    consultant_client, own_brand, make_scored
):
    scored = make_scored(own_brand)
    data = consultant_client.get(f"{ASSESSMENTS}{scored.pk}/").json()
    assert len(data["answers"]) > 0
    assert data["report"]["readiness_index"] == pytest.approx(scored.result.readiness_index)


def test_the_report_holds_scores_tier_pillars_recommendations_edition_and_changes(
    consultant_client, own_brand, make_scored
):
    make_scored(own_brand, 0.3)
    later = make_scored(own_brand, 0.7)
    report = consultant_client.get(f"{ASSESSMENTS}{later.pk}/report/").json()
    assert report["tier"]["key"] and report["tier"]["name"] and report["tier"]["summary"]
    assert report["edition"]["label"] == later.result.edition.label
    assert report["previous"]["readiness_index"] < report["readiness_index"]
    assert report["index_change"] > 0
    assert all(p["change"] is not None for p in report["pillars"] if p["score"] is not None)
    first = report["recommendations"][0]
    assert first["rank"] == 1 and first["evidence"] and "is_fallback" in first
    assert report["percentile"] is None  # fewer than 5 peer brands


def test_a_report_of_an_unscored_assessment_is_a_409_with_a_message(consultant_client, world):
    response = consultant_client.get(f"{ASSESSMENTS}{world['own_draft']}/report/")
    assert response.status_code == 409
    assert "no report yet" in detail(response)


def test_a_report_downloads_as_csv_and_as_pdf(consultant_client, world):
    url = f"{ASSESSMENTS}{world['own_scored']}/report/"
    csv = consultant_client.get(url + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "readiness index" in csv.content.decode()
    pdf = consultant_client.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_errors_stay_json_when_a_file_was_asked_for(consultant_client, world):
    response = consultant_client.get(f"{ASSESSMENTS}{world['foreign_scored']}/report/?format=pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_the_list_filters_by_brand_category_status_tier_and_submission_date(admin_client, world):
    def ids(query: str) -> set[int]:
        response = admin_client.get(ASSESSMENTS + query)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    scored = Assessment.objects.get(pk=world["own_scored"])
    day = scored.submitted_at.date().isoformat()
    assert ids("?brand=own-brand") == {world["own_draft"], world["own_scored"]}
    assert ids("?status=draft") == {world["own_draft"], world["foreign_draft"]}
    assert ids(f"?tier={scored.result.tier_key}&brand=own-brand") == {world["own_scored"]}
    assert ids(f"?submitted_after={day}&submitted_before={day}") == {
        world["own_scored"],
        world["foreign_scored"],
    }
    assert ids("?submitted_before=2000-01-01") == set()
    assert ids("?category=cpg") == set()


def test_the_list_orders_by_readiness_index(admin_client, own_brand, make_scored):
    low, high = make_scored(own_brand, 0.2), make_scored(own_brand, 0.8)
    rows = admin_client.get(ASSESSMENTS + "?ordering=-readiness_index").json()["results"]
    assert [r["id"] for r in rows] == [high.pk, low.pk]


def test_an_unfiltered_list_is_newest_first_as_a_filtered_one_is(
    admin_client, own_brand, make_scored
):
    scored = [make_scored(own_brand, m) for m in (0.2, 0.8, 0.5)]
    # Two created in the same instant: the later id first, on every page.
    Assessment.objects.filter(pk__in=[a.pk for a in scored]).update(created_at=scored[0].created_at)

    def ids(query: str) -> list[int]:
        return [r["id"] for r in admin_client.get(ASSESSMENTS + query).json()["results"]]

    newest_first = sorted((a.pk for a in scored), reverse=True)
    assert ids("") == newest_first
    assert ids("?brand=" + own_brand.slug) == newest_first
    assert ids("?page_size=1&page=2") == newest_first[1:2]


def test_a_bad_filter_value_is_a_400(admin_client, db):
    assert admin_client.get(ASSESSMENTS + "?status=bogus").status_code == 400
    assert admin_client.get(ASSESSMENTS + "?submitted_after=yesterday").status_code == 400


def test_the_page_size_is_bounded(admin_client, world, monkeypatch):
    from api.pagination import BoundedPageNumberPagination

    monkeypatch.setattr(BoundedPageNumberPagination, "max_page_size", 2)
    assert len(admin_client.get(ASSESSMENTS + "?page_size=1").json()["results"]) == 1
    assert len(admin_client.get(ASSESSMENTS + "?page_size=2").json()["results"]) == 2
    # Over the maximum is refused, not cut silently to a size the client did not ask for.
    refused = admin_client.get(ASSESSMENTS + "?page_size=100000")
    assert refused.status_code == 400
    assert fields(refused) == {"page_size": ["A whole number from 1 to 2."]}


def test_the_count_is_exact_up_to_the_count_limit(admin_client, world, monkeypatch):
    from api.pagination import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "limit", 4)  # the admin sees world's 4
    body = admin_client.get(ASSESSMENTS).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (4, False, 4)


def test_past_the_count_limit_the_count_says_so_and_pages_stop_at_the_limit(
    admin_client, world, monkeypatch
):
    from api.pagination import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "limit", 3)
    first = admin_client.get(ASSESSMENTS + "?page_size=2").json()
    assert (first["count"], first["count_capped"]) == (3, True)
    last = admin_client.get(first["next"]).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert admin_client.get(ASSESSMENTS + "?page_size=2&page=3").status_code == 404
    # The fourth assessment is reached by narrowing the list: here, the other ordering.
    oldest = admin_client.get(ASSESSMENTS + "?page_size=2&ordering=created_at").json()
    newest = {row["id"] for row in first["results"] + last["results"]}
    assert {row["id"] for row in oldest["results"]} - newest


def _list_queries(client, query: str = "", language: str = "en") -> int:
    # The uncached body with the token known (api/authentication.py); a cache hit's queries are
    # in test_cache.py.
    client.get(ASSESSMENTS + query, HTTP_ACCEPT_LANGUAGE=language)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(
            ASSESSMENTS + query, HTTP_CACHE_CONTROL="no-cache", HTTP_ACCEPT_LANGUAGE=language
        )
        if response.streaming:  # the CSV export reads its rows as it is sent
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
@pytest.mark.parametrize("query", ["", "?format=csv"])
def test_a_list_page_takes_the_same_queries_for_3_or_30_assessments(
    consultant_client, own_brand, make_scored, query, language
):
    for _ in range(3):
        make_scored(own_brand)
    few = _list_queries(consultant_client, query, language)
    for _ in range(27):
        make_scored(own_brand)
    many = _list_queries(consultant_client, query, language)
    # count and page (brand, category, edition and result joined in); the brands the reader
    # serves (what the cached page depends on, api/cache.py) were read by the request before,
    # and the scorings since changed nothing of them (api/listing.brand_ids). The CSV export has
    # no pages, so no count, and is never cached; in Chinese, it reads the tiers' names of the
    # results' edition, which the page read once for this generation (TierTexts).
    chinese = 1 if language == "zh-Hans" and query else 0
    assert few == many == (1 if query else 2) + chinese


def test_a_list_page_counts_ids_without_the_columns_and_joins_its_rows_show(
    consultant_client, own_brand, make_scored
):
    # The rows are read as values() (api/shapes.py); a count over that selected every row's
    # columns and joins, which made a list of 100,000 assessments 2.8 times slower than one of
    # 1,000 (bench/notes/list-growth.md).
    make_scored(own_brand)
    with CaptureQueriesContext(connection) as ctx:
        response = consultant_client.get(ASSESSMENTS, HTTP_CACHE_CONTROL="no-cache")
    assert response.json()["count"] == 1
    (count,) = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    # Only the access rule's subquery (brands through memberships): no row's tables.
    for shown in ("assessments_category", "assessments_edition", "assessments_result", "status"):
        assert shown not in count, count


def test_the_csv_list_holds_every_assessment_the_filters_match_not_a_page(
    consultant_client, own_brand, make_scored
):
    ids = {make_scored(own_brand).pk for _ in range(3)}
    draft = AssessmentFactory(brand=own_brand)
    response = consultant_client.get(ASSESSMENTS + "?format=csv&page_size=1")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "assessments.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["id", "brand"]
    assert {int(row[0]) for row in rows[1:]} == ids | {draft.pk}
    scored = consultant_client.get(ASSESSMENTS + "?format=csv&status=scored&ordering=created_at")
    rows = list(csv.reader(io.StringIO(b"".join(scored.streaming_content).decode())))
    assert [int(row[0]) for row in rows[1:]] == sorted(ids)


def _report_queries(client, assessment_id: int, *, first: bool = False) -> int:
    # The uncached body with the token known (api/authentication.py); a cache hit's queries are
    # in test_cache.py. first: the first read of its result, which builds and keeps the part
    # its result fixes (api/stored_reports.py); later reads build from that part.
    url = f"{ASSESSMENTS}{assessment_id}/report/"
    client.get(url)
    if first:
        StoredReport.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 200
    return len(ctx)


def test_a_report_takes_the_same_queries_whatever_its_recommendations(
    consultant_client, own_brand, foreign_brand, make_scored, consultant
):
    from assessments.models import Membership

    Membership.objects.create(user=consultant, brand=foreign_brand, role="consultant")
    many = make_scored(own_brand, 0.1)
    few = make_scored(foreign_brand, 0.95)
    assert many.result.recommendations.count() > few.result.recommendations.count()
    # the assessment with its result and stored part, the previous assessment with its
    # pillars, the percentile
    assert _report_queries(consultant_client, many.pk) == _report_queries(consultant_client, few.pk)
    assert _report_queries(consultant_client, many.pk) == 3
    # the first read adds the pillars, the recommendations, the context figures and the write
    # of the part (in a savepoint: two more)
    first = [_report_queries(consultant_client, pk, first=True) for pk in (many.pk, few.pk)]
    assert first == [3 + 3 + 3] * 2


# --- No silent overwrite ------------------------------------------------------------------------


def test_answers_without_a_version_are_a_428_saying_what_to_send(consultant_client, world, spec):
    url = f"{ASSESSMENTS}{world['own_draft']}/"
    response = consultant_client.patch(
        url, {"answers": _one_question_per_pillar(spec)}, format="json"
    )
    assert response.status_code == 428 and error_code(response) == "precondition_required"
    assert '"version"' in detail(response) and "If-Match" in detail(response)
    assessment = Assessment.objects.get(pk=world["own_draft"])
    assert assessment.version == 0 and assessment.answers.count() == 0


def test_if_match_carries_the_version_instead_of_the_body(consultant_client, world, spec):
    url = f"{ASSESSMENTS}{world['own_draft']}/"
    answers = {"answers": _one_question_per_pillar(spec)}
    saved = consultant_client.patch(url, answers, format="json", HTTP_IF_MATCH='"0"')
    assert saved.status_code == 200 and saved.json()["version"] == 1
    stale = consultant_client.patch(url, answers, format="json", HTTP_IF_MATCH='"0"')
    assert stale.status_code == 409 and stale.json()["current_version"] == 1


def test_an_unreadable_if_match_is_a_400_naming_it(consultant_client, world, spec):
    url = f"{ASSESSMENTS}{world['own_draft']}/"
    answers = {"answers": _one_question_per_pillar(spec)}
    response = consultant_client.patch(url, answers, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "If-Match"


def test_csv_exports_start_with_a_byte_order_mark_for_excel_when_asked(consultant_client, world):
    report = f"{ASSESSMENTS}{world['own_scored']}/report/?format=csv"
    assert not consultant_client.get(report).content.startswith(b"\xef\xbb\xbf")
    assert consultant_client.get(report + "&excel=1").content.startswith(b"\xef\xbb\xbf")
    listed = consultant_client.get(ASSESSMENTS + "?format=csv&excel=1")
    assert b"".join(listed.streaming_content).startswith(b"\xef\xbb\xbf")


def test_an_answer_to_a_question_skip_logic_hides_is_a_400_naming_both(consultant_client, spec):
    from assessments import edition_specs as editions
    from assessments.models import Question

    Question.objects.filter(key="msg-post-frequency").update(
        shown_if_question="msg-account", shown_if_values=["dormant", "active"]
    )
    editions._published_edition_spec.cache_clear()
    try:
        answers = {"msg-account": "none", "msg-post-frequency": "weekly"}
        body = {"brand": "own-brand", "category": "beauty", "answers": answers}
        response = consultant_client.post(ASSESSMENTS, body, format="json")
        assert response.status_code == 400
        message = str(response.json())
        assert "msg-post-frequency" in message and "msg-account" in message
        # Saved answers count too: an account saved as "none" hides the question on a PATCH.
        body["answers"] = {"msg-account": "none"}
        created = consultant_client.post(ASSESSMENTS, body, format="json").json()
        url = f"{ASSESSMENTS}{created['id']}/"
        patch = consultant_client.patch(
            url,
            {"answers": {"msg-post-frequency": "weekly"}, "version": created["version"]},
            format="json",
        )
        assert patch.status_code == 400
        assert "msg-account" in str(patch.json())
    finally:
        editions._published_edition_spec.cache_clear()
