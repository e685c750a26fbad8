"""What this run found, in sentences, with this run's numbers.

The README states no number of its own: what a run found is written here, from
the run, under a heading that names it. First where the interpreted loop, the
compiled loop and this project's step win against NumPy
(``comparisons.WHERE_FINDINGS``), then the peers and the win map, then what a call
and an element cost, the read rates, the temporaries and the compile. The README
shows the first ``FRONT_PAGE`` of them; the lesson shows all. A sentence whose
numbers the run does not have is left out, not guessed.
"""

from bench.report.common import STREAM_ONE, UNKNOWN, X_SUM
from bench.report.comparisons import (
    COMPILE_FINDING,
    CORES,
    INTERPRETED,
    LOOP,
    OURS,
    PEERS,
    VECTORIZED,
    WHERE_FINDINGS,
    competitors,
    roofline,
)
from bench.report.compile_times import NEVER, compile_rows, repay_sizes
from bench.report.formatting import fmt_cell, fmt_sig, heading
from bench.report.intervals import fmt_ratio, has_intervals, speedup
from bench.report.tables import rate_share
from bench.report.winners import tally

DTYPE = "float64"
# How many findings the README's block shows: the first ones of ``findings``
FRONT_PAGE = 5


def _largest(run, impl):
    """The largest n * d at which ``impl`` was measured in float64, or None."""
    sizes = [(n, d) for n, d in run.sizes(DTYPE) if run.get(impl, DTYPE, n, d)]
    return max(sizes, key=lambda s: (s[0] * s[1], s[0]), default=None)


def _fit(costs, impl):
    row = next((r for r in costs if (r.dtype, r.impl) == (DTYPE, impl)), None)
    return None if row is None else row.line


def _interpreter(costs):
    python, numba, numpy = (_fit(costs, i) for i in (INTERPRETED, LOOP, VECTORIZED))
    if None in (python, numba, numpy):
        return None
    return (
        f"An element of X costs {fmt_sig(python.per_element * 1e9)} ns in the"
        f" Python loop and {fmt_sig(numba.per_element * 1e9)} ns compiled (`c` of"
        f" the fitted lines); a call costs NumPy {fmt_sig(numpy.t0 * 1e6)} µs before"
        f" it touches the data, the compiled loop {fmt_sig(numba.t0 * 1e6)} µs"
        " (`t0`)."
    )


def _tally(run, fast, base):
    """``(faster, slower, ties, cells)`` of ``fast`` against ``base`` in float64."""
    signs = [speedup(run, fast, base, DTYPE, n, d) for n, d in run.sizes(DTYPE)]
    signs = [r.sign for r in signs if r is not None]
    return signs.count(1), signs.count(-1), signs.count(0), len(signs)


def _ratios(run, fast, base):
    """``[(ratio, dtype, n, d)]`` of ``fast`` against ``base``, every dtype."""
    return [
        (r, dtype, n, d)
        for dtype in run.dtypes
        for n, d in run.sizes(dtype)
        if (r := speedup(run, fast, base, dtype, n, d)) is not None
    ]


def _span(values):
    low, high = min(values), max(values)
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"


def _where(cells, dtypes):
    """``at 10,000 x 1 (float32)``, or the ranges of n and d the cells lie in."""
    ns, ds = {n for _, _, n, _ in cells}, {d for _, _, _, d in cells}
    if len(cells) == 1:
        _, dtype, n, d = cells[0]
        return f"at {n:,} x {d:,}" + (f" ({dtype})" if len(dtypes) > 1 else "")
    return f"with n from {_span(ns)} and d from {_span(ds)}"


def _at(cell, dtypes):
    ratio, dtype, n, d = cell
    where = f" ({dtype})" if len(dtypes) > 1 else ""
    return f"{fmt_ratio(ratio, 'x')} at {n:,} x {d:,}{where}"


def _against(run, fast, base=VECTORIZED):
    """Where ``fast`` wins and loses against ``base``, over every dtype: the
    tally, the notebook's example, and the cells of the smaller side with its
    extreme (or the least margin, where one side has every cell)."""
    found = _ratios(run, fast, base)
    if not found:
        return None
    dtypes = list(dict.fromkeys(dtype for _, dtype, _, _ in found))
    faster = [c for c in found if c[0].sign == 1]
    slower = [c for c in found if c[0].sign == -1]
    text = (
        f"`{fast}` against `{base}` ({' and '.join(dtypes)}): faster in"
        f" {len(faster)} of {len(found)} cells, slower in {len(slower)}, a tie in"
        f" {len(found) - len(faster) - len(slower)}"
        + ("" if has_intervals(run) else " (by medians alone: no intervals)")
    )
    examples = [c for c in found if c[2:] == (20, 3)]
    if examples:
        shown = [
            fmt_ratio(r, "x") + (f" ({dt})" if len(dtypes) > 1 else "")
            for r, dt, _, _ in examples
        ]
        text += f"; at the notebook's 20 x 3, {' and '.join(shown)}"
    if faster and slower:
        fewer, word = (
            (faster, "faster")
            if len(faster) < len(slower)
            else (
                slower,
                "slower",
            )
        )
        extreme = (max if word == "faster" else min)(fewer, key=lambda c: c[0])
        bound = "up to" if word == "faster" else "down to"
        text += f"; {word} only {_where(fewer, dtypes)}, {bound} {_at(extreme, dtypes)}"
    elif faster or slower:
        side = faster or slower
        least = (min if faster else max)(side, key=lambda c: c[0])
        text += f"; by the least margin, {_at(least, dtypes)}"
    return text + "."


