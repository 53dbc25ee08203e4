"""What every measurement of the benchmark harness returns, and how runs become one figure.

Each measurement module (bench/<name>.py) has `measure(ctx: Context) -> Section`. It repeats its
own runs (ctx.runs of them) and reports every run; the figure quoted is their median, because
this 2-core machine is noisy and a mean would follow its worst moment.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Literal

Size = Literal["smoke", "full"]


@dataclass(frozen=True)
class Context:
    """What a measurement may use: the size of the run and the services it talks to."""

    size: Size
    runs: int
    database_url: str
    redis_url: str

    @property
    def smoke(self) -> bool:
        """A smoke run (CI) checks that the harness works, with small counts and no targets."""
        return self.size == "smoke"


@dataclass
class Figure:
    """One measured quantity, with every run kept and an optional target.

    at_least=True: the median must be >= target (throughput, ratios); False: <= target
    (latency, memory, microseconds).
    """

    label: str
    unit: str
    runs: list[float]
    command: str
    target: float | None = None
    at_least: bool = True
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def met(self) -> bool | None:
        """None when the figure has no target."""
        if self.target is None:
            return None
        return self.median >= self.target if self.at_least else self.median <= self.target


@dataclass
class Section:
    """One numbered item of the harness: its figures and what a reader needs to judge them."""

    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def missed(self) -> list[Figure]:
        return [f for f in self.figures if f.met is False]
