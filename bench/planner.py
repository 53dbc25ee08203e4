"""Item 7: the target planner alone, on the full questionnaire of the current edition."""

from __future__ import annotations

import statistics
import time
import timeit

from assessments.core.planner import plan, resolve_target
from assessments.core.scoring import score
from assessments.demo import answers_at
from assessments.edition_specs import edition_spec
from assessments.models import Edition
from bench.core import Context, Figure, Section

TARGET_MILLISECONDS = 5
COMMAND = 'make bench ARGS="--only planner"'
CATEGORY = "beauty"
# A brand a third of the way everywhere: every practice has room to rise, so every practice is
# a candidate and the knapsack is as large as the questionnaire makes it.
MATURITY = 0.3


def measure(ctx: Context) -> Section:
    spec = edition_spec(Edition.objects.current().pk)
    card = score(spec, CATEGORY, answers_at(spec, MATURITY))
    number, repeat = (20, 3) if ctx.smoke else (200, 5)
    top = max(spec.tiers, key=lambda tier: tier.min_index)
    next_up = min(
        (tier for tier in spec.tiers if tier.min_index > (card.index or 0.0)),
        key=lambda tier: tier.min_index,
        default=top,
    )
    figures = [
        Figure(
            label=f"plan to the next tier ({next_up.key}) from a scorecard",
            unit="ms per plan",
            runs=[_milliseconds(card, spec, next_up.key, number, repeat) for _ in range(ctx.runs)],
            command=COMMAND,
            target=TARGET_MILLISECONDS,
            at_least=False,
        ),
        Figure(
            label=f"plan to the top tier ({top.key}) from a scorecard",
            unit="ms per plan",
            runs=[_milliseconds(card, spec, top.key, number, repeat) for _ in range(ctx.runs)],
            command=COMMAND,
            target=TARGET_MILLISECONDS,
            at_least=False,
        ),
    ]
    closest = plan(card, spec, resolve_target(spec, top.key))
    return Section(
        title="7. The target planner alone",
        figures=figures,
        notes=[
            f"Edition {spec.label!r}: {len(spec.questions)} questions, all answered "
            f"(maturity {MATURITY}), {len(spec.practices)} practices, category {CATEGORY!r}; "
            f"index {card.index:.1f}. The top tier's plan raises {len(closest.actions)} "
            f"practices (effort {closest.total_effort}, reachable: {closest.reachable}).",
            "A plan scores the fully raised answers once, solves the knapsack over effort, and "
            "scores each candidate plan it checks (assessments/core/planner.py).",
            f"Each run: timeit on CPU time (time.process_time), {repeat} repeats of {number} "
            "calls, the median repeat.",
        ],
    )


def _milliseconds(card, spec, target_key: str, number: int, repeat: int) -> float:
    target = resolve_target(spec, target_key)

    def planned() -> object:
        return plan(card, spec, target)

    planned()  # once outside the timing: the first call pays for lazy imports
    # CPU time, as for the scorer (bench/scoring.py): the planner does no I/O.
    timings = timeit.repeat(planned, timer=time.process_time, number=number, repeat=repeat)
    return statistics.median(timings) / number * 1e3
