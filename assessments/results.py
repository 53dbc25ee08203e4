"""Scorecards stored as result rows: one at a time (a submission) or many (rescoring, previews).

Both paths build rows with result_rows, so a result looks the same however it was written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery

from assessments.benchmark import ResolvedPrevalence, resolve_prevalence
from assessments.bulk_insert import bulk_insert, reserve_ids
from assessments.editions import edition_spec
from assessments.models import Answer, Assessment, Edition, PillarResult, Recommendation, Result
from assessments.recommendations import recommend
from assessments.scoring import Scorecard, score
from assessments.specs import EditionSpec


@dataclass(frozen=True)
class ResultRows:
    """A result and its child rows, not yet saved: the one shape both write paths store."""

    result: Result
    pillars: list[PillarResult]
    recommendations: list[Recommendation]


def result_rows(*, assessment_id: int, edition: EditionSpec, card: Scorecard) -> ResultRows:
    """The unsaved rows of a scorecard; the children point at the result, saved before them."""
    result = Result(
        assessment_id=assessment_id,
        edition_id=edition.id,
        overall=card.overall,
        benchmark_overall=card.benchmark_overall,
        readiness_index=card.index,
        tier_key=card.tier.key if card.tier else "",
        tier_name=card.tier.name if card.tier else "",
        tier_summary=card.tier.summary if card.tier else "",
        explanation=card.explain(),
    )
    pillars = [
        PillarResult(
            result=result,
            key=p.key,
            name=p.name,
            position=pos,
            weight=p.weight,
            score=p.score,
            benchmark=p.benchmark,
        )
        for pos, p in enumerate(card.pillars)
    ]
    recommendations = [
        Recommendation(
            result=result,
            rank=r.rank,
            bucket=r.bucket,
            practice_key=r.practice_key,
            pillar_key=r.pillar_key,
            title=r.title,
            text=r.text,
            effort=r.effort,
            expected_gain=r.expected_gain,
            priority_score=r.priority_score,
            share=r.share,
            basis=str(r.basis),
            evidence=[_citation_json(c) for c in r.evidence],
        )
        for r in recommend(card, edition)
    ]
    return ResultRows(result, pillars, recommendations)


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
    answers: dict[int, dict[str, object]] = defaultdict(dict)
    rows = Answer.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "question__key", "value"
    )
    for assessment_id, key, value in rows.iterator(chunk_size=5000):
        answers[assessment_id][key] = value
    prevalence: dict[str, dict[str, ResolvedPrevalence]] = {}
    cards = []
    for assessment_id in assessment_ids:
        category = categories.get(assessment_id)
        if category is None:
            continue
        if category not in prevalence:
            prevalence[category] = resolve_prevalence(edition, category)
        card = score(edition, category, answers[assessment_id], prevalence[category])
        cards.append((assessment_id, card))
    return cards


def results_store_bulk(*, assessment_ids: Sequence[int], edition_id: int) -> int:
    """Store each assessment's result on an edition and point the assessment at it.

    Idempotent: results that exist are kept, so a second run stores nothing (one result per
    assessment and edition, backed by the unique constraint). Returns how many were stored.
    """
    edition = edition_spec(edition_id)
    try:
        with transaction.atomic():
            return _store_missing_results(assessment_ids, edition)
    except IntegrityError:
        # A second delivery of the same chunk stored some of them between our read and our
        # write; everything it did not store is stored now.
        with transaction.atomic():
            return _store_missing_results(assessment_ids, edition)


def _store_missing_results(assessment_ids: Sequence[int], edition: EditionSpec) -> int:
    existing = set(
        Result.objects.filter(edition_id=edition.id, assessment_id__in=assessment_ids).values_list(
            "assessment_id", flat=True
        )
    )
    missing = [pk for pk in assessment_ids if pk not in existing]
    rows = [
        result_rows(assessment_id=pk, edition=edition, card=card)
        for pk, card in scorecards_for_ids(missing, edition)
    ]
    _insert_result_rows(rows)
    _point_at_results(assessment_ids, edition.id)
    return len(rows)


def _insert_result_rows(rows: Sequence[ResultRows]) -> None:
    results = [r.result for r in rows]
    if connection.vendor == "postgresql":
        reserve_ids(Result, results)
        bulk_insert(Result, results)
    else:
        Result.objects.bulk_create(results)
    bulk_insert(PillarResult, [p for r in rows for p in r.pillars])
    bulk_insert(Recommendation, [c for r in rows for c in r.recommendations])


def _point_at_results(assessment_ids: Sequence[int], edition_id: int) -> None:
    """One UPDATE: each assessment's latest result becomes the one on this edition.

    An assessment whose result is on an edition published later keeps it: a slow rescoring of
    an older edition must not move a report backwards.
    """
    published_at = Edition.objects.values_list("published_at", flat=True).get(pk=edition_id)
    newest = Result.objects.filter(assessment=OuterRef("pk"), edition_id=edition_id).values("pk")
    targets = Assessment.objects.filter(pk__in=assessment_ids)
    if published_at is not None:
        targets = targets.exclude(result__edition__published_at__gt=published_at)
    targets.update(result=Subquery(newest[:1]))


def _citation_json(citation) -> dict[str, object]:
    return {
        "percent": citation.percent,
        "statement": citation.statement,
        "source": citation.source,
        "year": citation.year,
        "population": citation.population,
        "category": citation.category,
        "note": citation.note,
    }
