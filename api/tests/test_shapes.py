"""api/shapes.py builds the JSON of ReportSerializer and AssessmentSerializer, field for field.

The serializers stay the schema (drf-spectacular reads them); the shapes answer requests. Every
report and list row of a varied set of assessments, in both languages, must be the same.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from api import serializers as s
from api import shapes, stored_reports
from api.models import StoredReport
from assessments import publishing
from assessments.models import Assessment, Category, Edition
from assessments.report_data import report_for
from assessments.tests.factories import AssessmentFactory, BrandFactory, scored_assessment


def json(data) -> bytes:
    """As the API sends it: the same bytes, keys in the same order."""
    return JSONRenderer().render(data)


@pytest.fixture
def varied(own_brand, foreign_brand, beauty, django_capture_on_commit_callbacks):
    """Drafts, scored reports with and without a previous one, with a percentile, across
    categories, novices (many recommendations) and near-full adopters, and an older edition."""

    def scored(brand, category, maturity):
        return scored_assessment(
            brand=brand,
            category=category,
            maturity=maturity,
            capture=django_capture_on_commit_callbacks,
        )

    categories = list(Category.objects.order_by("slug"))
    for n in range(6):
        scored(BrandFactory(slug=f"peer-{n}"), beauty, (n + 1) / 8)
    scored(own_brand, beauty, 0.05)
    scored(own_brand, beauty, 0.5)
    scored(own_brand, beauty, 0.97)
    for n, category in enumerate(categories[:4]):
        scored(foreign_brand, category, n / 4)
    AssessmentFactory(brand=own_brand)
    draft = publishing.edition_copy(edition=Edition.objects.current(), label="next")
    publishing.edition_publish(edition_id=draft.pk)  # the others are now on an older edition
    scored(own_brand, beauty, 0.3)
    return Assessment.objects.with_report()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_report_is_the_serializers_json(varied, language):
    reports = [report_for(a) for a in varied if a.result_id]
    assert any(r.previous for r in reports) and any(r.percentile is not None for r in reports)
    assert any(r.current_edition_label for r in reports)
    assert len({len(r.recommendations) for r in reports}) > 2
    with translation.override(language):
        for report in reports:
            assert json(shapes.report_json(report)) == json(s.ReportSerializer(report).data)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_list_row_is_the_serializers_json(varied, language):
    rows = list(Assessment.objects.for_list())
    assert {a.status for a in rows} >= {"draft", "scored"}
    with translation.override(language):
        served = shapes.assessments_json(shapes.list_rows(Assessment.objects.for_list()))
        assert json(served) == json(s.AssessmentSerializer(rows, many=True).data)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_list_rows_in_any_time_zone_are_the_serializers_json(varied, zone):
    # A time of whole seconds too, which ISO 8601 writes without its fraction.
    whole = Assessment.objects.filter(result__isnull=False).first()
    Assessment.objects.filter(pk=whole.pk).update(created_at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    rows = list(Assessment.objects.for_list())
    with timezone.override(zone):
        served = shapes.assessments_json(shapes.list_rows(Assessment.objects.for_list()))
        assert json(served) == json(s.AssessmentSerializer(rows, many=True).data)
    shown = {row["id"]: row["created_at"] for row in served}
    offset = {"UTC": "Z", "Asia/Shanghai": "+08:00", "America/New_York": "-05:00"}[zone]
    assert shown[whole.pk].endswith(f":00{offset}")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_report_built_from_its_stored_part_is_the_serializers_json(varied, language):
    scored = [a.pk for a in varied if a.result_id]
    with translation.override(language):
        first = {a.pk: json(stored_reports.report_json(a)) for a in _with_parts(scored)}
        assert StoredReport.objects.filter(language=language).count() == len(scored)
        for assessment in _with_parts(scored):
            assert assessment.stored_report is not None
            expected = json(s.ReportSerializer(report_for(_reloaded(assessment.pk))).data)
            assert json(stored_reports.report_json(assessment)) == expected == first[assessment.pk]


def _with_parts(pks):
    return stored_reports.with_stored_report(Assessment.objects.filter(pk__in=pks))


def _reloaded(pk):
    return Assessment.objects.with_report().get(pk=pk)
