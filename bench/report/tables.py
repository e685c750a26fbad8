"""The time and rate tables of ``summary.md``, and ``summary.csv``.

Each column is a ``Column``: its CSV and Markdown headers, its number format, the
Markdown tables that show it, and the function that reads its value from a
``Run``. ``summary_columns`` lists them in order; ``summary.csv`` has them all, the
time and the rate tables each a subset. A new column, or the columns of a new
reference row, is one more ``Column`` there; what a cell says beyond its number (a
mark on a speedup whose two timings overlap, say) belongs in the ``value`` function
of its column and in the formatting of its ``kind``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from bench.report.common import DASH, RATED, SKLEARN, STREAM_ONE, X_SUM
from bench.report.comparisons import compiled, roofline, speedup_pairs
from bench.report.formatting import fmt_cell, heading, md_table, to_csv
from bench.report.intervals import (
    Ratio,
    fmt_ratio,
    has_intervals,
    interval_note,
    speedup,
    verdict_word,
)


@dataclass(frozen=True)
class Column:
    """One column of the summary.

    Attributes
    ----------
    csv, md : str
        Header in the CSV (units in the name) and in Markdown.
    kind : str
        ``int``, ``time`` (µs), ``ratio`` (a ``Ratio`` where it has an interval),
        ``rate`` (GB/s), ``share`` (fraction) or ``str``.
    tables : str
        The Markdown tables that show it: ``t`` time, ``r`` read rate, ``m``
        memory allocated.
    value : callable
        ``value(run, dtype, n, d) -> number or None``.
    """

    csv: str
    md: str
    kind: str
    tables: str
    value: Callable


def _time_us(impl):
    def value(run, dtype, n, d):
        t = run.median(impl, dtype, n, d)
        return None if t is None else t * 1e6

    return value


def _speedup(fast, base):
    def value(run, dtype, n, d):
        return speedup(run, fast, base, dtype, n, d)

    return value


def _interval_columns(column):
    """CSV-only columns of a speedup's interval and verdict."""

    def part(read):
        def value(run, dtype, n, d):
            r = column.value(run, dtype, n, d)
            return None if r is None else read(r)

        return value

    return [
        Column(f"{column.csv}_low", "", "ratio", "", part(lambda r: r.low)),
        Column(f"{column.csv}_high", "", "ratio", "", part(lambda r: r.high)),
        Column(f"{column.csv}_verdict", "", "str", "", part(verdict_word)),
    ]


def _rate(impl):
    def value(run, dtype, n, d):
        t = run.get(impl, dtype, n, d)
        return None if t is None else t.gb_per_s

    return value


def rate_share(run, impl, roof, dtype, n, d):
    """``impl``'s rate of reading X as a share of ``roof``'s, or None."""
    t, r = run.get(impl, dtype, n, d), run.get(roof, dtype, n, d)
    return None if t is None or r is None else t.gb_per_s / r.gb_per_s


def _share(impl, ceiling):
    def value(run, dtype, n, d):
        return rate_share(run, impl, ceiling, dtype, n, d)

    return value


def _alloc_kb(impl):
    def value(run, dtype, n, d):
        t = run.get(impl, dtype, n, d)
        return None if t is None or t.alloc_bytes is None else t.alloc_bytes / 1e3

    return value


def has_allocations(run):
    """Whether the run recorded the bytes each call allocates."""
    return any(t.alloc_bytes is not None for t in run.timings.values())


def _megabytes(run, dtype, n, d):
    sizes = {
        t.itemsize for t in run.timings.values() if (t.dtype, t.n, t.d) == (dtype, n, d)
    }
    return n * d * max(sizes) / 1e6


def summary_columns(run):
    """The columns of ``summary.csv`` (all) and of the Markdown tables (some)."""
    cols = [
        Column("n_samples", "n", "int", "trm", lambda r, t, n, d: n),
        Column("n_features", "d", "int", "trm", lambda r, t, n, d: d),
        Column("n_elements", "n·d", "int", "trm", lambda r, t, n, d: n * d),
        Column("x_megabytes", "X (MB)", "rate", "rm", _megabytes),
    ]
    cols += [Column(f"{i}_median_us", i, "time", "t", _time_us(i)) for i in run.impls]
    cols += [
        Column(f"{i}_median_us", i, "time", "t", _time_us(i)) for i in run.references
    ]
    cols += [
        Column(f"speedup_{a}_over_{b}", f"{a} vs {b}", "ratio", "t", _speedup(a, b))
        for a, b in speedup_pairs(run.impls)
    ]
    if SKLEARN in run.references:
        cols += [
            Column(
                f"speedup_{i}_over_{SKLEARN}",
                f"{i} vs {SKLEARN}",
                "ratio",
                "t",
                _speedup(i, SKLEARN),
            )
            for i in ("numba", "numba_simd")
            if i in run.impls
        ]
    if has_intervals(run):
        cols += [
            extra for c in cols if c.kind == "ratio" for extra in _interval_columns(c)
        ]
    rated = [*run.impls, *(r for r in RATED if r in run.references)]
    cols += [Column(f"{i}_gb_per_s", i, "rate", "r", _rate(i)) for i in rated]
    if has_allocations(run):
        cols += [
            Column(f"{i}_alloc_kb", i, "rate", "m", _alloc_kb(i)) for i in run.impls
        ]
    for i in compiled(run.impls):
        ceiling = roofline(i, run.references)
        if ceiling is not None:
            cols.append(
                Column(
                    f"{i}_share_of_{ceiling}",
                    f"{i} / {ceiling}",
                    "share",
                    "r",
                    _share(i, ceiling),
                )
            )
    return cols


