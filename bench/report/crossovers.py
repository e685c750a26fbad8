"""Crossovers: where one implementation overtakes another (``crossovers.csv``),
and the first call in a new process with the calls that repay it
(``compile.csv``).

crossovers
----------
Where one implementation overtakes another: from the fitted lines, from the
measured grid, and from the cache-aware model (``bench/report/costs.py``) at
each d.

A model's crossing is given only where it can be trusted: the lines' only when both
fit every point within ``LINE_MAX_ERROR``, the cache-aware model's only when both
implementations' models meet the leave-one-out targets and agree with every
verdict the grid called at that d. Otherwise the table says why none is given.

One ``Crossover`` per speedup pair (``bench/report/common.py``) per dtype,
with ``crossovers.csv`` and the Markdown table of the cost-model section.
"""

import math
from dataclasses import dataclass
from typing import NamedTuple

from bench.report.common import (
    DASH,
    VECTORIZED,
    compiling,
    fmt_cell,
    fmt_count,
    heading,
    md_table,
    md_tables,
    speedup_pairs,
    to_csv,
)
from bench.report.costs import crossing_n, error_text
from bench.report.model import DISPLAY_ORDER, ordered
from bench.report.stats import speedup

LINE_MAX_ERROR = 0.25


@dataclass(frozen=True)
class Crossover:
    """Where one implementation overtakes another, from the fits and the grid.

    Attributes
    ----------
    dtype, a, b : str
        The pair compared (``a vs b``).
    fitted_elements : float or None
        n * d at which the fitted lines cross (None: they do not, or no fit).
    fitted : str
        That, in words: who overtakes whom.
    measured_elements : int or None
        Smallest measured n * d from which the implementation that is faster at the
        largest sizes is faster at every measured size (None: no change of winner).
    measured : str
        That, in words.
    per_d : str
        Where the cache-aware models cross: the n at each measured d, or why
        no crossing is given.
    """

    dtype: str
    a: str
    b: str
    fitted_elements: float | None
    fitted: str
    measured_elements: int | None
    measured: str
    per_d: str


def overtake(a, t0_a, slope_a, b, t0_b, slope_b):
    """Where ``t0_a + slope_a * x`` and ``t0_b + slope_b * x`` cross, for x > 0.

    Returns
    -------
    x : float or None
        The crossing, None when one is faster at every x > 0.
    small, large : str
        The faster one below and above x (equal when there is no crossing).
    """
    # Near x = 0 the smaller t0 wins, at large x the smaller slope.
    small = a if (t0_a, slope_a) < (t0_b, slope_b) else b
    large = a if (slope_a, t0_a) < (slope_b, t0_b) else b
    if small == large:
        return None, small, large
    return (t0_b - t0_a) / (slope_a - slope_b), small, large


def fitted_crossover(a, fit_a, b, fit_b, grid_range):
    """Where the fitted lines in n * d of ``a`` and ``b`` cross.

    Returns
    -------
    elements : float or None
    text : str
    """
    if fit_a is None or fit_b is None:
        return None, "no fit (too few points)"
    worst = max(fit_a.max_error, fit_b.max_error)
    if worst > LINE_MAX_ERROR:
        return None, (
            f"not given: a line misses a measured point by {100 * worst:.2g} %"
        )
    x, small, large = overtake(
        a, fit_a.t0, fit_a.per_element, b, fit_b.t0, fit_b.per_element
    )
    if x is None:
        return None, f"lines do not cross: {small} faster at every n·d"
    text = f"{large} overtakes {small} at n·d ≈ {fmt_count(x)}"
    lo, hi = grid_range
    if not lo <= x <= hi:
        text += f" (outside the grid, {fmt_count(lo)} to {fmt_count(hi)})"
    return x, text


def model_crossover(run, dtype, pa, pb):
    """Where the cache-aware models of two implementations cross, at each d.

    Parameters
    ----------
    pa, pb : bench.report.costs.Predictor or None
    """
    if pa is None or pb is None:
        return "no model (too few points)"
    for p in (pa, pb):
        if not p.meets_target:
            return (
                f"not given: {p.impl}'s model misses the target (leave-one-out"
                f" median / p90 error {error_text(p)})"
            )
    out = []
    for d in sorted({d for _, d in run.sizes(dtype)}):
        ns = [n for n, dd in run.sizes(dtype) if dd == d]
        wrong = _contradictions(run, dtype, pa, pb, d)
        if wrong:
            out.append(
                f"d={d}: not given, the model contradicts the grid at n ="
                f" {', '.join(f'{n:,}' for n in wrong)}"
            )
            continue
        n, small, large = crossing_n(pa, pb, d, (min(ns), max(ns)))
        if n is None:
            out.append(f"d={d}: {small} at every measured n")
        else:
            out.append(f"d={d}: {large} from n ≈ {fmt_count(n)}")
    return "; ".join(out)


