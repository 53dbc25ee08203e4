"""The report and list rows as JSON-ready dicts, built by plain functions per request.

The same JSON as api/serializers.py's ReportSerializer and AssessmentSerializer give, which stay
the schema's description of it (drf-spectacular reads them): api/tests/test_shapes.py holds the
two to the same output, field by field, in both languages. Built here because DRF's serializers
copied their declared fields and ran a field object per value: for a report of 12
recommendations with their evidence, about 500 field calls, most of a built report's Python
time (bench/notes/reads.md). Each function below reads an attribute once and converts it as the
serializer's field does (float(), int(), str(), DRF's ISO 8601 times in the current zone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo

from django.utils import timezone
from django.utils.translation import get_language

from assessments.core.evidence import Evidence
from assessments.core.texts import Text
from assessments.evidence_words import share_words
from assessments.localized import TierTexts, shown
from assessments.models import Assessment, ContextFigure, Result
from assessments.report_data import PillarRow, Previous, RecommendationRow, Report


def report_json(report: Report) -> dict:
    """ReportSerializer(report).data, field for field."""
    zone = timezone.get_current_timezone()
    return {
        # The assessment's tier as the report names it (already read: no query).
        "assessment": assessment_json(
            report.assessment, zone, lambda _: (report.tier_name, report.tier_summary)
        ),
        "overall": _float(report.overall),
        "benchmark_overall": _float(report.benchmark_overall),
        "readiness_index": _float(report.readiness_index),
        "index_change": _float(report.index_change),
        "tier": {
            "key": _str(report.tier_key),
            "name": _text(report.tier_name),
            "summary": _text(report.tier_summary),
        },
        "edition": {
            "id": int(report.edition_id),
            "label": _str(report.edition_label),
            "release_note": _str(report.edition_release_note),
        },
        "current_edition_label": _str(report.current_edition_label),
        "pillars": [_pillar(p) for p in report.pillars],
        "recommendations": [_recommendation(r) for r in report.recommendations],
        "previous": _previous(report.previous, zone),
        "percentile": _float(report.percentile),
        "context": [_context(c) for c in report.context],
    }


def assessments_json(assessments: Iterable[Assessment]) -> list[dict]:
    """AssessmentSerializer(assessments, many=True).data: the rows of a list page."""
    zone = timezone.get_current_timezone()
    tiers = TierTexts(get_language())  # one query per edition met, in Chinese only
    return [assessment_json(a, zone, tiers.of) for a in assessments]


def assessment_json(
    assessment: Assessment, zone: tzinfo, tier_texts: Callable[[Result], tuple[Text, Text]]
) -> dict:
    """A stored result's tier named as its edition names it in the request's language (the
    serializer's ResultTierSerializer), not by the result's English copy."""
    brand, category, edition, result = (
        assessment.brand,
        assessment.category,
        assessment.edition,
        assessment.result,
    )
    return {
        "id": int(assessment.pk),
        "brand": {"slug": _str(brand.slug), "name": _str(brand.name)},
        "category": {"slug": _str(category.slug), "name": _str(category.name)},
        "status": _str(assessment.status),
        "version": int(assessment.version),
        "edition": {"id": int(edition.pk), "label": _str(edition.label)},
        "created_at": _time(assessment.created_at, zone),
        "updated_at": _time(assessment.updated_at, zone),
        "submitted_at": _time(assessment.submitted_at, zone),
        "scored_at": _time(assessment.scored_at, zone),
        "overall": None if result is None else _float(result.overall),
        "readiness_index": None if result is None else _float(result.readiness_index),
        "tier": None if result is None else _result_tier(result, tier_texts),
    }


def _result_tier(result: Result, tier_texts: Callable[[Result], tuple[Text, Text]]) -> dict:
    name, summary = tier_texts(result)
    return {"key": _str(result.tier_key), "name": _text(name), "summary": _text(summary)}


def _pillar(row: PillarRow) -> dict:
    return {
        "key": _str(row.key),
        "name": _text(row.name),
        "score": _float(row.score),
        "benchmark": _float(row.benchmark),
        "gap": _float(row.gap),
        "change": _float(row.change),
    }


def _recommendation(row: RecommendationRow) -> dict:
    return {
        "rank": int(row.rank),
        "bucket": _str(row.bucket),
        "practice_key": _str(row.practice_key),
        "pillar_key": _str(row.pillar_key),
        "title": _text(row.title),
        "text": _text(row.text),
        "effort": int(row.effort),
        "effort_label": _str(row.effort_label),
        "expected_gain": float(row.expected_gain),
        "share": _float(row.share),
        "basis": _str(row.basis),
        "is_fallback": bool(row.is_fallback),
        "wording": _str(row.wording),
        "share_text": share_words(row),
        "evidence": [_citation(e) for e in row.evidence],
    }


def _citation(evidence: Evidence) -> dict:
    return {
        "category": _str(evidence.category),
        "percent": _float(evidence.percent),
        "statement": _text(evidence.statement),
        "population": _text(evidence.population),
        "population_kind": _str(evidence.population_kind),
        "is_proxy": bool(evidence.is_proxy),
        "publisher": _text(evidence.publisher),
        "title": _text(evidence.title),
        "year": int(evidence.year),
        "url": _str(evidence.url),
        "observed_brands": None
        if evidence.observed_brands is None
        else int(evidence.observed_brands),
        "note": _text(evidence.note),
    }


def _previous(previous: Previous | None, zone: tzinfo) -> dict | None:
    if previous is None:
        return None
    return {
        "assessment_id": int(previous.assessment_id),
        "submitted_at": _time(previous.submitted_at, zone),
        "readiness_index": _float(previous.readiness_index),
        "edition": {"id": int(previous.edition_id), "label": _str(previous.edition_label)},
        "same_edition": bool(previous.same_edition),
    }


def _context(figure: ContextFigure) -> dict:
    return {
        "statement": _str(figure.statement),
        "publisher": _str(figure.publisher),
        "title": _str(figure.title),
        "year": int(figure.year),
        "population": _str(figure.population),
        "note": _str(figure.note),
    }


# DRF's serializers answer None for a None attribute, whatever the field.


def _float(value) -> float | None:
    return None if value is None else float(value)


def _str(value) -> str | None:
    return None if value is None else str(value)


def _text(value) -> str | None:
    """api.serializers.TextField: a Text in the request's language."""
    if value is None:
        return None
    return shown(value) if isinstance(value, Text) else str(value)


def _time(value: datetime | None, zone: tzinfo) -> str | None:
    """DRF's DateTimeField: ISO 8601 in the current time zone, with Z for UTC."""
    if not value:
        return None
    text = timezone.localtime(value, zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
