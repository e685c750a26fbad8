"""The overlap section: ``numba_simd``'s step against its two passes timed apart.

At the sizes where ``X`` comes from memory the run times ``numba_simd``'s forward
pass alone and its backward pass alone, from cache (``bench/simd_passes.py``). This
section puts them beside the step: the share of the backward pass the step hides,
``overlap = (T_forward + T_backward - T_step) / T_backward``, and the step's rate
of reading ``X`` as a share of the one-thread stream's. An overlap near 1 with a
forward pass at the stream rate is a step at the stream rate; an overlap near 0
means the backward pass is paid on top of the stream, and says by how much.

The run also times the step's whole in-core work, every row from cache
(``simd_in_core``), so the section says the same of the step against the stream:
``hidden = (T_stream + T_in_core - T_step) / T_in_core``. The step reads ``X`` at
``1 / (1 + c (1 - hidden))`` of the stream's rate, ``c = T_in_core / T_stream``:
with nothing hidden, a rate of ``s`` needs ``c <= 1 / s - 1``.
"""

import math

from bench.grid import OVERLAP_MIN_ELEMENTS
from bench.report.common import (
    OURS,
    SIMD_BACKWARD,
    SIMD_FORWARD,
    SIMD_IN_CORE,
    STREAM_GOAL,
    STREAM_ONE,
    fmt_cell,
    fmt_sig,
    heading,
    md_table,
)
from bench.report.stats import Ratio, speedup, verdict

# The target (issue 18): at 1e6 x 100 the step hides at least this share
OVERLAP_GOAL = 0.7
GOAL_SIZE = (1_000_000, 100)


def overlap_of(t_forward, t_backward, t_step):
    """``(t_forward + t_backward - t_step) / t_backward``: the share of the backward
    pass that the step hides (1: all of it, 0: none)."""
    return (t_forward + t_backward - t_step) / t_backward


def hidden_of(t_stream, t_in_core, t_step):
    """``(t_stream + t_in_core - t_step) / t_in_core``: the share of the step's
    in-core work that runs while memory streams ``X`` (1: all of it, 0: none).
    The overlap's formula, with the stream in the forward pass's place and the
    in-core work in the backward pass's."""
    return overlap_of(t_stream, t_in_core, t_step)


def core_budget(rate):
    """The largest ``c`` (to 2 digits, rounded down) at which a step that hides
    none of its in-core work still reads ``X`` at ``rate`` of the stream's:
    ``1 / rate - 1``."""
    return math.floor((1 / rate - 1) * 100) / 100


def overlap_rows(run):
    """One dict per size at which both passes and the step were timed.

    Keys ``dtype, n, d``; ``forward, backward, step`` (seconds) and ``overlap``;
    ``in_core`` (seconds), ``core_share`` (``T_in_core / T_stream``) and
    ``hidden``, None where the run has no ``simd_in_core`` or stream row (runs
    made before them); ``share``, the step's rate as a share of the stream's.
    """
    rows = []
    for dtype in run.dtypes:
        for n, d in run.sizes(dtype):
            t_f, t_b, t_s, t_c, t_st = (
                run.median(name, dtype, n, d)
                for name in (
                    SIMD_FORWARD,
                    SIMD_BACKWARD,
                    OURS,
                    SIMD_IN_CORE,
                    STREAM_ONE,
                )
            )
            if None in (t_f, t_b, t_s):
                continue
            both = None not in (t_c, t_st)
            rows.append(
                {
                    "dtype": dtype,
                    "n": n,
                    "d": d,
                    "forward": t_f,
                    "backward": t_b,
                    "step": t_s,
                    "overlap": overlap_of(t_f, t_b, t_s),
                    "stream": t_st,
                    "in_core": t_c,
                    "core_share": t_c / t_st if both else None,
                    "hidden": hidden_of(t_st, t_c, t_s) if both else None,
                    # the interval of the ratio; None without a stream row
                    "share": speedup(run, OURS, STREAM_ONE, dtype, n, d),
                }
            )
    return rows


def goal_verdict(value):
    """``met`` or ``missed by ...`` against ``OVERLAP_GOAL`` (the targets' own
    verdict, on a value without an interval)."""
    return verdict(Ratio(value), OVERLAP_GOAL)[1]


def render_overlap(run, level):
    """The section, or None when the run did not time the passes apart."""
    rows = overlap_rows(run)
    if not rows:
        return None
    passes = [
        [
            row["dtype"],
            f"{row['n']:,} x {row['d']:,}",
            *(fmt_sig(row[key] * 1e6, 3) for key in ("forward", "backward", "step")),
            fmt_sig(row["overlap"], 2),
            fmt_cell(row["share"], "share"),
            goal_verdict(row["overlap"]) if (row["n"], row["d"]) == GOAL_SIZE else "",
        ]
        for row in rows
    ]
    intro = (
        f"`{OURS}` reads each block of X twice: forward (logits and per-sample"
        " terms) from memory, backward (the gradient) from the core's cache. The run"
        f" times the two passes apart (`bench/simd_passes.py`) where n·d >="
        f" {OVERLAP_MIN_ELEMENTS:,}."
        " overlap = (forward + backward - step) / backward, from the medians: 1"
        " when the backward pass runs while memory streams the next rows, 0 when"
        " the two add up, below 0 when the step costs more than its parts apart."
        f" Target: >= {OVERLAP_GOAL} at {GOAL_SIZE[0]:,} x {GOAL_SIZE[1]:,}."
    )
    parts = [
        heading(level, "Overlap of the forward and backward passes"),
        intro,
        md_table(
            [
                "dtype",
                "n x d",
                "forward (µs)",
                "backward (µs)",
                "step (µs)",
                "overlap",
                f"step rate / {STREAM_ONE}",
                "target",
            ],
            passes,
            "lrrrrrrl",
        ),
    ]
    with_core = [row for row in rows if row["hidden"] is not None]
    if with_core:
        parts += [
            (
                "The whole step against the stream: in-core is the step's three"
                f" loops with every row from cache (`{SIMD_IN_CORE}`), none of it"
                f" waiting on memory; c = in-core / {STREAM_ONE}'s time; hidden ="
                " (stream + in-core - step) / in-core, the share of the in-core"
                " work done while memory streams X (1: the step costs the stream,"
                " 0: the two add up). The stream stands for the step's time in"
                " memory: it reads X, the step X and y, 1/d more bytes, so at small"
                " d hidden reads low by about 1 / (d c). The step's rate is"
                " 1 / (1 + c (1 - hidden)) of the stream's, so with nothing hidden"
                f" the target rate of {STREAM_GOAL:.2f} needs c <="
                f" {core_budget(STREAM_GOAL):.2f}."
            ),
            md_table(
                [
                    "dtype",
                    "n x d",
                    f"{STREAM_ONE} (µs)",
                    "in-core (µs)",
                    "step (µs)",
                    "c",
                    "hidden",
                ],
                [
                    [
                        row["dtype"],
                        f"{row['n']:,} x {row['d']:,}",
                        *(
                            fmt_sig(row[key] * 1e6, 3)
                            for key in ("stream", "in_core", "step")
                        ),
                        fmt_sig(row["core_share"], 2),
                        fmt_sig(row["hidden"], 2),
                    ]
                    for row in with_core
                ],
                "lrrrrrr",
            ),
        ]
    return "\n\n".join(parts)