def _contradictions(run, dtype, pa, pb, d):
    """The measured n at ``d`` where the grid called a winner and the model
    predicts the other."""
    wrong = []
    for n, dd in run.sizes(dtype):
        r = speedup(run, pa.impl, pb.impl, dtype, n, dd) if dd == d else None
        if r is None or r.sign == 0:
            continue
        predicted = pa.predict(n, d) < pb.predict(n, d)
        if predicted != (r.sign > 0):
            wrong.append(n)
    return wrong


def measured_crossover(run, dtype, a, b):
    """Where the faster of ``a`` and ``b`` changes in the measured grid.

    The winner at the largest measured n * d is the asymptotic one; the answer is
    the smallest measured n * d from which it wins at every measured size. Only
    called verdicts count (``bench/report/stats.py``): a tie neither confirms
    nor breaks a winner's run, and the text says how many were left out.

    Returns
    -------
    elements : int or None
    text : str
    """
    pts, ties = [], 0
    for n, d in run.sizes(dtype):
        r = speedup(run, a, b, dtype, n, d)
        if r is None:
            continue
        if r.sign == 0:
            ties += 1
        else:
            pts.append((n * d, a if r.sign > 0 else b))
    if not pts:
        return None, "not measured together" if not ties else "ties at every size"
    start, text = _winner_change(pts, a, b)
    if ties:
        text += f"; {ties} {'tie' if ties == 1 else 'ties'} left out"
    return start, text


def _winner_change(pts, a, b):
    """``measured_crossover`` for called verdicts ``[(n * d, winner)]``."""
    by_size = {}
    for x, winner in pts:
        by_size.setdefault(x, set()).add(winner)
    sizes = sorted(by_size, reverse=True)
    if len(by_size[sizes[0]]) > 1:
        return None, f"no clear winner at the largest n·d ({sizes[0]:,})"
    (winner,) = by_size[sizes[0]]
    other = b if winner == a else a
    start, beaten = sizes[0], None
    for x in sizes[1:]:
        if by_size[x] != {winner}:
            beaten = x
            break
        start = x
    if beaten is None:
        return None, f"not in this grid: {winner} faster at all {len(pts)} sizes"
    return start, (
        f"{winner} faster at every n·d ≥ {start:,} ({other} still faster at"
        f" n·d = {beaten:,})"
    )


def crossovers(run, costs, models):
    """A Crossover per speedup pair per dtype; ``models`` is
    ``bench.report.costs.predictors(run)``."""
    fits = {(r.dtype, r.impl): r for r in costs}
    out = []
    for dtype in run.dtypes:
        for a, b in speedup_pairs(run.impls):
            ra, rb = fits.get((dtype, a)), fits.get((dtype, b))
            if ra is None or rb is None:
                continue
            grid = (
                max(ra.min_elements, rb.min_elements),
                min(ra.max_elements, rb.max_elements),
            )
            fx, ftext = fitted_crossover(a, ra.line, b, rb.line, grid)
            mx, mtext = measured_crossover(run, dtype, a, b)
            per_d = model_crossover(
                run, dtype, models.get((dtype, a)), models.get((dtype, b))
            )
            out.append(Crossover(dtype, a, b, fx, ftext, mx, mtext, per_d))
    return out


CROSSOVER_FIELDS = ("dtype", "a", "b", "fitted_elements", "fitted")
CROSSOVER_FIELDS += ("measured_elements", "measured", "per_d")


def crossovers_csv(rows):
    """The text of ``crossovers.csv``."""
    headers = ["dtype", "impl_a", "impl_b", "fitted_crossover_elements", "fitted"]
    headers += ["measured_crossover_elements", "measured", "cache_aware_model"]
    body = [[getattr(r, f) for f in CROSSOVER_FIELDS] for r in rows]
    return to_csv(headers, body)


CROSS_NOTE = (
    '"Fitted lines" solves the two lines in n·d for their crossing, given only'
    ' where both lines fit every point within 25 %; "measured in the grid" reads'
    " the medians: the smallest n·d from which the implementation that wins at the"
    ' largest sizes wins at every larger size; "cache-aware model" solves the'
    " model of the next section for n at each d, given only where both models meet"
    " their leave-one-out targets and agree with every verdict the grid called."
)


def render_crossovers(crossings, level):
    """The crossovers table, under its heading and with its explanation."""
    return "\n\n".join(
        [
            heading(level, "Where the faster implementation changes"),
            CROSS_NOTE,
            md_table(
                [
                    "dtype",
                    "pair",
                    "fitted lines in n·d",
                    "measured in the grid",
                    "cache-aware model, at each d",
                ],
                [
                    [c.dtype, f"{c.a} vs {c.b}", c.fitted, c.measured, c.per_d]
                    for c in crossings
                ],
                "lllll",
            ),
        ]
    )


