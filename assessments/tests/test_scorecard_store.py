"""The fast bulk path (COPY of plain values, answers aggregated by PostgreSQL) stores exactly
what as_rows makes of result_fields, field by field."""

from __future__ import annotations

import json

import pytest
from django.db import connection, models

from assessments import publishing, scorecard_store, services
from assessments.bulk_insert import copy_fields
from assessments.core.evidence import citation_json
from assessments.core.recommendations import recommend
from assessments.core.scoring import score
from assessments.edition_specs import edition_spec
from assessments.models import Assessment, PillarResult, Recommendation, Result
from assessments.tests.factories import BrandFactory, scored_assessment

pytestmark = pytest.mark.django_db

SKIPPED = {"id", "result", "created_at"}  # chosen by the database or the clock


@pytest.fixture(autouse=True)
def _on_postgresql(postgres_url):
    """The fast path is PostgreSQL's (COPY); elsewhere bulk_create stores model instances."""
    assert connection.vendor == "postgresql"


@pytest.fixture
def assessment(beauty, spec, django_capture_on_commit_callbacks) -> Assessment:
    """Scored on the seeded edition, with one answer "not applicable"."""
    assessment = scored_assessment(
        brand=BrandFactory(),
        category=beauty,
        maturity=0.6,
        capture=django_capture_on_commit_callbacks,
    )
    not_applicable = next(q for q in spec.questions if q.allows_na)
    assessment.answers.filter(question__key=not_applicable.key).update(value=None)
    return assessment


@pytest.fixture
def published(edition, assessment):
    """A later edition, published after the assessment was scored."""
    draft = publishing.edition_copy(edition=edition, label="Rescored")
    return publishing.edition_publish(edition_id=draft.pk)


def _stored(obj: models.Model) -> dict[str, object]:
    return {
        field.name: _as_stored(field, field.value_from_object(obj))
        for field in type(obj)._meta.concrete_fields
        if field.name not in SKIPPED
    }


def _as_stored(field: models.Field, value: object) -> object:
    # What any write path stores for JSON is its values: tuples read back as lists.
    return json.loads(json.dumps(value)) if isinstance(field, models.JSONField) else value


def test_the_bulk_path_stores_every_field_of_the_model_rows(assessment, published):
    assert (
        scorecard_store.results_store_bulk(assessment_ids=[assessment.pk], edition_id=published.pk)
        == 1
    )

    new_spec = edition_spec(published.pk)
    [(_, card)] = scorecard_store.scorecards_for_ids([assessment.pk], new_spec)
    fields = scorecard_store.result_fields(assessment_id=assessment.pk, edition=new_spec, card=card)
    expected = scorecard_store.as_rows(fields)
    stored = Result.objects.get(assessment=assessment, edition=published)
    assert _stored(stored) == _stored(expected.result)
    assert [_stored(p) for p in stored.pillars.all()] == [_stored(p) for p in expected.pillars]
    assert [_stored(r) for r in stored.recommendations.all()] == [
        _stored(r) for r in expected.recommendations
    ]
    assert expected.recommendations, "a mid-maturity brand has something to improve"
    assessment.refresh_from_db()
    assert assessment.result_id == stored.pk


def test_answers_aggregated_by_postgresql_score_as_the_pure_engine_does_not_applicable_too(
    assessment, spec
):
    answers = services.assessment_answers(assessment)  # read row by row, through the ORM
    assert None in answers.values()

    [(pk, card)] = scorecard_store.scorecards_for_ids([assessment.pk, 0], spec)

    assert pk == assessment.pk
    assert card == score(spec, "beauty", answers)


def test_copy_refuses_a_field_the_model_does_not_have_naming_it(db):
    with pytest.raises(ValueError, match="PillarResult has no field colour"):
        copy_fields(PillarResult, [{"colour": "red"}])


def test_copy_refuses_to_leave_out_a_field_without_a_default_naming_it(db):
    with pytest.raises(ValueError, match=r"PillarResult\.name needs a value"):
        copy_fields(
            PillarResult, [{"result_id": 1, "key": "messaging", "position": 0, "weight": 1.0}]
        )


def test_rescoring_an_older_edition_never_moves_a_report_backwards(assessment, edition, published):
    scorecard_store.results_store_bulk(assessment_ids=[assessment.pk], edition_id=published.pk)
    assessment.refresh_from_db()
    on_the_newer = assessment.result_id
    # The older edition's result is already stored: only the pointer could change, and must not.
    assert (
        scorecard_store.results_store_bulk(assessment_ids=[assessment.pk], edition_id=edition.pk)
        == 0
    )
    assessment.refresh_from_db()
    assert assessment.result_id == on_the_newer
    assert Result.objects.get(pk=on_the_newer).edition_id == published.pk


