"""What this run found, in sentences: the README's lesson, with this run's numbers.

The README's hand-written lesson says only what holds on any machine and what to
look for in the tables; every fact that depends on the machine is written here,
from the run, each sentence saying which run it is about. A sentence whose numbers
the run does not have is left out, not guessed.
"""

from bench.report.common import STREAM_ONE, X_SUM
from bench.report.comparisons import (
    COMPILE_FINDING,
    CORES,
    INTERPRETED,
    LOOP,
    OURS,
    PEERS,
    VECTORIZED,
    competitors,
    roofline,
)
from bench.report.compile_times import NEVER, compile_rows, repay_sizes
from bench.report.formatting import fmt_cell, fmt_sig, heading
from bench.report.intervals import fmt_ratio, has_intervals, speedup
from bench.report.tables import rate_share
from bench.report.winners import tally

DTYPE = "float64"


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


def _against(run, impl, base=VECTORIZED):
    faster, slower, ties, cells = _tally(run, impl, base)
    if not cells:
        return None
    example = speedup(run, impl, base, DTYPE, 20, 3)
    text = (
        f"`{impl}` against `{base}` ({DTYPE}): faster in {faster} of {cells} cells,"
        f" slower in {slower}, a tie in {ties}"
        + ("" if has_intervals(run) else " (by medians alone: no intervals)")
    )
    if example is not None:
        text += f"; at the notebook's 20 x 3, {fmt_ratio(example, 'x')}"
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
    """The sentences this run supports, in the order of the README's lesson."""
    found = [
        _interpreter(costs),
        _against(run, LOOP),
        _against(run, OURS),
        _peers(run),
        _winners(run),
        _roofline(run),
        _temporaries(run),
        _compile(run),
    ]
    return [f for f in found if f]


def render_findings(run, costs, level):
    """The findings as a list under a heading that names the run."""
    items = findings(run, costs)
    intro = f"In this run (preset `{run.preset}`, {run.date}):"
    if not items:
        intro += " nothing to report; the run lacks the rows the findings read."
    return "\n\n".join(
        [
            heading(level, "What this run found"),
            intro,
            "\n".join(f"- {i}" for i in items),
        ]
    ).rstrip()