def summary_rows(run, columns):
    """``[(dtype, [value per column])]``, one per group, dtype then n then d."""
    return [
        (dtype, [c.value(run, dtype, n, d) for c in columns])
        for dtype in run.dtypes
        for n, d in run.sizes(dtype)
    ]


def summary_csv(run):
    """The text of ``summary.csv``."""
    columns = summary_columns(run)
    rows = [[dtype, *values] for dtype, values in summary_rows(run, columns)]
    return to_csv(["dtype", *(c.csv for c in columns)], rows)


def _group_table(columns, rows, dtype, table):
    picked = [i for i, c in enumerate(columns) if table in c.tables]
    headers = [columns[i].md for i in picked]
    cells = [
        [
            fmt_ratio(values[i])
            if isinstance(values[i], Ratio)
            else fmt_cell(values[i], columns[i].kind)
            for i in picked
        ]
        for dt, values in rows
        if dt == dtype
    ]
    return md_table(headers, cells, "r" * len(picked))


TIME_NOTE = (
    "Median of each case's {rounds}, in µs per step. {dash}: not measured (the"
    ' interpreted implementations are skipped at large n·d). Speedup "A vs B" ='
    " time of B / time of A: above 1, A is faster. {refs}"
)
RATE_NOTE = (
    "GB/s = bytes of X (n·d·itemsize) / median time: the rate at which a step reads"
    " X. `x_sum` is `X.sum()`, one pass over X at the speed NumPy streams memory;"
    ' "A / x_sum" is A\'s rate as a share of it (the roofline: 100 % means the step'
    " costs no more than reading X once)."
)
STREAM_RATE_NOTE = (
    "GB/s = bytes of X (n·d·itemsize) / median time: the rate at which a step reads"
    " X. The roofline is a compiled load-only stream over X (`bench/stream.py`):"
    " `stream_one` on one thread, `stream_all` on all of Numba's threads. No step"
    ' reads X faster than that, so "A / stream_one" ("A / stream_all" for a'
    " threaded implementation) is the share of the memory rate A reaches: 100 %"
    " means the step costs no more than reading X once. `x_sum` (`X.sum()`, a"
    " pairwise sum) is NumPy's own pass over X, for comparison."
)


def _time_note(run):
    refs = []
    if SKLEARN in run.references:
        refs.append(
            f"`{SKLEARN}` is scikit-learn's loss_gradient plus the update, on one"
            " thread."
        )
    if X_SUM in run.references:
        refs.append(f"`{X_SUM}` is `X.sum()`, one read of X.")
    if STREAM_ONE in run.references:
        refs.append(
            "`stream_one` and `stream_all` read X once in a compiled loop, on one"
            " thread and on all."
        )
    if has_intervals(run):
        refs.append(interval_note())
    return TIME_NOTE.format(
        rounds="per-pass medians" if has_intervals(run) else "rounds",
        dash=DASH,
        refs=" ".join(refs),
    ).strip()


ALLOC_NOTE = (
    "The most memory one step held at once, in kB, above what it held before"
    " (tracemalloc, one untimed call per case; `bench/allocations.py`): its"
    " temporaries and its result. A step that allocates arrays of n values grows"
    " with n; a fused loop needs only arrays of d values."
)


def _tables(run, level, table, title, note, columns=None, rows=None):
    """One kind of table (``table``: a ``Column.tables`` letter), one per dtype,
    under ``title`` and ``note``; ``columns`` and ``rows`` when already made."""
    columns = summary_columns(run) if columns is None else columns
    rows = summary_rows(run, columns) if rows is None else rows
    parts = [heading(level, title), note]
    for dtype in run.dtypes:
        parts += [heading(level + 1, dtype), _group_table(columns, rows, dtype, table)]
    return "\n\n".join(parts)


def render_time_tables(run, level):
    """The time and speedup tables, one per dtype."""
    return _tables(run, level, "t", "Time per step", _time_note(run))


def render_summary_tables(run, level):
    """The time/speedup, read-rate and (when recorded) allocation tables."""
    columns = summary_columns(run)
    rows = summary_rows(run, columns)  # every value, intervals included, once
    kinds = [
        ("t", "Time per step", _time_note(run)),
        (
            "r",
            "Rate of reading X",
            STREAM_RATE_NOTE if STREAM_ONE in run.references else RATE_NOTE,
        ),
    ]
    if has_allocations(run):
        kinds.append(("m", "Memory allocated per step", ALLOC_NOTE))
    return "\n\n".join(
        _tables(run, level, table, title, note, columns, rows)
        for table, title, note in kinds
    )
