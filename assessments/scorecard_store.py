"""Scorecards stored as result rows, many at a time: a batch of submissions, or rescoring.

Every result is stored as result_fields defines it (as_rows gives the same as model
instances), so a result looks the same however it was written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import orjson
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Case, Value, When

from assessments.bulk_insert import column_of, copy_fields, reserve_ids
from assessments.core.evidence import citation_json
from assessments.core.prevalence import ResolvedPrevalence, resolve_prevalence
from assessments.core.recommendations import recommend
from assessments.core.scoring import Scorecard, score
from assessments.core.specs import CitationSpec, EditionSpec
from assessments.edition_specs import edition_spec
from assessments.models import (
    Answer,
    Assessment,
    Edition,
    PillarResult,
    Question,
    Recommendation,
    Result,
)


@dataclass(frozen=True)
class ResultRows:
    """A result and its child rows, not yet saved: the one shape both write paths store."""

    result: Result
    pillars: list[PillarResult]
    recommendations: list[Recommendation]


@dataclass(frozen=True)
class ResultFields:
    """The same rows as field name -> value (the children without their `result`)."""

    result: dict[str, object]
    pillars: list[dict[str, object]]
    recommendations: list[dict[str, object]]


def result_fields(*, assessment_id: int, edition: EditionSpec, card: Scorecard) -> ResultFields:
    """What a stored result holds, row by row: the one definition both write paths store.

    A new column of Result, PillarResult or Recommendation gets its value here. Plain values
    rather than model instances, so that rescoring can COPY them without building seventeen
    model instances per assessment (bench/notes/rescoring.md); as_rows makes instances.
    """
    result: dict[str, object] = {
        "assessment_id": assessment_id,
        "edition_id": edition.id,
        "overall": card.overall,
        "benchmark_overall": card.benchmark_overall,
        "readiness_index": card.index,
        "tier_key": card.tier.key if card.tier else "",
        "tier_name": card.tier.name if card.tier else "",
        "tier_summary": card.tier.summary if card.tier else "",
    }
    pillars: list[dict[str, object]] = [
        {
            "key": p.key,
            "name": p.name,
            "position": pos,
            "weight": p.weight,
            "score": p.score,
            "benchmark": p.benchmark,
        }
        for pos, p in enumerate(card.pillars)
    ]
    recommendations: list[dict[str, object]] = [
        {
            "rank": r.rank,
            "bucket": r.bucket,
            "practice_key": r.practice_key,
            "pillar_key": r.pillar_key,
            "title": r.title,
            "text": r.text,
            "effort": r.effort,
            "expected_gain": r.expected_gain,
            "priority_score": r.priority_score,
            "share": r.share,
            "basis": str(r.basis),
            "evidence": evidence_json(edition, r.evidence),
        }
        for r in recommend(card, edition)
    ]
    return ResultFields(result, pillars, recommendations)


# Past this many distinct evidence lists an edition's memo starts again (a guard, never reached:
# one list per practice and category).
_EVIDENCE_MEMO_LIMIT = 10_000


def evidence_json(edition: EditionSpec, citations: tuple[CitationSpec, ...]) -> list[object]:
    """The evidence a recommendation stores, built once per edition and list of citations.

    Every assessment of a category ranks the same practice on the same citations (its
    benchmark is resolved once per edition and category), and building each citation's JSON
    field by field was a sixth of a bulk rescoring's Python time (bench/notes/rescoring.md).
    Keyed by identity: the tuples are the edition's own resolved prevalence, alive as long as
    the edition spec; the memo holds each tuple, so its id is never reused meanwhile. The list
    is shared by every row that stores it: read it, never change it.
    """
    memo: dict[int, tuple[tuple[CitationSpec, ...], list[object]]] = edition.derived(
        ("evidence json",), dict
    )
    hit = memo.get(id(citations))
    if hit is not None and hit[0] is citations:
        return hit[1]
    if len(memo) >= _EVIDENCE_MEMO_LIMIT:
        memo.clear()
    value: list[object] = [citation_json(c) for c in citations]
    memo[id(citations)] = (citations, value)
    return value


def as_rows(fields: ResultFields) -> ResultRows:
    """The same rows as unsaved model instances; the children point at the result."""
    result = Result(**fields.result)
    return ResultRows(
        result,
        [PillarResult(result=result, **values) for values in fields.pillars],
        # The evidence lists are shared between results (evidence_json): an instance, which
        # its caller may change, gets a copy of its own.
        [
            Recommendation(result=result, **{**values, "evidence": deepcopy(values["evidence"])})
            for values in fields.recommendations
        ],
    )


# --- the bulk path: many assessments on one edition (rescoring, impact previews) ---------------


def scorecards_for_ids(
    assessment_ids: Sequence[int], edition: EditionSpec
) -> list[tuple[int, Scorecard]]:
    """Score many assessments in a fixed number of queries; a deleted assessment is left out.

    The benchmark is resolved once per category, not once per assessment.
    """
    categories = dict(
        Assessment.objects.filter(pk__in=assessment_ids).values_list("pk", "category__slug")
    )
    answers = _answers_by_assessment(assessment_ids)
    prevalence: dict[str, Mapping[str, ResolvedPrevalence]] = {}
    cards = []
    for assessment_id in assessment_ids:
        category = categories.get(assessment_id)
        if category is None:
            continue
        if category not in prevalence:
            prevalence[category] = resolve_prevalence(edition, category)
        card = score(edition, category, answers.get(assessment_id, {}), prevalence[category])
        cards.append((assessment_id, card))
    return cards


def _answers_by_assessment(assessment_ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """Each assessment's answers, question key -> value (None: not applicable), in one query."""
    if connection.vendor == "postgresql":
        return _answers_aggregated(assessment_ids)
    answers: dict[int, dict[str, object]] = defaultdict(dict)
    rows = Answer.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "question__key", "value"
    )
    for assessment_id, key, value in rows.iterator(chunk_size=5000):
        answers[assessment_id][key] = value
    return answers


