"""The overlap section: ``numba_simd``'s step against its two passes timed apart.

At the sizes where ``X`` comes from memory the run times ``numba_simd``'s forward
pass alone and its backward pass alone, from cache (``bench/overlap.py``). This
section puts them beside the step: the share of the backward pass the step hides,
``overlap = (T_forward + T_backward - T_step) / T_backward``, and the step's rate
of reading ``X`` as a share of the one-thread stream's. An overlap near 1 with a
forward pass at the stream rate is a step at the stream rate; an overlap near 0
means the backward pass is paid on top of the stream, and says by how much.
"""

from bench.grid import OVERLAP_MIN_ELEMENTS
from bench.report.common import SIMD_BACKWARD, SIMD_FORWARD, STREAM_ONE
from bench.report.comparisons import OURS
from bench.report.formatting import fmt_cell, fmt_sig, heading, md_table
from bench.report.intervals import Ratio, speedup
from bench.report.targets import verdict

# The target (issue 18): at 1e6 x 100 the step hides at least this share
OVERLAP_GOAL = 0.7
GOAL_SIZE = (1_000_000, 100)


def overlap_of(t_forward, t_backward, t_step):
    """``(t_forward + t_backward - t_step) / t_backward``: the share of the backward
    pass that the step hides (1: all of it, 0: none)."""
    return (t_forward + t_backward - t_step) / t_backward


def overlap_rows(run):
    """``[(dtype, n, d, t_forward, t_backward, t_step, overlap, share_of_stream)]``
    for every size at which both passes and the step were timed; seconds, and
    ``share_of_stream`` None without a stream row."""
    rows = []
    for dtype in run.dtypes:
        for n, d in run.sizes(dtype):
            t_f, t_b, t_s = (
                run.median(name, dtype, n, d)
                for name in (SIMD_FORWARD, SIMD_BACKWARD, OURS)
            )
            if None in (t_f, t_b, t_s):
                continue
            share = speedup(run, OURS, STREAM_ONE, dtype, n, d)  # None: no stream
            rows.append((dtype, n, d, t_f, t_b, t_s, overlap_of(t_f, t_b, t_s), share))
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
    table = [
        [
            dtype,
            f"{n:,} x {d:,}",
            *(fmt_sig(t * 1e6, 3) for t in (t_f, t_b, t_s)),
            fmt_sig(value, 2),
            fmt_cell(share, "share"),
            goal_verdict(value) if (n, d) == GOAL_SIZE else "",
        ]
        for dtype, n, d, t_f, t_b, t_s, value, share in rows
    ]
    intro = (
        f"`{OURS}` reads each block of X twice: forward (logits and per-sample"
        " terms) from memory, backward (the gradient) from the core's cache. The run"
        f" times the two passes apart (`bench/overlap.py`) where n·d >="
        f" {OVERLAP_MIN_ELEMENTS:,}."
        " overlap = (forward + backward - step) / backward, from the medians: 1"
        " when the backward pass runs while memory streams the next rows, 0 when"
        " the two add up, below 0 when the step costs more than its parts apart."
        f" Target: >= {OVERLAP_GOAL} at {GOAL_SIZE[0]:,} x {GOAL_SIZE[1]:,}."
    )
    return "\n\n".join(
        [
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
                table,
                "lrrrrrrl",
            ),
        ]
    )
