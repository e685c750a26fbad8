"""The performance targets: measured ratios of medians against the goals set for
this project, met or missed.

A target is one row of ``TARGETS``.
"""

from bench.report.common import DASH, ROOFLINE, SKLEARN
from bench.report.formatting import fmt_cell, fmt_sig, heading, md_table

# (what, dtype, n, d, faster, slower, target): time(slower) / time(faster) >= target.
# With slower = x_sum it is the faster one's rate of reading X as a share of X.sum()'s.
TARGETS = (
    ("numba vs numpy, the notebook's example", "float64", 20, 3, "numba", "numpy", 10),
    ("numba vs numpy", "float64", 1_000_000, 100, "numba", "numpy", 2),
    ("numba vs scikit-learn", "float64", 1_000_000, 100, "numba", SKLEARN, 2),
    ("numba's rate / X.sum()'s", "float64", 1_000_000, 100, "numba", ROOFLINE, 0.6),
    (
        "numba_parallel vs numba",
        "float64",
        1_000_000,
        100,
        "numba_parallel",
        "numba",
        1.6,
    ),
)


def target_rows(run):
    """``[(what, n, d, measured ratio or None, target)]`` for ``TARGETS``."""
    rows = []
    for what, dtype, n, d, fast, slow, target in TARGETS:
        t_fast, t_slow = run.median(fast, dtype, n, d), run.median(slow, dtype, n, d)
        ratio = None if t_fast is None or t_slow is None else t_slow / t_fast
        rows.append((what, n, d, ratio, target))
    return rows


def render_targets(run, level):
    """The performance targets, each with its measured ratio: met or missed."""
    rows = []
    for what, n, d, ratio, target in target_rows(run):
        verdict = (
            "not in this run"
            if ratio is None
            else (
                "met"
                if ratio >= target
                else f"missed by {fmt_cell(1 - ratio / target, 'share')}"
            )
        )
        measured = DASH if ratio is None else f"{fmt_sig(ratio, 3)}x"
        rows.append(
            [what, f"{n:,} x {d:,}", measured, f"≥ {fmt_sig(target, 2)}x", verdict]
        )
    return "\n\n".join(
        [
            heading(level, "Performance targets"),
            "float64, ratios of medians measured in this run (time of the slower /"
            " time of the faster; for X.sum() the faster one's rate of reading X as"
            ' a multiple of X.sum()\'s). "missed by" is the shortfall as a share of'
            " the target.",
            md_table(
                ["comparison", "n x d", "measured", "target", ""],
                rows,
                "lrrrl",
            ),
        ]
    )
