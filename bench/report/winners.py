"""Which implementation wins each cell of the grid: the win map of ``summary.md``.

In each (n, d) of a dtype the implementation with the smallest median wins. Every
other one whose time is a tie with the winner's (``bench/report/intervals.py``: the
95 % interval of time(other) / time(winner) includes 1, or the two are less than
5 % apart) shares the cell, written ``numba_simd ~ jax``, fastest first. Only
implementations compete (``comparisons.competitors``: those on one core, as the
peers are): not the reference rows (scikit-learn, the streams), nor a threaded one
or one on a GPU. In a run without intervals the medians' order decides, and
nothing is a tie.
"""

from collections import Counter

from bench.report.common import DASH
from bench.report.comparisons import competitors
from bench.report.formatting import heading, md_tables
from bench.report.intervals import TIE, has_intervals, interval_note, speedup

SHARED = f" {TIE} "  # between the names of a cell that two or more share


def cell_winners(run, dtype, n, d):
    """The implementations that share the fastest time at ``n x d``, fastest
    first; empty when none was measured there."""
    timed = sorted(
        (t.median, k, impl)
        for k, impl in enumerate(competitors(run.impls))
        if (t := run.get(impl, dtype, n, d)) is not None
    )
    if not timed:
        return []
    best = timed[0][2]
    tied = [
        impl
        for _, _, impl in timed[1:]
        if speedup(run, best, impl, dtype, n, d).sign == 0
    ]
    return [best, *tied]


def winner_text(names):
    """A cell of the win map: ``numba_simd``, ``numba_simd ~ jax``, or a dash."""
    return SHARED.join(names) if names else DASH


def tally(run, dtype):
    """``(wins, shared, cells)``: ``{impl: cells it wins alone}`` in the order of
    most cells, the cells shared by a tie, and the cells with a winner."""
    found = [cell_winners(run, dtype, n, d) for n, d in run.sizes(dtype)]
    found = [w for w in found if w]
    alone = Counter(w[0] for w in found if len(w) == 1)
    order = {impl: k for k, impl in enumerate(run.impls)}
    wins = dict(sorted(alone.items(), key=lambda kv: (-kv[1], order[kv[0]])))
    return wins, sum(len(w) > 1 for w in found), len(found)


def tally_text(run, dtype):
    """One sentence: how many cells each implementation wins in ``dtype``."""
    wins, shared, cells = tally(run, dtype)
    text = ", ".join(f"`{impl}` {count}" for impl, count in wins.items())
    if shared:
        text += f"{', ' if text else ''}shared by a tie {shared}"
    return f"Cells won in {dtype}, of {cells}: {text}."


WIN_NOTE = (
    "The fastest implementation in each cell of the grid (rows n, columns d), by"
    " median time, among those on one core; the reference rows do not compete."
    "{left_out} {ties} Empty: a size the grid does not have."
)


def render_win_map(run, level):
    """The win map, one table per dtype, each followed by its tally."""
    ties = (
        f'"A {TIE} B": B is a tie with A, the fastest, and shares the cell. '
        + interval_note()
        if has_intervals(run)
        else "This run kept no per-pass samples: the medians' order decides, and"
        " no cell is called a tie."
    )
    out = [i for i in run.impls if i not in competitors(run.impls)]
    left_out = (
        " Left out, as threaded or on a GPU: " + ", ".join(f"`{i}`" for i in out) + "."
        if out
        else ""
    )
    parts = [
        heading(level, "Which implementation wins"),
        WIN_NOTE.format(ties=ties, left_out=left_out),
    ]
    for dtype in run.dtypes:
        sizes = run.sizes(dtype)
        ns = sorted({n for n, _ in sizes})
        ds = sorted({d for _, d in sizes})
        rows = [
            [f"{n:,}"]
            + [
                winner_text(cell_winners(run, dtype, n, d)) if (n, d) in sizes else ""
                for d in ds
            ]
            for n in ns
        ]
        headers = ["n", *(f"d = {d:,}" for d in ds)]
        parts += [
            heading(level + 1, dtype),
            *md_tables(headers, rows, "r" + "l" * len(ds)),
            tally_text(run, dtype),
        ]
    return "\n\n".join(parts)
