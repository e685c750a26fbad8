"""The first call in a new process (``bench/test_compile.py``) of every
implementation that compiles or builds at its first call (Numba's, JAX's trace and
compile, ``torch.compile``, the Cython build): the ``compile.csv`` rows and the
Markdown table of the cost-model section.

Its rows are the implementations the run has first-call timings of, and every
other implementation of the run that is declared compiling
(``kernels.trait(name, "compiles")``), with dashes where not measured.

Beside the times, how many calls repay them: compiling costs ``C`` once, and each
call then saves ``t(numpy) - t(impl)`` over NumPy (``comparisons.VECTORIZED``,
which compiles nothing), so after ``C / (t(numpy) - t(impl))`` calls the compiled
step has won back its compile time (where it is not faster than NumPy, never).
Given at the notebook's 20 x 3 and at the largest float64 size of the run, from
the medians of the same run.
"""

import math
from typing import NamedTuple

from bench.report.common import DASH
from bench.report.comparisons import VECTORIZED, compiling
from bench.report.formatting import fmt_cell, heading, md_tables, to_csv
from bench.report.model import DISPLAY_ORDER, ordered

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
