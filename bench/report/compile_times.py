"""Numba's first call in a new process (``bench/test_compile.py``): the
``compile.csv`` rows and the Markdown table of the cost-model section.
"""

from bench.report.formatting import fmt_cell, heading, md_table, to_csv
from bench.report.model import ordered
from kernels import IMPLEMENTATIONS

COMPILE_MODES = ("import", "cold", "cached")


def _minus(a, b):
    return None if a is None or b is None else a - b


def compile_rows(run):
    """``[(impl, import, cold, cached, compile, load)]`` in seconds (or None).

    ``compile = cold - import`` and ``load = cached - import``: the first call's
    share of a new process.
    """
    impls = ordered({c.impl for c in run.compile_timings}, IMPLEMENTATIONS)
    times = {(c.impl, c.mode): c.median for c in run.compile_timings}
    rows = []
    for i in impls:
        start, cold, cached = (times.get((i, m)) for m in COMPILE_MODES)
        rows.append(
            (i, start, cold, cached, _minus(cold, start), _minus(cached, start))
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


def compile_csv(run):
    """The text of ``compile.csv``."""
    rows = [[i] + [v and v * 1e3 for v in values] for i, *values in compile_rows(run)]
    headers = ["impl", "import_ms", "cold_ms", "cached_ms", "compile_ms", "load_ms"]
    return to_csv(headers, rows)


def render_compile(run, level):
    """The first-call table, under its heading and with its explanation."""
    return "\n\n".join(
        [
            heading(level, "Numba's first call in a new process"),
            "Median wall time of a whole new process (ms): Python start, imports and"
            " data, without a call, and with one step whose machine code Numba"
            " compiles (cold cache) or loads from its on-disk cache (warm cache)."
            " The differences are the first call's cost. The step timings above"
            " exclude both.",
            md_table(
                COMPILE_HEADERS,
                [
                    [i] + [fmt_cell(v and v * 1e3, "time") for v in values]
                    for i, *values in compile_rows(run)
                ],
                "lrrrrr",
            ),
        ]
    )
