"""The API's report of a scored assessment: its fixed part built once per result and language.

A report's tier, pillars, recommendations with their evidence and the edition's context are
fixed by its result and its published (read-only) edition; only its previous assessment, its
percentile and the current edition's label change later (report_data.ReportState). Building
the fixed part was most of a built report's time (bench/notes/reads.md), so the first read of a
result keeps it in StoredReport, read with the assessment in the report's one main query, and
every later build reads only what changes: three queries, whatever the report's size.

The part is built on read, not when scoring stores the result: a rescoring of 100,000
assessments on a new edition would otherwise build 200,000 reports that few will open.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from functools import lru_cache
from pathlib import Path
from typing import cast

import orjson
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import OuterRef, QuerySet, Subquery, TextField, prefetch_related_objects
from django.http import Http404
from django.utils.translation import get_language

from api import shapes
from api.models import StoredReport
from api.readers import SLOTS, role_of, stand_in
from assessments import evidence_words, localized, report_data
from assessments.core import evidence, texts
from assessments.models import Assessment
from readiness.compiled import CompiledRead

logger = logging.getLogger(__name__)

# Bump when the stored part changes in a way the sources below do not show (a library's output).
SHAPE_VERSION = 1
# The code that builds the stored part: a deploy that changes one builds every part afresh.
SHAPED_BY = (shapes, report_data, evidence_words, localized, evidence, texts)


# An id past the column's range matches no row; bound as a value, PostgreSQL would refuse it.
LARGEST_ID = 2**63 - 1


def with_stored_report(
    queryset: QuerySet[Assessment], language: str | None = None
) -> QuerySet[Assessment]:
    """The assessments with their result's stored part in the request's language, if kept
    (`stored_report`, None otherwise): a subquery of the main query, not a query of its own."""
    stored = StoredReport.objects.filter(
        result_id=OuterRef("result_id"), language=language or _language(), shape=shape()
    ).values("body")[:1]
    return queryset.select_related("brand", "category", "edition", "result__edition").annotate(
        stored_report=Subquery(stored, output_field=TextField())
    )


def _report(language: str, **slots: int) -> QuerySet[Assessment]:
    pk = slots.pop("pk")
    visible = Assessment.objects.visible_to(stand_in(**slots))
    return with_stored_report(visible.filter(pk=pk), language)


# The report's main query, compiled once per thread, role and language (readiness/compiled.py):
# building and compiling it was a third of a built report's time (bench/notes/reads.md).
_READS = {role: CompiledRead(_report, *slots, "pk") for role, slots in SLOTS.items()}


def visible_report(user, pk: int) -> Assessment:
    """The assessment `pk` if `user` may read it, as with_stored_report() reads it; else 404."""
    if not user.is_authenticated or not 0 < pk <= LARGEST_ID:
        raise Http404
    role, slots = role_of(user)
    found = _READS[role].read(_language(), pk=pk, **slots)
    if not found:
        raise Http404
    return found[0]


def report_json(assessment: Assessment) -> dict:
    """ReportSerializer's JSON of a scored assessment read with with_stored_report()."""
    stored = getattr(assessment, "stored_report", None)
    if stored is not None:
        part = orjson.loads(stored)
        return shapes.report_from(part, assessment, report_data.report_state(assessment))
    prefetch_related_objects([assessment], "result__pillars", "result__recommendations")
    report = report_data.report_for(assessment)  # raises for an assessment without a result
    _keep(cast(int, assessment.result_id), shapes.report_part(report))
    return shapes.report_json(report)


def _keep(result_id: int, part: dict) -> None:
    """Store a built part; a failure is logged, never the reader's (the next read builds it)."""
    body = orjson.dumps(part).decode()
    row = StoredReport(result_id=result_id, language=_language(), shape=shape(), body=body)
    try:
        with transaction.atomic():
            # Two first reads at once build the same part: the second write replaces the first.
            StoredReport.objects.bulk_create(
                [row],
                update_conflicts=True,
                unique_fields=["result", "language"],
                update_fields=["shape", "body"],
            )
    except DatabaseError:
        logger.warning("The report part of result %s was not stored", result_id, exc_info=True)


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


@lru_cache(maxsize=1)
def shape() -> str:
    """A digest of what builds a stored part: its code, the message catalogs (labels, share
    wording) and the project's migrations (the Chinese of a published edition is corrected by
    a data migration, never in the admin: parts built before it are not read after it)."""
    digest = hashlib.sha256(str(SHAPE_VERSION).encode())
    for module in SHAPED_BY:
        digest.update(inspect.getsource(module).encode())
    root = Path(settings.BASE_DIR)
    for catalog in sorted(root.glob("locale/*/LC_MESSAGES/django.mo")):
        digest.update(catalog.read_bytes())
    for app in ("assessments", "api"):
        for migration in sorted((root / app / "migrations").glob("[0-9]*.py")):
            digest.update(migration.name.encode())
    return digest.hexdigest()[:32]
