"""The performance targets: measured ratios of medians against the goals set for
this project, met, missed, or (where the ratio's interval spans the goal) too close
to call.

A target is one ``Target`` of ``TARGETS`` (declared, with the other comparisons,
in ``bench/report/comparisons.py``), checked in every dtype of the run: the time of
``slow`` over the time of ``fast`` at one size, or at every size of the grid (then
the worst cell counts). With ``slow`` a roofline row (the stream), the ratio is
``fast``'s rate of reading X as a share of the stream's. A target that a tie also
meets (``Target.tie_met``: "at least as fast, or a tie") is met by a tie.
"""

from bench.report.common import DASH
from bench.report.comparisons import GPU_TARGETS, TARGETS, Target, has_gpu_rows
from bench.report.formatting import fmt_cell, fmt_sig, heading, md_table
from bench.report.intervals import METHOD, TIE, fmt_ratio, has_intervals, speedup

__all__ = ["GPU_TARGETS", "TARGETS", "Target", "render_targets", "target_rows"]


def targets_for(run):
    """The targets of this kind of run: the GPU's, or the CPU grid's; an optional
    one only where the run has both its implementations."""
    names = {*run.impls, *run.references}
    return [
        t
        for t in (GPU_TARGETS if has_gpu_rows(run) else TARGETS)
        if not t.optional or {t.fast, t.slow} <= names
    ]


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
        if worst[0] is None or _rank(ratio, target) < _rank(worst[0], target):
            worst = (ratio, (n, d))
    return worst


def _rank(ratio, target):
    # the worst cell: a miss before a cell too close to call before a hit, then
    # the smallest ratio
    kind = verdict(ratio, target.goal, target.tie_met)[0]
    return (["missed", "too close", "met"].index(kind), ratio)


def verdict(ratio, goal, tie_met=False):
    """``(kind, text)``: met, missed (by how much) or too close to call.

    With an interval, met means its low end reaches the goal and missed that its
    high end falls short; without one, the ratio itself decides. With
    ``tie_met``, a tie (``intervals.Ratio.sign`` 0) is met too.
    """
    low = ratio.low if ratio.has_interval else ratio
    high = ratio.high if ratio.has_interval else ratio
    if low >= goal:
        return "met", "met"
    if tie_met and ratio.has_interval and ratio.sign == 0:
        return "met", "met: a tie"
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
        called = (
            "not in this run" if ratio is None else verdict(ratio, t.goal, t.tie_met)[1]
        )
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
                f"≥ {fmt_sig(t.goal, 2)}x" + (" or a tie" if t.tie_met else ""),
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
