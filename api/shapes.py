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

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, tzinfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from assessments.core.evidence import Evidence
from assessments.core.texts import Text, pick
from assessments.evidence_words import share_words
from assessments.localized import TierTexts, shown
from assessments.models import Assessment, ContextFigure
from assessments.report_data import (
    PillarRow,
    Previous,
    RecommendationRow,
    Report,
    ReportState,
    pillar_change,
)


def report_json(report: Report) -> dict:
    """ReportSerializer(report).data, field for field."""
    return report_from(report_part(report), report.assessment, report.state)


def report_part(report: Report) -> dict:
    """The part of a report's JSON that its result and edition fix, in the request's language.

    api/stored_reports.py keeps it per result and language; report_from() adds the rest.
    """
    return {
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
        "pillars": [_pillar(p) for p in report.pillars],
        "recommendations": [_recommendation(r) for r in report.recommendations],
        "context": [_context(c) for c in report.context],
    }


def report_from(part: dict, assessment: Assessment, state: ReportState) -> dict:
    """The report's JSON: a part from report_part() and what changes, in the serializer's order."""
    zone = _zone()
    result = assessment.result
    assert result is not None  # a report is of a scored assessment
    index = result.readiness_index
    before = state.previous.readiness_index if state.previous else None
    return {
        # The assessment's tier as the report names it.
        "assessment": assessment_json(values_of(assessment), zone, lambda _: part["tier"]),
        "overall": _float(result.overall),
        "benchmark_overall": _float(result.benchmark_overall),
        "readiness_index": _float(index),
        "index_change": None if index is None or before is None else float(index - before),
        "tier": part["tier"],
        "edition": part["edition"],
        "current_edition_label": _str(state.current_edition_label),
        "pillars": [_pillar_changed(row, state) for row in part["pillars"]],
        "recommendations": part["recommendations"],
        "previous": _previous(state.previous, zone),
        "percentile": _float(state.percentile),
        "context": part["context"],
    }


# What a list row shows, read as values() (no model instances: 250 of them were most of a
# 50-row page's time); values_of() gives the same for an assessment already read.
LIST_VALUES = (
    *("id", "status", "version", "created_at", "updated_at", "submitted_at", "scored_at"),
    *("brand__slug", "brand__name", "category__slug", "category__name_en"),
    *("category__name_zh_hans", "edition_id", "edition__label", "result_id"),
    *("result__overall", "result__readiness_index", "result__edition_id"),
    *("result__tier_key", "result__tier_name", "result__tier_summary"),
)


def list_rows(queryset: QuerySet[Assessment]) -> QuerySet:
    """The rows assessments_json() takes: each assessment's LIST_VALUES, in the queryset's order."""
    return queryset.values(*LIST_VALUES)


def assessments_json(rows: Iterable[Mapping], generation: int | None = None) -> list[dict]:
    """AssessmentSerializer(assessments, many=True).data: the rows of a list page.

    `generation`: the global one the request read before its rows, if any (TierTexts)."""
    zone = _zone()
    language = get_language()  # read once: it was a tenth of a page's conversion, read per text
    tiers = TierTexts(language, generation)  # a query per edition met, in Chinese only
    return [
        assessment_json(row, zone, lambda row: _result_tier(row, tiers), language) for row in rows
    ]


def values_of(assessment: Assessment) -> dict:
    """An assessment read as a model instance, as list_rows() reads it."""
    brand, category, result = assessment.brand, assessment.category, assessment.result
    return {
        "id": assessment.pk,
        "status": assessment.status,
        "version": assessment.version,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "submitted_at": assessment.submitted_at,
        "scored_at": assessment.scored_at,
        "brand__slug": brand.slug,
        "brand__name": brand.name,
        "category__slug": category.slug,
        # The translated columns (assessments/translation.py), which the stubs do not know.
        "category__name_en": getattr(category, "name_en"),  # noqa: B009
        "category__name_zh_hans": getattr(category, "name_zh_hans"),  # noqa: B009
        "edition_id": assessment.edition_id,
        "edition__label": assessment.edition.label,
        "result_id": assessment.result_id,
        "result__overall": result and result.overall,
        "result__readiness_index": result and result.readiness_index,
        "result__edition_id": result and result.edition_id,
        "result__tier_key": result and result.tier_key,
        "result__tier_name": result and result.tier_name,
        "result__tier_summary": result and result.tier_summary,
    }


def assessment_json(
    row: Mapping, zone: tzinfo, tier: Callable[[Mapping], dict], language: str | None = None
) -> dict:
    """A row of LIST_VALUES as the serializer gives it. A stored result's tier is named as its
    edition names it in the request's language (the serializer's ResultTierSerializer), not by
    the result's English copy. `language` is the request's, when the caller has read it once
    for many rows."""
    language = language or get_language()
    scored = row["result_id"] is not None
    return {
        "id": int(row["id"]),
        "brand": {"slug": _str(row["brand__slug"]), "name": _str(row["brand__name"])},
        "category": {
            "slug": _str(row["category__slug"]),
            "name": pick(row["category__name_en"], row["category__name_zh_hans"], language),
        },
        "status": _str(row["status"]),
        "version": int(row["version"]),
        "edition": {"id": int(row["edition_id"]), "label": _str(row["edition__label"])},
        "created_at": _time(row["created_at"], zone),
        "updated_at": _time(row["updated_at"], zone),
        "submitted_at": _time(row["submitted_at"], zone),
        "scored_at": _time(row["scored_at"], zone),
        "overall": _float(row["result__overall"]) if scored else None,
        "readiness_index": _float(row["result__readiness_index"]) if scored else None,
        "tier": tier(row) if scored else None,
    }


def _result_tier(row: Mapping, tiers: TierTexts) -> dict:
    key = row["result__tier_key"]
    name, summary = tiers.shown(
        key, row["result__tier_name"], row["result__tier_summary"], row["result__edition_id"]
    )
    return {"key": _str(key), "name": name, "summary": summary}


def _pillar_changed(row: dict, state: ReportState) -> dict:
    """A part's pillar with its change since the previous assessment, as PillarRow.change."""
    change = pillar_change(row["score"], state.scores_before.get(row["key"]))
    return {**row, "change": _float(change)}


def _pillar(row: PillarRow) -> dict:
    """Without its change since the previous assessment: report_from() adds it, last."""
    return {
        "key": _str(row.key),
        "name": _text(row.name),
        "score": _float(row.score),
        "benchmark": _float(row.benchmark),
        "gap": _float(row.gap),
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


def _zone() -> tzinfo:
    """The current time zone; for UTC, the tzinfo the database's values carry (readiness/db.py),
    so that _time() need not convert them."""
    zone = timezone.get_current_timezone()
    return UTC if getattr(zone, "key", None) == "UTC" else zone


def _time(value: datetime | None, zone: tzinfo) -> str | None:
    """DRF's DateTimeField: ISO 8601 in the current time zone, with Z for UTC."""
    if not value:
        return None
    if value.tzinfo is not zone:
        value = timezone.localtime(value, zone)
    written = value.isoformat()
    return written[:-6] + "Z" if written.endswith("+00:00") else written