def _peers(run):
    """``OURS`` against each peer of the run, in one sentence."""
    parts = []
    for peer in PEERS:
        faster, slower, ties, cells = _tally(run, OURS, peer)
        if cells:
            parts.append(
                f"`{peer}` faster in {faster} of {cells} cells, slower in {slower},"
                f" a tie in {ties}"
            )
    if not parts:
        return None
    return f"`{OURS}` against the peers ({DTYPE}): " + "; ".join(parts) + "."


def _winners(run):
    if DTYPE not in run.dtypes or len(competitors(run.impls)) < 2:
        return None
    wins, shared, cells = tally(run, DTYPE)
    text = ", ".join(f"`{impl}` in {count}" for impl, count in wins.items())
    ties = f"; {shared} shared by a tie" if shared else ""
    return (
        f"The fastest on one core ({DTYPE}, the win map's {cells} cells): {text}{ties}."
    )


def _roofline(run):
    parts = []
    for impl in (OURS, CORES, X_SUM):
        stream = STREAM_ONE if impl == X_SUM else roofline(impl, run.references)
        size = _largest(run, impl)
        share = size and stream and rate_share(run, impl, stream, DTYPE, *size)
        if share:
            name = "`X.sum()`" if impl == X_SUM else f"`{impl}`"
            parts.append(
                f"{name} reads X at {fmt_cell(share, 'share')} of `{stream}`'s rate"
                f" at {size[0]:,} x {size[1]:,}"
            )
    return "; ".join(parts) + "." if parts else None


def _temporaries(run):
    size = _largest(run, VECTORIZED)
    if size is None:
        return None
    held = {i: run.get(i, DTYPE, *size) for i in (VECTORIZED, LOOP, OURS)}
    held = {
        i: t.alloc_bytes
        for i, t in held.items()
        if t and t.alloc_bytes and t.alloc_visible
    }
    if VECTORIZED not in held:
        return None
    x_bytes = size[0] * size[1] * 8
    others = ", ".join(f"`{i}` {fmt_sig(b / 1e3)} kB" for i, b in held.items())
    return (
        f"At {size[0]:,} x {size[1]:,} ({fmt_sig(x_bytes / 1e6)} MB of X), one step"
        f" held at most: {others}."
    )


def _compile(run):
    row = next((r for r in compile_rows(run) if r.impl == COMPILE_FINDING), None)
    if row is None or row.compile is None:
        return None
    calls = [
        f"{c if c == NEVER else f'{c:,}'} calls at {n:,} x {d:,}"
        for c, (n, d) in zip(row.calls, repay_sizes(run), strict=True)
        if c is not None
    ]
    text = f"Compiling `{COMPILE_FINDING}` costs {fmt_sig(row.compile * 1e3)} ms"
    return text + (f"; it is repaid after {' and '.join(calls)}." if calls else ".")


def findings(run, costs):
    """The sentences this run supports, the most telling first."""
    found = [
        *(_against(run, fast, base) for fast, base in WHERE_FINDINGS),
        _peers(run),
        _winners(run),
        _interpreter(costs),
        _roofline(run),
        _temporaries(run),
        _compile(run),
    ]
    return [f for f in found if f]


def render_findings(run, costs, level, most=None):
    """The findings as a list under a heading that names the run.

    Parameters
    ----------
    run : bench.report.model.Run
    costs : list
        The run's cost model (``bench.report.costs.cost_model``).
    level : int
        The heading's level.
    most : int, optional
        Show only the first ``most`` findings (the README: ``FRONT_PAGE``).

    Returns
    -------
    str
    """
    items = findings(run, costs)[:most]
    cpu = dict(run.environment).get("CPU", UNKNOWN)
    where = "" if cpu == UNKNOWN else f", on {cpu}"
    intro = f"In this run (preset `{run.preset}`, {run.date}{where}):"
    if not items:
        intro += " nothing to report; the run lacks the rows the findings read."
    return "\n\n".join(
        [
            heading(level, "What this run found"),
            intro,
            "\n".join(f"- {i}" for i in items),
        ]
    ).rstrip()
