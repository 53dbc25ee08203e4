"""Item 3: the pure scoring engine alone, on the full questionnaire of the current edition."""

from __future__ import annotations

import statistics
import time
import timeit

from assessments.core.recommendations import recommend
from assessments.core.scoring import score
from assessments.demo import answers_at
from assessments.edition_specs import edition_spec
from assessments.models import Edition
from bench.core import Context, Figure, Section

TARGET_MICROSECONDS = 200
COMMAND = 'make bench ARGS="--only scoring"'
CATEGORY = "beauty"
# Half adoption everywhere: every practice is applicable and none is at either end.
MATURITY = 0.5


def measure(ctx: Context) -> Section:
    spec = edition_spec(Edition.objects.current().pk)
    answers = answers_at(spec, MATURITY)
    number, repeat = (200, 3) if ctx.smoke else (1000, 5)

    def scored() -> object:
        return score(spec, CATEGORY, answers)

    def recommended() -> object:
        return recommend(score(spec, CATEGORY, answers), spec)

    return Section(
        title="3. The scoring engine alone",
        figures=[
            Figure(
                label="score one assessment (scoring.score: answers to scorecard)",
                unit="µs per assessment",
                runs=[_microseconds(scored, number, repeat) for _ in range(ctx.runs)],
                command=COMMAND,
                target=TARGET_MICROSECONDS,
                at_least=False,
            ),
            Figure(
                label="score and rank its recommendations (score + recommend)",
                unit="µs per assessment",
                runs=[_microseconds(recommended, number, repeat) for _ in range(ctx.runs)],
                command=COMMAND,
            ),
        ],
        notes=[
            f"Edition {spec.label!r}: {len(spec.questions)} questions, all answered "
            f"(maturity {MATURITY}), {len(spec.practices)} practices, category {CATEGORY!r}; "
            "the category's benchmark shares are resolved by the first call and kept with the "
            "edition, as in a worker, which keeps the published edition's spec.",
            f"Each run: timeit on CPU time (time.process_time), {repeat} repeats of {number} "
            "calls, the median repeat.",
        ],
    )


def _microseconds(call, number: int, repeat: int) -> float:
    call()  # once outside the timing: the first call pays for lazy imports
    # CPU time of this process: on a shared 2-core machine, wall time would also count the
    # turns other processes take on the core; the scorer does no I/O, so nothing is left out.
    timings = timeit.repeat(call, timer=time.process_time, number=number, repeat=repeat)
    return statistics.median(timings) / number * 1e6
