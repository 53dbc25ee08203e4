"""A portfolio of scored assessments in the benchmark database, made fast and kept between runs.

portfolio(n) brings the database to exactly n scored assessments, one per brand (so rescoring,
which takes the latest scored assessment of each brand, covers all n). Brands, assessments and
answers go in with COPY; results are stored by the service's own bulk path
(scorecard_store.results_store_bulk), so they are exactly what the service stores. Growing keeps
what exists; shrinking starts again, because TRUNCATE is far faster than deleting rows one by one.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from assessments import scorecard_store
from assessments.accounts import Role, user_create
from assessments.bulk_insert import copy_rows, reserve_ids
from assessments.core.answers import validate_answers
from assessments.core.specs import EditionSpec
from assessments.demo import answers_at
from assessments.edition_specs import edition_spec
from assessments.models import (
    Answer,
    Assessment,
    Brand,
    Category,
    Edition,
    PillarResult,
    Question,
    Recommendation,
    Result,
)

# Not "bench-": the API and Celery items' brands (bench-api-1, bench-celery) start with that, and
# counting them as the portfolio's left it short of n.
BRAND_PREFIX = "portfolio-"
ADMIN = "bench-admin"
PASSWORD = "bench-readiness"  # a throwaway database on the loopback: not a secret
# Results are stored in slices this big: one transaction each, as a rescoring chunk would.
RESULT_SLICE = 2000
# Answer sets at this many maturity levels; each assessment mixes them per question.
LEVELS = 21


@dataclass(frozen=True)
class PortfolioInfo:
    """What a measurement needs to know about the portfolio it runs on."""

    edition_id: int
    token: str  # the admin's, who sees every assessment


def portfolio(n: int, *, seed: int = 7) -> PortfolioInfo:
    """Exactly n scored assessments (one per bench brand), and an admin who sees them all."""
    existing = Assessment.objects.filter(brand__slug__startswith=BRAND_PREFIX).count()
    if existing > n:
        _truncate()
        existing = 0
    if existing < n:
        _add(existing, n - existing, random.Random(seed + existing))
    _, token = user_create(username=ADMIN, role=Role.ADMIN, password=PASSWORD, token_name="bench")
    assert token is not None  # asked for with token_name
    return PortfolioInfo(Edition.objects.current().pk, token)


def _truncate() -> None:
    # CASCADE takes answers, results and their child rows with the assessments.
    tables = ", ".join(m._meta.db_table for m in (Assessment, Brand))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")


def _add(start: int, count: int, rng: random.Random) -> None:
    spec = edition_spec(Edition.objects.current().pk)
    user, _ = user_create(username=ADMIN, role=Role.ADMIN, password=PASSWORD)
    with transaction.atomic():
        brand_ids = _copy_brands(start, count)
        assessment_ids = _copy_assessments(brand_ids, spec, user.pk, rng)
        _copy_answers(assessment_ids, spec, rng)
    for i in range(0, len(assessment_ids), RESULT_SLICE):
        slice_ = assessment_ids[i : i + RESULT_SLICE]
        scorecard_store.results_store_bulk(assessment_ids=slice_, edition_id=spec.id)
    vacuum_analyze()


def vacuum_analyze() -> None:
    # A service that grew to this size has had autovacuum pass over it: fresh statistics (or
    # the planner takes 100,000 rows for a handful) and a visibility map (or a count reads the
    # table, not only its index). Autovacuum would get there in its own time; a benchmark
    # measures the steady state, so it does it now.
    models = (Brand, Assessment, Answer, Result, PillarResult, Recommendation)
    tables = ", ".join(m._meta.db_table for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def _copy_brands(start: int, count: int) -> list[int]:
    categories = list(Category.objects.filter(is_fallback=False).values_list("pk", flat=True))
    ids = reserve_ids(Brand, count)
    now = timezone.now()
    rows = [
        (
            pk,
            f"{BRAND_PREFIX}{start + i:06d}",
            f"Bench brand {start + i}",
            categories[i % len(categories)],
            now,
        )
        for i, pk in enumerate(ids)
    ]
    copy_rows(Brand, ["id", "slug", "name", "default_category_id", "created_at"], rows)
    return ids


def _copy_assessments(brand_ids: list[int], spec: EditionSpec, user_id: int, rng) -> list[int]:
    categories = dict(Brand.objects.filter(pk__in=brand_ids).values_list("pk", "default_category"))
    ids = reserve_ids(Assessment, len(brand_ids))
    now = timezone.now()
    columns = [
        "id", "brand_id", "category_id", "edition_id", "status", "created_by_id",
        "submitted_by_id", "created_at", "updated_at", "submitted_at", "scored_at", "version",
        "resume_step", "failure_reason",
    ]  # fmt: skip
    rows = []
    for pk, brand_id in zip(ids, brand_ids, strict=True):
        # Spread over two years, so the list's ordering and date filters meet realistic data.
        created = now - timedelta(seconds=rng.randrange(2 * 365 * 86400))
        submitted = created + timedelta(minutes=rng.randrange(5, 600))
        rows.append(
            (pk, brand_id, categories[brand_id], spec.id, Assessment.Status.SCORED, user_id,
             user_id, created, submitted, submitted, submitted, 3, "", "")
        )  # fmt: skip
    copy_rows(Assessment, columns, rows)
    return ids


def _copy_answers(assessment_ids: list[int], spec: EditionSpec, rng) -> None:
    question_ids = dict(Question.objects.filter(edition_id=spec.id).values_list("key", "pk"))
    # The answers of a brand at each maturity, as JSON text per question: an assessment takes
    # each question's answer from a level near its own, so brands differ per practice.
    levels = [
        {key: json.dumps(value) for key, value in _as_saved(spec, lv / (LEVELS - 1)).items()}
        for lv in range(LEVELS)
    ]
    now = timezone.now()
    rows = (
        (assessment_id, question_ids[key], levels[_near(level, rng)][key], now)
        for assessment_id, level in ((pk, rng.randrange(LEVELS)) for pk in assessment_ids)
        for key in levels[0]
    )
    copy_rows(Answer, ["assessment_id", "question_id", "value", "updated_at"], rows)


def _as_saved(spec: EditionSpec, maturity: float) -> dict[str, object]:
    # Validated and normalized as the service saves answers (choices sorted, percents floats).
    return dict(validate_answers(spec, answers_at(spec, maturity), complete=True))


def _near(level: int, rng: random.Random) -> int:
    return min(LEVELS - 1, max(0, level + rng.randint(-4, 4)))
