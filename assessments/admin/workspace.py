"""A draft's workspace: every row of the edition on one page, with its problems and edit links.

Fixing a draft used to take one page per row kind and a preview to see what was still wrong;
here the pillars, their practices, figures and questions, the tiers and context figures are
listed together, each with the checks' current messages about it (integrity.problem_ref).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from assessments import publishing
from assessments.models import Citation, ContextFigure, Edition, Pillar, Practice, Question, Tier


@dataclass
class Entry:
    """One row on the page: the model row and what the checks say about it."""

    row: object
    problems: list[str] = field(default_factory=list)
    children: dict[str, list] = field(default_factory=dict)


def workspace(edition: Edition) -> dict[str, object]:
    """The page's rows, read in a fixed number of queries whatever the edition's size."""
    problems = publishing.edition_problem_rows(edition_id=edition.pk) if edition.is_draft else []
    by_ref: dict[tuple[str, str], list[str]] = defaultdict(list)
    for problem in problems:
        by_ref[(problem.kind, problem.key)].append(problem.message)
    citations = _grouped(
        Citation.objects.filter(practice__edition=edition).select_related("category"),
        "practice_id",
    )
    questions = _grouped(
        Question.objects.filter(edition=edition).annotate(choice_count=Count("choices")),
        "practice_id",
    )
    practices = _grouped(Practice.objects.filter(edition=edition), "pillar_id")
    pillars = [
        Entry(
            pillar,
            by_ref[("pillar", pillar.key)],
            {
                "practices": [
                    _practice(p, by_ref, citations, questions) for p in practices[pillar.pk]
                ]
            },
        )
        for pillar in Pillar.objects.filter(edition=edition)
    ]
    return {
        "pillars": pillars,
        "tiers": [Entry(t, by_ref[("tier", t.key)]) for t in Tier.objects.filter(edition=edition)],
        "figures": [
            Entry(f, by_ref[("figure", f.statement[:40])])
            for f in ContextFigure.objects.filter(edition=edition)
        ],
        "edition_problems": by_ref[("edition", "")],
        "problems": [problem.message for problem in problems],
    }


def _practice(practice: Practice, by_ref, citations, questions) -> Entry:
    asked = [Entry(q, by_ref[("question", q.key)]) for q in questions[practice.pk]]
    return Entry(
        practice,
        by_ref[("practice", practice.key)],
        {"citations": citations[practice.pk], "questions": asked},
    )


def _grouped(rows, key: str) -> dict[int, list]:
    groups: dict[int, list] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups
