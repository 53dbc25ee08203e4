"""`python -m bench` (or `make bench`): run the measurements and write bench/RESULTS.md.

    python -m bench [--size smoke|full] [--runs N] [--only scoring,api] [--out PATH] [--strict]

Measurement modules are imported by name only when they run, so a module another branch has not
merged yet stops nothing but a run that asks for it (before anything is measured).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import signal
import sys
from pathlib import Path

from bench.core import Context, Section

# The order of the items: cheap and in-process first, real processes after.
MEASURES = (
    "scoring",
    "planner",
    "queries",
    "api",
    "portfolio",
    "celery",
    "rescore",
    "growth",
    "reads",
)
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/readiness_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
DEFAULT_OUT = Path(__file__).resolve().parent / "RESULTS.md"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("smoke", "full"), default="full")
    parser.add_argument("--runs", type=_positive, default=3, help="repetitions of each figure")
    parser.add_argument(
        "--only", type=_measure_names, default=MEASURES, help=f"comma-separated: {MEASURES}"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--notes-only",
        action="store_true",
        help="measure nothing: rewrite the 'Profiled and fixed' part of --out from bench/notes",
    )
    return parser.parse_args(argv)


def _positive(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise argparse.ArgumentTypeError(f"--runs must be a positive integer, got {raw!r}")
    return int(raw)


def _measure_names(raw: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in raw.split(",") if name.strip())
    unknown = [name for name in names if name not in MEASURES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"--only takes names from {', '.join(MEASURES)}; unknown: {', '.join(unknown) or '-'}"
        )
    # The harness order, whatever order they were given in.
    return tuple(name for name in MEASURES if name in names)


def missing_modules(names: tuple[str, ...]) -> list[str]:
    return [name for name in names if importlib.util.find_spec(f"bench.{name}") is None]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    # A stopped run still stops what it started: SystemExit runs the measures' finally blocks
    # (gunicorn, the Celery worker), which a bare SIGTERM would skip.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.notes_only:
        from bench.writer import refresh_notes

        refresh_notes(args.out)
        return 0
    missing = missing_modules(args.only)
    if missing:
        print(
            f"bench: no module for {', '.join(missing)} (not merged yet?); "
            f"run the others with --only {','.join(n for n in args.only if n not in missing)}",
            file=sys.stderr,
        )
        return 2
    from bench import environment, writer

    ctx = Context(
        size=args.size,
        runs=args.runs,
        database_url=environment.database_url(DEFAULT_DATABASE_URL),
        redis_url=environment.redis_url(DEFAULT_REDIS_URL),
    )
    environment.prepare(ctx)
    sections: list[Section] = []
    for name in args.only:
        print(f"bench: measuring {name} ({ctx.size}, {ctx.runs} runs)", flush=True)
        sections.append(importlib.import_module(f"bench.{name}").measure(ctx))
        # Written after each section, so a later failure keeps what was measured.
        writer.write(args.out, ctx, sections, argv)
    print(f"bench: wrote {args.out}")
    missed = [f.label for s in sections for f in s.missed]
    if missed and not ctx.smoke:
        print(f"bench: missed targets: {'; '.join(missed)}", file=sys.stderr)
        return 1 if args.strict else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
