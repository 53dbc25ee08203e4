"""A real Celery worker on real Redis and PostgreSQL scores a submitted assessment."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.core.scoring import score
from assessments.demo import answers_at
from assessments.edition_specs import edition_spec
from assessments.models import Assessment, Category, Edition, Result
from assessments.tests.factories import BrandFactory, UserFactory
from tests.processes import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_real_worker_scores_a_submitted_assessment_as_the_pure_engine_does(worker):
    spec = edition_spec(Edition.objects.current().pk)
    answers = answers_at(spec, 0.35)
    assessment = services.assessment_create(
        brand=BrandFactory(),
        category=Category.objects.get(slug="personal-care"),
        user=UserFactory(),
        answers=answers,
        submit=True,
    )

    def scored() -> bool:
        assessment.refresh_from_db()
        return assessment.status in {Assessment.Status.SCORED, Assessment.Status.FAILED}

    assert wait_for(scored, timeout=60), f"still {assessment.status} after 60 s"
    assert assessment.status == Assessment.Status.SCORED, assessment.failure_reason
    expected = score(spec, "personal-care", answers)
    result = Result.objects.get(assessment=assessment)
    assert result.edition_id == spec.id
    assert result.overall == pytest.approx(expected.overall)
    assert result.readiness_index == pytest.approx(expected.index)
    assert result.tier_key == expected.tier.key
    assert [p.score for p in result.pillars.all()] == pytest.approx(
        [p.score for p in expected.pillars]
    )
