"""Typing the first edition's citations and loading the 2026 edition change no stored number.

A result scored on the 2017 edition is taken back to the schema before the typed citations
(0009) and forward through every migration since: its numbers, its stored evidence and the
edition's figures are the same afterwards.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import Assessment, Citation, Edition
from assessments.tests.factories import BrandFactory, scored_assessment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
BEFORE_TYPED_CITATIONS = ("assessments", "0009_result_explanation_derived_not_stored")


def _numbers(assessment_id: int) -> dict:
    assessment = Assessment.objects.select_related("result").get(pk=assessment_id)
    result = assessment.result
    edition = result.edition_id
    return {
        "edition": edition,
        "result": (
            result.overall,
            result.benchmark_overall,
            result.readiness_index,
            result.tier_key,
        ),
        "pillars": list(result.pillars.values_list("key", "score", "benchmark")),
        "recommendations": [
            (
                r.practice_key,
                r.rank,
                r.expected_gain,
                r.share,
                r.basis,
                [e["percent"] for e in r.evidence],
            )
            for r in result.recommendations.all()
        ],
        "figures": sorted(
            Citation.objects.filter(practice__edition_id=edition).values_list(
                "practice__key", "category__slug", "use", "percent", "year"
            ),
            key=str,
        ),
    }


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(target)


def test_a_2017_results_numbers_are_unchanged_by_the_migrations(
    beauty, django_capture_on_commit_callbacks
):
    assessment = scored_assessment(
        brand=BrandFactory(),
        category=beauty,
        maturity=0.4,
        capture=django_capture_on_commit_callbacks,
    )
    assert assessment.result.edition.label == "2017 China benchmark"
    before = _numbers(assessment.pk)
    _migrate([BEFORE_TYPED_CITATIONS])
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert _numbers(assessment.pk) == before
    assert Edition.objects.current().label == "2026 China benchmark"