# ============================================================================
# first calls, and the calls that repay them
# The first call in a new process (``bench/test_compile.py``) of every
# implementation that compiles or builds at its first call (Numba's, JAX's trace and
# compile, ``torch.compile``, the Cython build): the ``compile.csv`` rows and the
# Markdown table of the cost-model section.
#
# Its rows are the implementations the run has first-call timings of, and every
# other implementation of the run that is declared compiling
# (``kernels.trait(name, "compiles")``), with dashes where not measured.
#
# Beside the times, how many calls repay them: compiling costs ``C`` once, and each
# call then saves ``t(numpy) - t(impl)`` over NumPy (``common.VECTORIZED``,
# which compiles nothing), so after ``C / (t(numpy) - t(impl))`` calls the compiled
# step has won back its compile time (where it is not faster than NumPy, never).
# Given at the notebook's 20 x 3 and at the largest float64 size of the run, from
# the medians of the same run.

COMPILE_MODES = ("import", "cold", "cached")
BASELINE = VECTORIZED  # what a user would run instead, with nothing to compile
NEVER = "never"


def _minus(a, b):
    return None if a is None or b is None else a - b


def repay_sizes(run):
    """The float64 sizes at which the calls to repay are given: 20 x 3 and the
    largest n * d (both only if the run has them)."""
    sizes = run.sizes("float64") if "float64" in run.dtypes else []
    picked = [s for s in ((20, 3),) if s in sizes]
    if sizes:
        largest = max(sizes, key=lambda s: (s[0] * s[1], s[0]))
        picked += [largest] if largest not in picked else []
    return picked


def calls_to_repay(run, impl, seconds, n, d):
    """Calls of ``impl`` at ``n x d`` (float64) that win back ``seconds`` over
    NumPy: an int, ``NEVER`` where NumPy is as fast, None where not measured."""
    t, base = run.median(impl, "float64", n, d), run.median(BASELINE, "float64", n, d)
    if seconds is None or t is None or base is None:
        return None
    return math.ceil(seconds / (base - t)) if base > t else NEVER


class CompileRow(NamedTuple):
    """One implementation's first-call times (seconds, or None) and the calls to
    repay its compile time at each of ``repay_sizes(run)``."""

    impl: str
    start: float | None  # a new process that imports and makes the data
    cold: float | None  # the same plus a first call that compiles
    cached: float | None  # the same plus a first call that loads the cache
    compile: float | None  # cold - start
    load: float | None  # cached - start
    calls: tuple  # int, NEVER or None per repay size

    @property
    def times(self):
        return (self.start, self.cold, self.cached, self.compile, self.load)


def compile_rows(run):
    """A ``CompileRow`` per implementation with first-call timings.

    ``compile = cold - import`` and ``load = cached - import``: the first call's
    share of a new process.
    """
    timed = {c.impl for c in run.compile_timings}
    impls = ordered(timed | set(compiling(run.impls)), DISPLAY_ORDER)
    times = {(c.impl, c.mode): c.median for c in run.compile_timings}
    rows = []
    for i in impls:
        start, cold, cached = (times.get((i, m)) for m in COMPILE_MODES)
        compile_s = _minus(cold, start)
        calls = tuple(
            calls_to_repay(run, i, compile_s, n, d) for n, d in repay_sizes(run)
        )
        rows.append(
            CompileRow(i, start, cold, cached, compile_s, _minus(cached, start), calls)
        )
    return rows


COMPILE_HEADERS = [
    "implementation",
    "new process, no call (ms)",
    "+ first call, cold cache (ms)",
    "+ first call, warm cache (ms)",
    "compile ≈ cold - no call (ms)",
    "cache load ≈ warm - no call (ms)",
]


def _calls_cell(value):
    return value if value == NEVER else fmt_cell(value, "int")


def compile_csv(run):
    """The text of ``compile.csv``."""
    rows = [
        [r.impl, *(v and v * 1e3 for v in r.times), *r.calls] for r in compile_rows(run)
    ]
    headers = ["impl", "import_ms", "cold_ms", "cached_ms", "compile_ms", "load_ms"]
    headers += [f"calls_to_repay_n{n}_d{d}" for n, d in repay_sizes(run)]
    return to_csv(headers, rows)


def render_compile(run, level):
    """The first-call table, under its heading and with its explanation."""
    sizes = repay_sizes(run)
    return "\n\n".join(
        [
            heading(level, "First call in a new process"),
            "Median wall time of a whole new process (ms): Python start, imports and"
            " data, without a call, and with one first call that compiles or builds"
            " the step from scratch (cold cache: Numba's compile, JAX's trace and"
            " XLA's compile, torch.compile's Inductor, the Cython build) or loads it"
            " from the implementation's on-disk cache (warm cache). The differences"
            " are the first call's cost. The step timings above exclude both."
            f' "Calls to repay" is compile / (time of {BASELINE}\'s step - time of'
            " this one) in float64: after that many calls the compiled step has won"
            f" back its compile time (never, where {BASELINE} is as fast). {DASH}:"
            " not measured.",
            *md_tables(
                COMPILE_HEADERS
                + [f"calls to repay at {n:,} x {d:,}" for n, d in sizes],
                [
                    [r.impl]
                    + [fmt_cell(v and v * 1e3, "time") for v in r.times]
                    + [_calls_cell(v) for v in r.calls]
                    for r in compile_rows(run)
                ],
                "l" + "r" * (len(COMPILE_HEADERS) - 1 + len(sizes)),
            ),
        ]
    )
