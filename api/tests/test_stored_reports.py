"""A report's fixed part is built on its first read and kept (api/stored_reports.py): later
reads answer the same JSON from it, per language, and never a part of another result, another
language or an older build."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from api import serializers as s
from api import stored_reports
from api.models import StoredReport
from api.tests.errors import detail, error_code
from assessments import publishing
from assessments.models import Assessment, Edition
from assessments.report_data import MIN_PEER_BRANDS, report_for
from assessments.scorecard_store import results_store_bulk
from assessments.tests.factories import BrandFactory

ASSESSMENTS = "/api/v1/assessments/"


def url(assessment: Assessment) -> str:
    return f"{ASSESSMENTS}{assessment.pk}/report/"


def built(client, assessment: Assessment, language: str = "en"):
    """A report answered afresh (not from the answer cache) in a language."""
    response = client.get(
        url(assessment), HTTP_CACHE_CONTROL="no-cache", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200, response.content
    return response


def expected(assessment: Assessment, language: str) -> bytes:
    """The serializer's JSON, built from the rows without any stored part."""
    with translation.override(language):
        report = report_for(Assessment.objects.with_report().get(pk=assessment.pk))
        return JSONRenderer().render(s.ReportSerializer(report).data)


@pytest.fixture
def brands_in_beauty():
    return [BrandFactory(slug=f"peer-{n}") for n in range(MIN_PEER_BRANDS)]


@pytest.fixture
def next_edition() -> Edition:
    draft = publishing.edition_copy(edition=Edition.objects.current(), label="next")
    publishing.edition_publish(edition_id=draft.pk)
    return Edition.objects.get(pk=draft.pk)


@pytest.fixture
def scored(make_scored, own_brand) -> Assessment:
    make_scored(own_brand, 0.2)  # a previous assessment: its pillars' changes are shown
    return make_scored(own_brand, 0.5)


def test_the_first_read_keeps_a_part_per_language_and_later_reads_answer_from_it(
    consultant_client, scored
):
    english = built(consultant_client, scored, "en")
    assert StoredReport.objects.filter(result_id=scored.result_id).count() == 1
    chinese = built(consultant_client, scored, "zh-hans")
    assert StoredReport.objects.filter(result_id=scored.result_id).count() == 2
    assert english["Content-Language"] == "en" and chinese["Content-Language"] == "zh-hans"
    for language, first in (("en", english), ("zh-hans", chinese)):
        again = built(consultant_client, scored, language)
        assert again.content == first.content == expected(scored, language)
    assert chinese.json()["tier"]["name"] != english.json()["tier"]["name"]


def test_a_part_of_an_older_build_is_never_read_and_is_replaced(consultant_client, scored):
    built(consultant_client, scored)
    StoredReport.objects.update(shape="an older build", body='{"tier": "stale"}')
    assert built(consultant_client, scored).content == expected(scored, "en")
    assert list(StoredReport.objects.values_list("shape", flat=True)) == [stored_reports.shape()]


def test_what_changes_after_scoring_is_read_afresh_beside_the_part(
    consultant_client, scored, make_scored, brands_in_beauty
):
    before = built(consultant_client, scored).json()
    assert before["percentile"] is None  # fewer than 5 other brands scored in the category
    for brand in brands_in_beauty:
        make_scored(brand, 0.9)
    after = built(consultant_client, scored)
    assert after.json()["percentile"] == 0.0  # every peer scores higher
    assert after.content == expected(scored, "en")


def test_a_rescored_assessment_reads_its_new_result_never_the_old_part(
    consultant_client, scored, next_edition
):
    old = built(consultant_client, scored).json()
    results_store_bulk(assessment_ids=[scored.pk], edition_id=next_edition.pk)
    scored.refresh_from_db()
    new = built(consultant_client, scored)
    assert new.json()["edition"]["id"] == next_edition.pk != old["edition"]["id"]
    assert new.content == expected(scored, "en")


def test_a_part_that_cannot_be_stored_still_answers_the_report(consultant_client, scored, caplog):
    failing = mock.patch.object(
        StoredReport.objects, "bulk_create", side_effect=DatabaseError("disk full")
    )
    with failing, caplog.at_level(logging.WARNING, logger="api.stored_reports"):
        response = built(consultant_client, scored)
    assert response.content == expected(scored, "en")
    assert "was not stored" in caplog.text
    assert not StoredReport.objects.exists()
    assert built(consultant_client, scored).content == expected(scored, "en")  # kept now
    assert StoredReport.objects.count() == 1


def test_the_report_query_is_compiled_once_for_every_reader_of_a_role_and_language(
    clients, scored, make_scored, own_brand
):
    others = [make_scored(own_brand, 0.3 + n / 10) for n in range(3)]
    for assessment in (scored, *others):  # each result's part kept, and the query compiled
        built(clients["consultant"], assessment)
        built(clients["manager"], assessment)
    answers = {a.pk: expected(a, "en") for a in (scored, *others)}
    compiles = mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    )
    with compiles as as_sql, CaptureQueriesContext(connection) as queries:
        for assessment in (scored, *others):
            for role in ("consultant", "manager"):
                assert built(clients[role], assessment).content == answers[assessment.pk]
    # The main query (the one with the stored part); SQLite's previous-assessment read is the
    # ORM's and compiles, PostgreSQL's is one fixed statement.
    main = [c for c in as_sql.call_args_list if "stored_report" in c.args[0].query.annotations]
    assert main == []
    assert len(queries) == 3 * 8  # the assessment with its part, its previous one, its percentile


@pytest.mark.parametrize("pk", ["0", str(2**63), "9" * 30])
def test_an_id_no_assessment_can_have_is_not_found(consultant_client, pk):
    response = consultant_client.get(f"{ASSESSMENTS}{pk}/report/", HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 404, response.content
    assert error_code(response) == "not_found" and detail(response) == "Not found."
