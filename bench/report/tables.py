"""The columns of the time, speedup, rate and memory tables, and ``summary.csv``.

Each column is a ``Column``: its CSV and Markdown headers, its number format, the
Markdown tables that show it, and the function that reads its value from a
``Run``. ``summary_columns`` lists them in order; ``summary.csv`` has every column
with a CSV header, however many, and each Markdown table a few
(``bench/report/sections.py`` lays them out, split where too wide).

Which implementations go in which part is never written here: the time, rate and
memory parts follow ``comparisons.column_groups`` (this suite's steps, then the
peers), the speedup parts ``comparisons.speedup_groups``, and the rate shares
``comparisons.roofline``; so a new implementation gets its columns everywhere
without a change to this module. What a cell says beyond its number (a mark on a
speedup whose two timings overlap, say) belongs in the ``value`` function of its
column and in the formatting of its ``kind``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from bench.report.common import RATED
from bench.report.comparisons import (
    column_groups,
    compiled,
    roofline,
    speedup_groups,
)
from bench.report.formatting import to_csv
from bench.report.intervals import has_intervals, speedup, verdict_word
from bench.report.winners import cell_winners, winner_text

NOT_SEEN = "not seen"  # a memory cell whose allocations tracemalloc cannot see


@dataclass(frozen=True)
class Column:
    """One column of the summary.

    Attributes
    ----------
    csv : str or None
        Header in the CSV (units in the name); None for a Markdown-only column.
    md : str
        Header in Markdown.
    kind : str
        ``int``, ``time`` (µs), ``ratio`` (a ``Ratio`` where it has an interval),
        ``rate`` (GB/s, MB, kB), ``share`` (fraction) or ``str``.
    tables : tuple of str
        The Markdown tables that show it, by part name (``part_name``;
        ``sections.Section.parts``).
    value : callable
        ``value(run, dtype, n, d) -> number, str or None``.
    """

    csv: str | None
    md: str
    kind: str
    tables: tuple
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
        Column(f"{column.csv}_low", "", "ratio", (), part(lambda r: r.low)),
        Column(f"{column.csv}_high", "", "ratio", (), part(lambda r: r.high)),
        Column(f"{column.csv}_verdict", "", "str", (), part(verdict_word)),
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


def _alloc_kb(impl, markdown):
    """kB one call allocated; where tracemalloc cannot see them, ``NOT_SEEN`` in
    Markdown and nothing in the CSV."""

    def value(run, dtype, n, d):
        t = run.get(impl, dtype, n, d)
        if t is None or t.alloc_bytes is None:
            return None
        if not t.alloc_visible:
            return NOT_SEEN if markdown else None
        return t.alloc_bytes / 1e3

    return value


def _alloc_visible(impl):
    def value(run, dtype, n, d):
        t = run.get(impl, dtype, n, d)
        return None if t is None or t.alloc_bytes is None else t.alloc_visible

    return value


def has_allocations(run):
    """Whether the run recorded the bytes each call allocates."""
    return any(t.alloc_bytes is not None for t in run.timings.values())


def unseen_allocations(run):
    """The implementations some of whose allocations tracemalloc cannot see."""
    hidden = {
        t.impl
        for t in run.timings.values()
        if t.alloc_bytes is not None and not t.alloc_visible
    }
    return [i for i in run.impls if i in hidden]


def _megabytes(run, dtype, n, d):
    sizes = {
        t.itemsize for t in run.timings.values() if (t.dtype, t.n, t.d) == (dtype, n, d)
    }
    return n * d * max(sizes) / 1e6


def _winner(run, dtype, n, d):
    return winner_text(cell_winners(run, dtype, n, d)) if run.impls else None


SIZE = Column(None, "n x d", "str", (), lambda r, t, n, d: f"{n:,} x {d:,}")
MEGABYTES = Column("x_megabytes", "X (MB)", "rate", (), _megabytes)


def part_name(prefix, k):
    """The name of the ``k``-th table of a section (``Column.tables``)."""
    return f"{prefix}:{k}"


REFS = "refs"  # the part of a section's reference rows: part_name(prefix, REFS)
SHARES = "share"  # the part of the rates as shares of the roofline


def _grouped(prefix, names):
    """``[(part name, names)]`` for ``prefix``: one part per column group."""
    groups = enumerate(column_groups(names))
    return [(part_name(prefix, k), group) for k, (_, group) in groups]


def summary_columns(run):
    """The columns of ``summary.csv`` (those with a CSV header) and of the
    Markdown tables (those with tables)."""
    cols = [
        Column("n_samples", "n", "int", (), lambda r, t, n, d: n),
        Column("n_features", "d", "int", (), lambda r, t, n, d: d),
        Column("n_elements", "n·d", "int", (), lambda r, t, n, d: n * d),
        SIZE,
        MEGABYTES,
    ]
    for part, names in [
        *_grouped("time", run.impls),
        (part_name("time", REFS), run.references),
    ]:
        cols += [
            Column(f"{i}_median_us", i, "time", (part,), _time_us(i)) for i in names
        ]
    for k, group in enumerate(speedup_groups(run.impls, run.references)):
        cols += [
            Column(
                f"speedup_{a}_over_{b}",
                f"{a} vs {b}",
                "ratio",
                (part_name("speedup", k),),
                _speedup(a, b),
            )
            for a, b in group.pairs
        ]
    if has_intervals(run):
        cols += [
            extra for c in cols if c.kind == "ratio" for extra in _interval_columns(c)
        ]
    rated = [r for r in RATED if r in run.references]
    for part, names in [*_grouped("rate", run.impls), (part_name("rate", REFS), rated)]:
        cols += [Column(f"{i}_gb_per_s", i, "rate", (part,), _rate(i)) for i in names]
    if has_allocations(run):
        for part, names in _grouped("memory", run.impls):
            cols += [
                Column(f"{i}_alloc_kb", i, "rate", (), _alloc_kb(i, False))
                for i in names
            ]
            cols += [
                Column(None, i, "rate", (part,), _alloc_kb(i, True)) for i in names
            ]
        cols += [
            Column(f"{i}_alloc_visible", "", "str", (), _alloc_visible(i))
            for i in unseen_allocations(run)
        ]
    for i in compiled(run.impls):
        ceiling = roofline(i, run.references)
        if ceiling is not None:
            cols.append(
                Column(
                    f"{i}_share_of_{ceiling}",
                    f"{i} / {ceiling}",
                    "share",
                    (SHARES,),
                    _share(i, ceiling),
                )
            )
    cols.append(Column("winner", "", "str", (), _winner))
    return cols


def summary_rows(run, columns):
    """``[(dtype, [value per column])]``, one per group, dtype then n then d."""
    return [
        (dtype, [c.value(run, dtype, n, d) for c in columns])
        for dtype in run.dtypes
        for n, d in run.sizes(dtype)
    ]


def summary_csv(run):
    """The text of ``summary.csv``: every column that has a CSV header."""
    columns = [c for c in summary_columns(run) if c.csv is not None]
    rows = [[dtype, *values] for dtype, values in summary_rows(run, columns)]
    return to_csv(["dtype", *(c.csv for c in columns)], rows)