def _answers_aggregated(assessment_ids: Sequence[int]) -> dict[int, dict[str, object]]:
    # One JSON object per assessment, built by PostgreSQL and decoded once by orjson, rather
    # than thirty rows with a JSON value each: reading answers row by row took a fifth of a
    # rescoring chunk (bench/notes/rescoring.md).
    sql = (
        "SELECT a.assessment_id, jsonb_object_agg(q.key, a.value)::text"
        f" FROM {Answer._meta.db_table} a JOIN {Question._meta.db_table} q ON q.id = a.question_id"
        " WHERE a.assessment_id = ANY(%s) GROUP BY a.assessment_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(assessment_ids)])
        return {pk: orjson.loads(text) for pk, text in cursor.fetchall()}


def results_store_bulk(*, assessment_ids: Sequence[int], edition_id: int) -> int:
    """Store each assessment's result on an edition and point the assessment at it.

    Idempotent: results that exist are kept, so a second run stores nothing (one result per
    assessment and edition, backed by the unique constraint). Returns how many were stored.
    """
    edition = edition_spec(edition_id)
    try:
        with transaction.atomic():
            bulk_session()
            return _store_missing_results(assessment_ids, edition)
    except IntegrityError:
        # A second delivery of the same chunk stored some of them between our read and our
        # write; everything it did not store is stored now.
        with transaction.atomic():
            bulk_session()
            return _store_missing_results(assessment_ids, edition)


def bulk_session(*, wait_for_disk: bool = False) -> None:
    """PostgreSQL settings for the current transaction of a bulk job (call inside atomic()).

    jit off: PostgreSQL compiles a query to machine code once its estimated cost is high, as
    the chunk queries' are at 100,000 assessments; they run for milliseconds, and compiling
    took most of their time (bench/notes/rescoring.md).

    synchronous_commit off: the commit returns before its WAL reaches the disk. A crash may
    lose the last chunks' results, never corrupt them, and nothing is lost that counts: the
    chunk is marked done by a later transaction with the default synchronous commit, whose
    flush also makes this one durable; a chunk not marked done is sent again (job_resume).
    wait_for_disk=True keeps it on, for a transaction whose loss no later one would notice.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            if not wait_for_disk:
                cursor.execute("SET LOCAL synchronous_commit = off")


def _store_missing_results(assessment_ids: Sequence[int], edition: EditionSpec) -> int:
    stored, new = _results_on_edition(assessment_ids, edition)
    _point_at_results({**stored, **new}, edition.id)
    return len(new)


def results_store_scored(
    *, assessment_ids: Sequence[int], edition: EditionSpec, scored_at: datetime
) -> dict[int, int]:
    """Store the results of claimed assessments, point each at its result and mark it scored.

    The caller holds the assessments' row locks (services.assessment_score), so no other
    delivery writes the same results meanwhile. A result already stored on the edition (a
    redelivery after an admin reset the status) is kept. Returns assessment id -> result id.
    """
    stored, new = _results_on_edition(assessment_ids, edition)
    result_ids = {**stored, **new}
    _set_result_ids(
        result_ids,
        also={
            "status": Assessment.Status.SCORED.value,
            "scored_at": scored_at,
            "failure_reason": "",
        },
    )
    return result_ids


def _results_on_edition(
    assessment_ids: Sequence[int], edition: EditionSpec
) -> tuple[dict[int, int], dict[int, int]]:
    """The results already on the edition, and those stored now for the others (by assessment)."""
    stored = dict(
        Result.objects.filter(edition_id=edition.id, assessment_id__in=assessment_ids).values_list(
            "assessment_id", "pk"
        )
    )
    missing = [pk for pk in assessment_ids if pk not in stored]
    rows = [
        result_fields(assessment_id=pk, edition=edition, card=card)
        for pk, card in scorecards_for_ids(missing, edition)
    ]
    return stored, _insert_result_fields(rows)


def _insert_result_fields(rows: Sequence[ResultFields]) -> dict[int, int]:
    """Write the rows; returns the new result's id of each assessment."""
    if connection.vendor != "postgresql":
        built = [as_rows(fields) for fields in rows]
        Result.objects.bulk_create([r.result for r in built])
        PillarResult.objects.bulk_create([p for r in built for p in r.pillars])
        Recommendation.objects.bulk_create([c for r in built for c in r.recommendations])
        return {r.result.assessment_id: r.result.pk for r in built}
    # Ids come from the sequence first, so that the children can point at their result.
    ids = reserve_ids(Result, len(rows))
    copy_fields(Result, [{**r.result, "id": pk} for r, pk in zip(rows, ids, strict=True)])
    copy_fields(
        PillarResult,
        [{**p, "result_id": pk} for r, pk in zip(rows, ids, strict=True) for p in r.pillars],
    )
    copy_fields(
        Recommendation,
        [
            {**c, "result_id": pk}
            for r, pk in zip(rows, ids, strict=True)
            for c in r.recommendations
        ],
    )
    # result_fields() put the assessment's id there.
    return {cast(int, r.result["assessment_id"]): pk for r, pk in zip(rows, ids, strict=True)}


def _point_at_results(result_ids: Mapping[int, int], edition_id: int) -> None:
    """One UPDATE: each assessment (key) points at its result on this edition (value).

    An assessment whose result is on an edition published later keeps it: a slow rescoring of
    an older edition must not move a report backwards.
    """
    if not result_ids:
        return
    published_at = Edition.objects.values_list("published_at", flat=True).get(pk=edition_id)
    _set_result_ids(result_ids, unless_published_after=published_at)


def _set_result_ids(
    result_ids: Mapping[int, int],
    *,
    unless_published_after: datetime | None = None,
    also: Mapping[str, object] | None = None,
) -> None:
    """One UPDATE: each assessment (key) points at its result (value) and takes the `also` values.

    The ids are given, not looked up per row: a subquery per row on (assessment, edition) was
    planned as a scan of the edition's results, whose statistics still said it had none, so
    each chunk of a rescoring took longer than the last (bench/notes/rescoring.md).
    """
    also = dict(also or {})
    if connection.vendor == "postgresql":
        _set_result_ids_joined(result_ids, unless_published_after, also)
        return
    targets = Assessment.objects.filter(pk__in=result_ids)
    if unless_published_after is not None:
        targets = targets.exclude(result__edition__published_at__gt=unless_published_after)
    whens = [When(pk=assessment, then=Value(result)) for assessment, result in result_ids.items()]
    targets.update(result=Case(*whens, output_field=BigIntegerField()), **also)


def _set_result_ids_joined(
    result_ids: Mapping[int, int], published_after: datetime | None, also: Mapping[str, object]
) -> None:
    # Joined to the pairs as two arrays: the ORM's CASE with a branch per assessment took a
    # fifth of a chunk's time to compile and evaluate, and grows with the square of the chunk.
    assessments, results, editions = (
        Assessment._meta.db_table,
        Result._meta.db_table,
        Edition._meta.db_table,
    )
    columns = {name: column_of(Assessment._meta.get_field(name)) for name in also}
    assignments = "".join(f", {columns[name]} = %s" for name in also)
    sql = (
        f"UPDATE {assessments} a SET result_id = pairs.result_id{assignments}"
        " FROM unnest(%s::bigint[], %s::bigint[]) AS pairs(assessment_id, result_id)"
        " WHERE a.id = pairs.assessment_id"
    )
    params: list[Any] = [*also.values(), list(result_ids), list(result_ids.values())]
    if published_after is not None:
        sql += (
            f" AND NOT EXISTS (SELECT 1 FROM {results} r JOIN {editions} e ON e.id = r.edition_id"
            " WHERE r.id = a.result_id AND e.published_at > %s)"
        )
        params.append(published_after)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
