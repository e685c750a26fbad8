"""The performance targets: measured ratios of medians against the goals set for
this project, met, missed, or (where the ratio's interval spans the goal) too close
to call.

A target is one ``Target`` of ``TARGETS``, checked in every dtype of the run: the
time of ``slow`` over the time of ``fast`` at one size, or at every size of the
grid (then the worst cell counts). With ``slow`` a roofline row (the stream), the
ratio is ``fast``'s rate of reading X as a share of the stream's.
"""

from dataclasses import dataclass

from bench.report.common import (
    CUDA_LOAD,
    CUDA_RESIDENT,
    DASH,
    SKLEARN,
    STREAM_ALL,
    STREAM_ONE,
)
from bench.report.comparisons import has_gpu_rows
from bench.report.formatting import fmt_cell, fmt_sig, heading, md_table
from bench.report.intervals import METHOD, TIE, fmt_ratio, has_intervals, speedup


@dataclass(frozen=True)
class Target:
    """``time(slow) / time(fast) >= goal`` at ``n x d`` (every size if ``n`` is
    None)."""

    what: str
    fast: str
    slow: str
    goal: float
    n: int | None = None
    d: int | None = None


TARGETS = (
    Target("numba_simd vs numpy, every cell of the grid", "numba_simd", "numpy", 1),
    Target(
        "numba_simd vs numpy, the notebook's example", "numba_simd", "numpy", 10, 20, 3
    ),
    Target("numba_simd vs numpy", "numba_simd", "numpy", 2, 100_000, 1),
    Target("numba_simd vs numpy", "numba_simd", "numpy", 2, 1_000_000, 1),
    Target(
        "numba_simd's rate / stream_one's",
        "numba_simd",
        STREAM_ONE,
        0.85,
        1_000_000,
        100,
    ),
    Target(
        "numba_simd's rate / stream_one's",
        "numba_simd",
        STREAM_ONE,
        0.85,
        100_000,
        1_000,
    ),
    Target(
        "numba_parallel's rate / stream_all's",
        "numba_parallel",
        STREAM_ALL,
        0.85,
        1_000_000,
        100,
    ),
    Target("numba_simd vs scikit-learn", "numba_simd", SKLEARN, 2, 1_000_000, 100),
    Target("numba vs numpy, the notebook's example", "numba", "numpy", 10, 20, 3),
    Target("numba vs numpy", "numba", "numpy", 2, 1_000_000, 100),
)

# A run of the gpu preset (numba_cuda on a GPU) has goals of its own.
GPU_TARGETS = (
    Target(
        "cuda_resident's rate / cuda_load's",
        CUDA_RESIDENT,
        CUDA_LOAD,
        0.8,
        10_000_000,
        100,
    ),
    Target(
        "numba_parallel's rate / stream_all's",
        "numba_parallel",
        STREAM_ALL,
        0.8,
        10_000_000,
        100,
    ),
)


def targets_for(run):
    """The targets of this kind of run: the GPU's, or the CPU grid's."""
    return GPU_TARGETS if has_gpu_rows(run) else TARGETS


def measured(run, target, dtype):
    """``(ratio, (n, d))`` of ``target`` in ``dtype``; ``(None, None)`` if not run.

    For a target over every size, the worst (smallest) ratio and where it is.
    """
    sizes = run.sizes(dtype) if target.n is None else [(target.n, target.d)]
    worst = (None, None)
    for n, d in sizes:
        ratio = speedup(run, target.fast, target.slow, dtype, n, d)
        if ratio is None:
            continue
        if worst[0] is None or _rank(ratio, target.goal) < _rank(worst[0], target.goal):
            worst = (ratio, (n, d))
    return worst


def _rank(ratio, goal):
    # the worst cell: a miss before a cell too close to call before a hit, then
    # the smallest ratio
    return (["missed", "too close", "met"].index(verdict(ratio, goal)[0]), ratio)


def verdict(ratio, goal):
    """``(kind, text)``: met, missed (by how much) or too close to call.

    With an interval, met means its low end reaches the goal and missed that its
    high end falls short; without one, the ratio itself decides.
    """
    low = ratio.low if ratio.has_interval else ratio
    high = ratio.high if ratio.has_interval else ratio
    if low >= goal:
        return "met", "met"
    if high < goal:
        return "missed", f"missed by {fmt_cell(1 - ratio / goal, 'share')}"
    return "too close", "too close to call: the interval spans the target"


def target_rows(run):
    """``[(target, dtype, (n, d) or None, ratio or None)]``, dtype inner."""
    return [
        (t, dtype, *measured(run, t, dtype)[::-1])
        for t in targets_for(run)
        for dtype in run.dtypes
    ]


def render_targets(run, level):
    """The performance targets, each with its measured ratio: met or missed."""
    rows = []
    for t, dtype, size, ratio in target_rows(run):
        called = "not in this run" if ratio is None else verdict(ratio, t.goal)[1]
        if t.n is not None:
            where = f"{t.n:,} x {t.d:,}"
        else:
            where = DASH if size is None else f"worst: {size[0]:,} x {size[1]:,}"
        rows.append(
            [
                t.what,
                dtype,
                where,
                DASH if ratio is None else fmt_ratio(ratio, "x").lstrip(TIE),
                f"≥ {fmt_sig(t.goal, 2)}x",
                called,
            ]
        )
    return "\n\n".join(
        [
            heading(level, "Performance targets"),
            "Ratios of medians measured in this run: time of the slower / time of"
            " the faster; for a stream row, the faster one's rate of reading X as a"
            ' share of the stream\'s. "every cell" is the worst cell of the grid.'
            ' "missed by" is the shortfall as a share of the target.'
            + (
                f" [low, high]: {METHOD}; met when the interval's low end reaches"
                " the target, missed when its high end falls short."
                if has_intervals(run)
                else ""
            ),
            md_table(
                ["comparison", "dtype", "n x d", "measured", "target", ""],
                rows,
                "llrrrl",
            ),
        ]
    )