def test_a_second_run_of_a_chunk_stores_nothing_and_keeps_the_pointer(assessment, published):
    assert (
        scorecard_store.results_store_bulk(assessment_ids=[assessment.pk], edition_id=published.pk)
        == 1
    )
    assessment.refresh_from_db()
    first = assessment.result_id
    assert (
        scorecard_store.results_store_bulk(assessment_ids=[assessment.pk], edition_id=published.pk)
        == 0
    )
    assessment.refresh_from_db()
    assert assessment.result_id == first


def test_the_json_a_result_stores_is_compressed_with_lz4():
    # A third of PostgreSQL's time in a rescoring was pglz (migration 0007).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute"
            " WHERE attrelid = 'assessments_recommendation'::regclass AND attname = 'evidence'"
        )
        assert cursor.fetchall() == [("l",)]


def _as_scored_alone(card, spec) -> list[tuple[int, object]]:
    """Each recommendation's rank and evidence as ranking this one scorecard gives them."""
    return [
        (r.rank, json.loads(json.dumps([citation_json(c) for c in r.evidence])))
        for r in recommend(card, spec)
    ]


def test_results_stored_together_each_keep_the_evidence_their_own_scoring_gives(
    beauty, edition, django_capture_on_commit_callbacks
):
    # One bulk call shares each practice's evidence list between its results and encodes it
    # once (scorecard_store.evidence_json, bulk_insert._memoized): every result must still
    # store its own practices' evidence, as scoring it alone ranks them.
    together = [
        scored_assessment(
            brand=BrandFactory(),
            category=beauty,
            maturity=maturity,
            capture=django_capture_on_commit_callbacks,
        )
        for maturity in (0.3, 0.6)
    ]
    draft = publishing.edition_copy(edition=edition, label="Rescored together")
    published = publishing.edition_publish(edition_id=draft.pk)

    stored = scorecard_store.results_store_bulk(
        assessment_ids=[a.pk for a in together], edition_id=published.pk
    )

    assert stored == 2
    new_spec = edition_spec(published.pk)
    for assessment in together:
        card = score(new_spec, "beauty", services.assessment_answers(assessment))
        result = Result.objects.get(assessment=assessment, edition=published)
        rows = [(r.rank, r.evidence) for r in result.recommendations.order_by("rank")]
        assert rows == _as_scored_alone(card, new_spec)
        assert any(evidence for _, evidence in rows), "the practices cite their benchmark"


def test_a_result_row_its_caller_changes_leaves_the_next_results_evidence_alone(assessment, spec):
    [(pk, card)] = scorecard_store.scorecards_for_ids([assessment.pk], spec)
    first = scorecard_store.as_rows(
        scorecard_store.result_fields(assessment_id=pk, edition=spec, card=card)
    )
    changed = next(r for r in first.recommendations if r.evidence)
    changed.evidence[0]["percent"] = -1
    changed.evidence.append({"statement": "added by the caller"})

    again = scorecard_store.result_fields(assessment_id=pk, edition=spec, card=card)

    assert [(r["rank"], r["evidence"]) for r in again.recommendations] == _as_scored_alone(
        card, spec
    )


def test_copy_stores_each_rows_json_when_rows_share_or_repeat_a_value(assessment):
    # The JSON encoding is kept per object for one COPY: a list shared by two rows is written
    # twice, and an equal list or another list each as they are.
    shared = [{"statement": "shared"}]
    rows = [
        (101, shared),
        (102, shared),
        (103, [{"statement": "shared"}]),
        (104, [{"statement": "another"}]),
    ]
    base = {
        "result_id": assessment.result_id,
        "bucket": "P1",
        **dict.fromkeys(("practice_key", "pillar_key", "title", "text", "basis"), "x"),
        "effort": 1,
        "expected_gain": 0.0,
        "priority_score": 0.0,
        "share": None,
    }

    copy_fields(Recommendation, [{**base, "rank": rank, "evidence": ev} for rank, ev in rows])

    stored = Recommendation.objects.filter(result_id=assessment.result_id, rank__gt=100)
    assert list(stored.order_by("rank").values_list("rank", "evidence")) == rows
