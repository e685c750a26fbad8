"""What this run found, in sentences: the README's lesson, with this run's numbers.

The README's hand-written lesson says only what holds on any machine and what to
look for in the tables; every fact that depends on the machine is written here,
from the run, each sentence saying which run it is about. A sentence whose numbers
the run does not have is left out, not guessed.
"""

from bench.report.common import STREAM_ALL, STREAM_ONE, X_SUM
from bench.report.compile_times import NEVER, compile_rows, repay_sizes
from bench.report.formatting import fmt_cell, fmt_sig, heading
from bench.report.intervals import fmt_ratio, has_intervals, speedup
from bench.report.tables import rate_share

DTYPE = "float64"


def _largest(run, impl):
    """The largest n * d at which ``impl`` was measured in float64, or None."""
    sizes = [(n, d) for n, d in run.sizes(DTYPE) if run.get(impl, DTYPE, n, d)]
    return max(sizes, key=lambda s: (s[0] * s[1], s[0]), default=None)


def _fit(costs, impl):
    row = next((r for r in costs if (r.dtype, r.impl) == (DTYPE, impl)), None)
    return None if row is None else row.line


def _interpreter(costs):
    python, numba, numpy = (_fit(costs, i) for i in ("python", "numba", "numpy"))
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


def _against_numpy(run, impl):
    faster, slower, ties, cells = _tally(run, impl, "numpy")
    if not cells:
        return None
    example = speedup(run, impl, "numpy", DTYPE, 20, 3)
    text = (
        f"`{impl}` against `numpy` ({DTYPE}): faster in {faster} of {cells} cells,"
        f" slower in {slower}, a tie in {ties}"
        + ("" if has_intervals(run) else " (by medians alone: no intervals)")
    )
    if example is not None:
        text += f"; at the notebook's 20 x 3, {fmt_ratio(example, 'x')}"
    return text + "."


def _roofline(run):
    parts = []
    for impl, stream in (
        ("numba_simd", STREAM_ONE),
        ("numba_parallel", STREAM_ALL),
        (X_SUM, STREAM_ONE),
    ):
        size = _largest(run, impl)
        share = size and rate_share(run, impl, stream, DTYPE, *size)
        if share:
            name = "`X.sum()`" if impl == X_SUM else f"`{impl}`"
            parts.append(
                f"{name} reads X at {fmt_cell(share, 'share')} of `{stream}`'s rate"
                f" at {size[0]:,} x {size[1]:,}"
            )
    return "; ".join(parts) + "." if parts else None


def _temporaries(run):
    size = _largest(run, "numpy")
    if size is None:
        return None
    held = {i: run.get(i, DTYPE, *size) for i in ("numpy", "numba", "numba_simd")}
    held = {i: t.alloc_bytes for i, t in held.items() if t and t.alloc_bytes}
    if "numpy" not in held:
        return None
    x_bytes = size[0] * size[1] * 8
    others = ", ".join(f"`{i}` {fmt_sig(b / 1e3)} kB" for i, b in held.items())
    return (
        f"At {size[0]:,} x {size[1]:,} ({fmt_sig(x_bytes / 1e6)} MB of X), one step"
        f" held at most: {others}."
    )


def _compile(run):
    row = next((r for r in compile_rows(run) if r.impl == "numba"), None)
    if row is None or row.compile is None:
        return None
    calls = [
        f"{c if c == NEVER else f'{c:,}'} calls at {n:,} x {d:,}"
        for c, (n, d) in zip(row.calls, repay_sizes(run), strict=True)
        if c is not None
    ]
    text = f"Compiling `numba` costs {fmt_sig(row.compile * 1e3)} ms"
    return text + (f"; it is repaid after {' and '.join(calls)}." if calls else ".")


def findings(run, costs):
    """The sentences this run supports, in the order of the README's lesson."""
    found = [
        _interpreter(costs),
        _against_numpy(run, "numba"),
        _against_numpy(run, "numba_simd"),
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
