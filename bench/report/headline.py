"""The README's headline table: the comparisons the suite exists for, compact.

One row per comparison of ``comparisons.HEADLINE`` and dtype of the run: the
speedup, with its 95 % interval, at each size of ``comparisons.HEADLINE_SIZES``
that the run has; how many cells of the grid it wins, ties and loses; and its
slowest cell. A comparison against several implementations (the peers) is set, in
each cell, against the fastest of them there, named in the cell. The table has at
most 8 columns, so that it reads on a front page; every other table of the run is
in ``summary.md``.
"""

from bench.report.common import DASH
from bench.report.comparisons import HEADLINE, HEADLINE_SIZES
from bench.report.formatting import heading, md_table
from bench.report.intervals import fmt_ratio, has_intervals, interval_note, speedup


def fastest_base(run, bases, dtype, n, d):
    """The one of ``bases`` with the smallest median at ``n x d``, or None."""
    timed = [(t.median, b) for b in bases if (t := run.get(b, dtype, n, d)) is not None]
    return min(timed)[1] if timed else None


def against(run, row, dtype, n, d):
    """``(ratio, base)``: ``row.fast``'s speedup over the fastest of ``row.bases``
    at ``n x d``, or ``(None, None)`` where one of them was not measured."""
    base = fastest_base(run, row.bases, dtype, n, d)
    ratio = None if base is None else speedup(run, row.fast, base, dtype, n, d)
    return (None, None) if ratio is None else (ratio, base)


def _cell(run, row, dtype, n, d):
    ratio, base = against(run, row, dtype, n, d)
    if ratio is None:
        return DASH
    text = fmt_ratio(ratio, "x")
    return text if len(row.bases) == 1 else f"{text} ({base})"


def _row(run, row, dtype, sizes):
    """The table row of one comparison in one dtype, or None if never measured."""
    found = {
        (n, d): r
        for n, d in run.sizes(dtype)
        if (r := against(run, row, dtype, n, d))[0] is not None
    }
    if not found:
        return None
    signs = [ratio.sign for ratio, _ in found.values()]
    tally = f"{signs.count(1)} / {signs.count(0)} / {signs.count(-1)}"
    (n, d), (ratio, base) = min(found.items(), key=lambda kv: kv[1][0])
    slowest = fmt_ratio(ratio, "x") + f" at {n:,} x {d:,}"
    if len(row.bases) > 1:
        slowest += f" ({base})"
    return [
        f"{row.fast} vs {row.against}",
        dtype,
        *(_cell(run, row, dtype, n, d) for n, d in sizes),
        tally,
        slowest,
    ]


def headline_rows(run):
    """``(sizes, rows)``: the size columns the run has and the table's rows."""
    measured = {size for dtype in run.dtypes for size in run.sizes(dtype)}
    sizes = [size for size in HEADLINE_SIZES if size in measured]
    rows = [
        found
        for row in HEADLINE
        for dtype in run.dtypes
        if (found := _row(run, row, dtype, sizes)) is not None
    ]
    return sizes, rows


def render_headline(run, level, summary_link=""):
    """The headline table under a heading, with how to read it.

    Parameters
    ----------
    run : bench.report.model.Run
    level : int
        The heading's level.
    summary_link : str
        Markdown appended after the table (the link to the full tables).

    Returns
    -------
    str
    """
    sizes, rows = headline_rows(run)
    parts = [heading(level, "The headline comparisons")]
    if not rows:
        parts.append("This run has none of the headline comparisons.")
    else:
        note = (
            '"A vs B" at n x d: time of B / time of A, the medians of this run (preset'
            f" `{run.preset}`, {run.date}): above 1, A is faster. A row against"
            " several implementations takes the fastest of them in each cell, named"
            ' in brackets. "cells": how many cells of the grid A wins, ties and'
            ' loses; "slowest": its smallest ratio. '
            + (
                interval_note()
                if has_intervals(run)
                else "This run kept no per-pass samples: no intervals, and no ties."
            )
        )
        headers = [
            "comparison",
            "dtype",
            *(f"{n:,} x {d:,}" for n, d in sizes),
            "cells faster / tie / slower",
            "slowest",
        ]
        parts += [note, md_table(headers, rows, "ll" + "r" * (len(headers) - 2))]
    if summary_link:
        parts.append(summary_link)
    return "\n\n".join(parts)
