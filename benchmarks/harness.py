"""A small timing harness: every benchmark is a case measured against its floor.

Per-call benchmarks are :class:`Case` objects measured by :func:`measure`.
One-shot measurements (a load's wall time and peak memory) build a
:class:`Result` themselves, with ``median_s == p99_s`` and the memory figure in
``note``.

A case times ``run`` and ``floor`` (the cheapest honest way to do the same
work: a raw regular expression, a raw SQLite query, a linear scan) in the same
process, interleaved, so machine noise hits both alike. The table reports the
case's median and 99th percentile per call and the ratio of its median to the
floor's median.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["SMOKE", "Case", "Result", "format_table", "measure", "size"]

SMOKE = "LGDS_BENCH_SMOKE"
"""Set (by ``run.py --smoke``) to run every benchmark once at a tiny size, to
show it still works; the figures then mean nothing."""


def size(variable: str, default: int, smoke: int) -> int:
    """A benchmark's size: ``$variable`` if set, else ``smoke`` in a smoke run, else ``default``."""
    value = os.environ.get(variable)
    if value:
        return int(value)
    return smoke if os.environ.get(SMOKE) else default


@dataclass(frozen=True)
class Case:
    """One benchmark: ``run`` does the work once per input, ``floor`` likewise."""

    name: str
    inputs: Sequence[object]
    run: Callable[[object], object]
    floor: Callable[[object], object] | None = None
    floor_name: str = ""
    note: str = ""
    rounds: int = 5
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    name: str
    size: int
    median_s: float
    p99_s: float
    floor_median_s: float | None
    floor_name: str
    note: str

    @property
    def ratio(self) -> float | None:
        if not self.floor_median_s:
            return None
        return self.median_s / self.floor_median_s


def _time_each(func: Callable[[object], object], inputs: Sequence[object]) -> list[float]:
    clock = time.perf_counter
    samples = []
    for item in inputs:
        start = clock()
        func(item)
        samples.append(clock() - start)
    return samples


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def measure(case: Case) -> Result:
    """Time a case and its floor over ``case.rounds`` interleaved rounds."""
    run_samples: list[float] = []
    floor_samples: list[float] = []
    # one warm-up pass each, untimed
    for item in case.inputs[:100]:
        case.run(item)
        if case.floor is not None:
            case.floor(item)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(1 if os.environ.get(SMOKE) else case.rounds):
            run_samples += _time_each(case.run, case.inputs)
            if case.floor is not None:
                floor_samples += _time_each(case.floor, case.inputs)
    finally:
        if gc_was_enabled:
            gc.enable()
    return Result(
        name=case.name,
        size=len(case.inputs),
        median_s=statistics.median(run_samples),
        p99_s=_p99(run_samples),
        floor_median_s=statistics.median(floor_samples) if floor_samples else None,
        floor_name=case.floor_name,
        note=case.note,
    )


def _human(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.2f} µs"


def format_table(results: Sequence[Result]) -> str:
    """Render results as a Markdown table (readable in a terminal too)."""
    header = ("benchmark", "size", "median", "p99", "floor", "ratio to floor", "note")
    rows = [header]
    for r in results:
        rows.append(
            (
                r.name,
                f"{r.size:,}",
                _human(r.median_s),
                _human(r.p99_s),
                r.floor_name or "-",
                f"{r.ratio:.2f}x" if r.ratio is not None else "-",
                r.note,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
