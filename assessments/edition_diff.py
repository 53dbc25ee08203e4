"""What a draft changes against the edition it was copied from, and when it last changed.

The publish page lists every difference (weights, figures, sources, questions, texts, rows added
and removed) and explains an impact preview's largest moves with the changed rows behind them.
Rows are matched by key (a citation by its number within its practice, as in the spreadsheet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.db.models import Max
from modeltranslation.utils import build_localized_fieldname

from assessments import scorecard_store, spreadsheets
from assessments.edition_specs import edition_spec
from assessments.models import (
    Choice,
    Citation,
    ContextFigure,
    Edition,
    EditionJob,
    Pillar,
    Practice,
    Question,
    Tier,
)

# The groups a difference falls in, in the order the page shows them.
GROUPS = ("Added and removed", "Weights", "Figures", "Sources", "Questions", "Texts and settings")


@dataclass(frozen=True)
class Difference:
    kind: str  # pillar, practice, citation, question, choice, tier, figure
    key: str
    change: str  # added, removed, changed
    field: str = ""
    old: str = ""
    new: str = ""

    @property
    def group(self) -> str:
        if self.change != "changed":
            return GROUPS[0]
        if self.field in ("weight", "min_index"):
            return GROUPS[1]
        if self.kind == "citation" and self.field in ("percent", "use", "category"):
            return GROUPS[2]
        if self.kind in ("citation", "figure") and self.field in SOURCE_FIELDS:
            return GROUPS[3]
        if self.kind in ("question", "choice"):
            return GROUPS[4]
        return GROUPS[5]


def _texts(*names: str) -> list[str]:
    return [build_localized_fieldname(n, code) for n in names for code, _ in settings.LANGUAGES]


# Where a figure comes from and whom it counts: a citation's typed fields, a context figure's
# source.
SOURCE_FIELDS = frozenset(
    {
        *_texts("publisher", "title", "population"),
        *("population_kind", "is_proxy", "source", "year", "url"),
    }
)


# kind -> (model, path to the edition, key fields, compared fields)
KINDS = {
    "pillar": (Pillar, "edition", ["key"], [*_texts("name", "description"), "weight", "position"]),
    "practice": (
        Practice,
        "edition",
        ["key"],
        ["pillar__key", *_texts("title", "recommendation"), "effort", "weight", "position"],
    ),
    "question": (
        Question,
        "edition",
        ["key"],
        ["practice__key", *_texts("text", "help_text"), "type", "allows_na", "position"],
    ),
    "choice": (
        Choice,
        "question__edition",
        ["question__key", "value"],
        [*_texts("label"), "level", "position"],
    ),
    "tier": (Tier, "edition", ["key"], [*_texts("name", "summary"), "min_index"]),
}


def edition_diff(draft: Edition) -> list[Difference]:
    """Every difference between the draft and its base, grouped as GROUPS orders them."""
    base = draft.based_on
    if base is None:
        return []
    found: list[Difference] = []
    for kind, (model, path, keys, fields) in KINDS.items():
        before = _keyed(model, path, base.pk, keys, fields)
        after = _keyed(model, path, draft.pk, keys, fields)
        found += _compare(kind, before, after)
    found += _compare("citation", _citations(base.pk), _citations(draft.pk))
    found += _compare("figure", _figures(base.pk), _figures(draft.pk))
    return sorted(found, key=lambda d: GROUPS.index(d.group))


def _keyed(model, path: str, edition_id: int, keys: list[str], fields: list[str]) -> dict:
    rows = model.objects.filter(**{f"{path}_id": edition_id}).values_list(*keys, *fields)
    return {
        "/".join(str(v) for v in row[: len(keys)]): dict(zip(fields, row[len(keys) :], strict=True))
        for row in rows
    }


def _citations(edition_id: int) -> dict[str, dict[str, object]]:
    return {
        f"{key} #{ref}": dict(
            zip(spreadsheets.CITATION_COLUMNS, spreadsheets.citation_values(c), strict=True)
        )
        for key, ref, c in spreadsheets.numbered_citations(edition_id)
    }


def _figures(edition_id: int) -> dict[str, dict[str, object]]:
    fields = [*_texts("statement", "population", "note"), "source", "year"]
    rows = ContextFigure.objects.filter(edition_id=edition_id).values_list(*fields)
    return {f"#{n}": dict(zip(fields, row, strict=True)) for n, row in enumerate(rows, start=1)}


def _compare(kind: str, before: dict, after: dict) -> list[Difference]:
    found = [Difference(kind, key, "removed") for key in before if key not in after]
    found += [Difference(kind, key, "added") for key in after if key not in before]
    for key in before.keys() & after.keys():
        for name, old in before[key].items():
            new = after[key][name]
            if _shown(old) != _shown(new):
                found.append(Difference(kind, key, "changed", name, _shown(old), _shown(new)))
    return sorted(found, key=lambda d: (d.kind, d.key, d.field))


def _shown(value: object) -> str:
    value = spreadsheets.number(value)
    return "" if value is None else str(value).strip()


# --- when the draft last changed ----------------------------------------------------------------


def last_change(draft: Edition) -> datetime | None:
    """The time of the newest recorded change to any row of the draft (history, deletes too)."""
    stamps = [
        model.history.filter(**{path: draft.pk}).aggregate(at=Max("history_date"))["at"]
        for model, path in cast(
            tuple[tuple[Any, str], ...],
            (
                (Pillar, "edition_id"),
                (Practice, "edition_id"),
                (Question, "edition_id"),
                (Tier, "edition_id"),
                (ContextFigure, "edition_id"),
                (Citation, "practice__edition_id"),
                (Choice, "question__edition_id"),
            ),
        )
    ]
    return max((s for s in stamps if s is not None), default=None)


# --- which changed rows moved a brand -----------------------------------------------------------


def explain_moves(draft: Edition, assessment_ids: list[int], diff: list[Difference]) -> dict:
    """assessment id -> the differences behind its move: the changed rows of each practice and
    pillar whose inputs (weight, benchmark share, adoption of the answers) differ for it.

    The brand's answers are scored on the base and on the draft; a practice that scores the same
    on both did not move it, whatever changed in its texts.
    """
    if draft.based_on_id is None or not assessment_ids:
        return {}
    base, new = edition_spec(draft.based_on_id), edition_spec(draft.pk)
    before = dict(scorecard_store.scorecards_for_ids(assessment_ids, base))
    after = dict(scorecard_store.scorecards_for_ids(assessment_ids, new))
    practice_of = {q.key: q.practice for spec in (base, new) for q in spec.questions}
    explained = {}
    for pk in assessment_ids:
        if pk in before and pk in after:
            moved = _moved_inputs(before[pk], after[pk])
            explained[pk] = [d for d in diff if _concerns(d, moved, practice_of)]
    return explained


def _inputs(card) -> dict[tuple[str, str], tuple]:
    found: dict[tuple[str, str], tuple] = {}
    for pillar in card.pillars:
        found[("pillar", pillar.key)] = (pillar.weight,)
        for practice in pillar.practices:
            share = practice.prevalence.share
            found[("practice", practice.key)] = (practice.weight, practice.adoption, share)
    return found


def _moved_inputs(before, after) -> set[tuple[str, str]]:
    old, new = _inputs(before), _inputs(after)
    return {ref for ref in old.keys() | new.keys() if old.get(ref) != new.get(ref)}


def _concerns(d: Difference, moved: set[tuple[str, str]], practice_of: dict[str, str]) -> bool:
    if d.kind == "pillar":
        return ("pillar", d.key) in moved
    practice = {
        "practice": d.key,
        "citation": d.key.split(" #")[0],
        "question": practice_of.get(d.key, ""),
        "choice": practice_of.get(d.key.split("/")[0], ""),
    }.get(d.kind)
    return practice is not None and ("practice", practice) in moved


# --- is the preview still the draft's? ----------------------------------------------------------


def latest_preview(draft: Edition) -> EditionJob | None:
    return draft.jobs.filter(kind=EditionJob.Kind.PREVIEW).order_by("-created_at", "-pk").first()


def preview_is_stale(draft: Edition, preview: EditionJob | None) -> bool:
    """True when the draft changed after the preview started (or there is no preview)."""
    if preview is None:
        return True
    changed = last_change(draft)
    return changed is not None and changed > preview.created_at
