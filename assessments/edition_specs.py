"""Read an edition from the database into the plain specs that the pure scoring modules take."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation

from assessments.core.specs import (
    ChoiceSpec,
    CitationSpec,
    EditionSpec,
    PillarSpec,
    PracticeSpec,
    QuestionSpec,
    QuestionType,
    ShownIf,
    TierSpec,
)
from assessments.core.texts import EditionTexts, Text, TextPath, text
from assessments.models import Edition, Practice, Question


def edition_spec(edition_id: int) -> EditionSpec:
    """The edition as specs; published editions never change, so they are read once per process."""
    status, published_at = Edition.objects.values_list("status", "published_at").get(pk=edition_id)
    return edition_spec_for(edition_id, status, published_at)


def edition_spec_for(edition_id: int, status: str, published_at: object) -> EditionSpec:
    """edition_spec() for a caller that already read the edition's status and publication time.

    Scoring reads them in the query that locks the assessment, so a warm worker builds no spec
    and asks nothing more of the database.
    """
    if status == Edition.Status.PUBLISHED:
        # Keyed on the publication time too, so a reused id (a rolled-back test) never hits.
        return _published_edition_spec(edition_id, published_at)
    return _load_edition_spec(edition_id)


def edition_spec_of(edition: Edition) -> EditionSpec:
    """edition_spec for an Edition row already read (no query when a published one is cached)."""
    return edition_spec_for(edition.pk, edition.status, edition.published_at)


@lru_cache(maxsize=16)
def _published_edition_spec(edition_id: int, published_at: object) -> EditionSpec:
    return _load_edition_spec(edition_id)


def _load_edition_spec(edition_id: int) -> EditionSpec:
    # The spec's own texts are English whatever language the request asking for it speaks:
    # specs are cached across requests, and scoring and stored results are in English.
    with translation.override(settings.LANGUAGE_CODE):
        return _read_edition_spec(edition_id)


def _read_edition_spec(edition_id: int) -> EditionSpec:
    edition = (
        Edition.objects.with_benchmark()
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.select_related("practice__pillar").prefetch_related(
                    "choices"
                ),
            )
        )
        .get(pk=edition_id)
    )
    return EditionSpec(
        id=edition.pk,
        label=edition.label,
        pillars=tuple(
            PillarSpec(key=p.key, name=p.name, weight=float(p.weight))
            for p in edition.pillars.all()
        ),
        practices=tuple(_practice_spec(p) for p in edition.practices.all()),
        questions=tuple(_question_spec(q) for q in edition.questions.all()),
        tiers=tuple(
            TierSpec(key=t.key, name=t.name, min_index=float(t.min_index), summary=t.summary)
            for t in edition.tiers.all()
        ),
        texts=_edition_texts(edition),
    )


def _edition_texts(edition: Edition) -> EditionTexts:
    """Both languages of every text the edition shows, from the rows already fetched."""
    entries: dict[TextPath, Text] = {}

    def put(kind: str, key: str, row: object, *names: str) -> None:
        for name in names:
            entries[(kind, key, name)] = _both_languages(row, name)

    for p in edition.pillars.all():
        put("pillar", p.key, p, "name", "description")
    for t in edition.tiers.all():
        put("tier", t.key, t, "name", "summary")
    for pr in edition.practices.all():
        put("practice", pr.key, pr, "title", "recommendation")
        for c in pr.benchmark_citations:
            statement = _both_languages(c, "statement").en  # citations are found by it
            put("citation", statement, c, "statement", "population", "note", "publisher", "title")
    for q in edition.questions.all():
        put("question", q.key, q, "text", "help_text")
        for choice in q.choices.all():
            entries[("choice", q.key, choice.value)] = _both_languages(choice, "label")
    return EditionTexts(entries)


def _both_languages(row: object, name: str) -> Text:
    # The columns django-modeltranslation adds beside a translated field: title_en, title_zh_hans.
    return text(getattr(row, f"{name}_en"), getattr(row, f"{name}_zh_hans"))


def _practice_spec(practice: Practice) -> PracticeSpec:
    return PracticeSpec(
        key=practice.key,
        pillar=practice.pillar.key,
        title=practice.title,
        recommendation=practice.recommendation,
        effort=practice.effort,
        weight=float(practice.weight),
        citations=tuple(
            CitationSpec(
                percent=None if c.percent is None else float(c.percent),
                statement=c.statement,
                publisher=c.publisher,
                year=c.year,
                population=c.population,
                category=c.category.slug if c.category else None,
                note=c.note,
                title=c.title,
                population_kind=c.population_kind,
                is_proxy=c.is_proxy,
                url=c.url,
                observed_brands=c.observed_brands,
            )
            for c in practice.benchmark_citations
        ),
    )


def _question_spec(question: Question) -> QuestionSpec:
    return QuestionSpec(
        key=question.key,
        practice=question.practice.key,
        pillar=question.practice.pillar.key,
        text=question.text,
        type=QuestionType(question.type),
        allows_na=question.allows_na,
        choices=tuple(
            ChoiceSpec(value=c.value, label=c.label, level=float(c.level))
            for c in question.choices.all()
        ),
        shown_if=ShownIf(question.shown_if_question, tuple(question.shown_if_values))
        if question.shown_if_question
        else None,
    )
