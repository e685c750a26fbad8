"""Tables: the time, speedup, read-rate and memory tables of ``summary.md``, split
to at most 10 columns, their columns, ``summary.csv``, and the GPU section.

tables
------
The columns of the time, speedup, rate and memory tables, and ``summary.csv``.

Each column is a ``Column``: its CSV and Markdown headers, its number format, the
Markdown tables that show it, and the function that reads its value from a
``Run``. ``summary_columns`` lists them in order; ``summary.csv`` has every column
with a CSV header, however many, and each Markdown table a few
(``bench/report/tables.py`` lays them out, split where too wide).

Which implementations go in which part is never written here: the time, rate and
memory parts follow ``common.column_groups`` (this suite's steps, then the
peers), the speedup parts ``common.speedup_groups``, and the rate shares
``common.roofline``; so a new implementation gets its columns everywhere
without a change to this module. What a cell says beyond its number (a mark on a
speedup whose two timings overlap, say) belongs in the ``value`` function of its
column and in the formatting of its ``kind``.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from bench.report.common import (
    CORES,
    CUDA_H2D,
    CUDA_LOAD,
    CUDA_RESIDENT,
    DASH,
    RATED,
    SKLEARN,
    STREAM_ONE,
    X_SUM,
    column_groups,
    compiled,
    fmt_cell,
    heading,
    md_table,
    md_tables,
    roofline,
    speedup_groups,
    to_csv,
)
from bench.report.common import GPU as CUDA
from bench.report.crossovers import NEVER
from bench.report.stats import (
    Ratio,
    cell_winners,
    fmt_ratio,
    has_intervals,
    interval_note,
    speedup,
    verdict_word,
    winner_text,
)

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


# ============================================================================
# the sections of summary.md
# The sections of tables in ``summary.md``: time, speedups, read rate, memory.
#
# A section (``Section``) is a heading, a note, and per dtype one table for each of
# its parts, each under a caption and split again where it would be wider than
# ``common.MAX_COLUMNS`` (the columns that name the rows start every piece). The
# columns and their values are ``bench/report/tables.py``'s: a part is the name in
# ``Column.tables``, so which implementations a part shows follows the run
# (``common.column_groups``, ``common.speedup_groups``), never this module.

SHARE_CAPTION = "Share of the roofline's rate:"


@dataclass(frozen=True)
class Section:
    """One section of tables: a heading, a note, and per dtype one table (or
    several, where too wide) for each of ``parts``, ``(part name, caption)``,
    each starting with the ``keys`` columns that name the rows."""

    title: str
    note: str
    keys: tuple
    parts: tuple


def _cell(value, kind):
    if isinstance(value, Ratio):
        return fmt_ratio(value)
    return value if isinstance(value, str) else fmt_cell(value, kind)


def _part_tables(columns, rows, dtype, keys, part):
    """The Markdown tables of one part in one dtype: none when it has no column."""
    picked = [i for i, c in enumerate(columns) if part in c.tables]
    if not picked:
        return []
    picked = [columns.index(k) for k in keys] + picked
    cells = [
        [_cell(values[i], columns[i].kind) for i in picked]
        for dt, values in rows
        if dt == dtype
    ]
    headers = [columns[i].md for i in picked]
    return md_tables(headers, cells, "r" * len(picked), keys=len(keys))


TIME_NOTE = (
    "Median of each case's {rounds}, in µs per step. {dash}: not measured (the"
    " interpreted implementations are skipped at large n·d). {refs}"
)
SPEEDUP_NOTE = (
    'Speedup "A vs B" = time of B / time of A, from the medians above: above 1, A'
    " is faster. One table per baseline (and one for this project's step against"
    " the peers, other libraries' steps), where the run has both."
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
    " `stream_one` on one thread, `stream_all` on all of Numba's threads."
    ' "A / stream_one" ("A / stream_all" for a threaded implementation) is the'
    " share of that rate A reaches: 100 % means the step costs no more than reading"
    " X once. It is a ceiling only where reading X is the work: at small n·d the"
    " stream's fixed cost (waking the threads, for `stream_all`) is most of its"
    " time, and a step can read X faster there. `x_sum` (`X.sum()`, a"
    " pairwise sum) is NumPy's own pass over X, for comparison."
)
ALLOC_NOTE = (
    "The most memory one step held at once, in kB, above what it held before"
    " (tracemalloc, one untimed call per case; `bench/allocations.py`): its"
    " temporaries and its result. A step that allocates arrays of n values grows"
    " with n; a serial fused loop needs only arrays of d values, and a threaded"
    " one d values per chunk of rows, which grows with n."
)
UNSEEN_NOTE = (
    " {names}: {not_seen}, tracemalloc cannot see their allocations (their library"
    " allocates through its own allocator, as XLA's buffers and PyTorch's CPU"
    " allocator do), so the small number it reports would mislead."
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
    return TIME_NOTE.format(
        rounds="per-pass medians" if has_intervals(run) else "rounds",
        dash=DASH,
        refs=" ".join(refs),
    ).strip()


def _unit_parts(prefix, run, unit, refs=True):
    """``(part name, caption)`` of each column group of ``prefix``'s tables."""
    parts = [
        (part_name(prefix, k), f"{label} ({unit}):")
        for k, (label, _) in enumerate(column_groups(run.impls))
    ]
    if refs:
        parts.append((part_name(prefix, REFS), f"Reference rows ({unit}):"))
    return tuple(parts)


def sections(run):
    """The ``Section`` of each kind of table, keyed ``time``, ``speedups``,
    ``rate`` and (when recorded) ``memory``."""
    groups = speedup_groups(run.impls, run.references)
    speedup_note = SPEEDUP_NOTE + (f" {interval_note()}" if has_intervals(run) else "")
    out = {
        "time": Section(
            "Time per step", _time_note(run), (SIZE,), _unit_parts("time", run, "µs")
        ),
        "speedups": Section(
            "Speedups",
            speedup_note,
            (SIZE,),
            tuple(
                (part_name("speedup", k), f"{g.caption}:") for k, g in enumerate(groups)
            ),
        ),
        "rate": Section(
            "Rate of reading X",
            STREAM_RATE_NOTE if STREAM_ONE in run.references else RATE_NOTE,
            (SIZE, MEGABYTES),
            (
                *_unit_parts("rate", run, "GB/s"),
                (SHARES, SHARE_CAPTION),
            ),
        ),
    }
    if has_allocations(run):
        unseen = unseen_allocations(run)
        note = ALLOC_NOTE + (
            UNSEEN_NOTE.format(
                names=", ".join(f"`{i}`" for i in unseen), not_seen=f'"{NOT_SEEN}"'
            )
            if unseen
            else ""
        )
        out["memory"] = Section(
            "Memory allocated per step",
            note,
            (SIZE, MEGABYTES),
            _unit_parts("memory", run, "kB", refs=False),
        )
    return out


def render_section(run, section, level, columns, rows):
    """One section: its heading and note, then per dtype the tables of its parts,
    each under its caption."""
    parts = [heading(level, section.title), section.note]
    for dtype in run.dtypes:
        parts.append(heading(level + 1, dtype))
        for part, caption in section.parts:
            found = _part_tables(columns, rows, dtype, section.keys, part)
            if found:
                parts += [caption, *found]
    return "\n\n".join(parts)


def render_sections(run, level, keys=None):
    """``{key: Markdown}`` of the sections named by ``keys`` (default: all), with
    every value computed once."""
    columns = summary_columns(run)
    rows = summary_rows(run, columns)  # every value, intervals included, once
    found = sections(run)
    keys = list(found) if keys is None else [k for k in keys if k in found]
    return {k: render_section(run, found[k], level, columns, rows) for k in keys}


def render_time_tables(run, level):
    """The time and speedup tables, one set per dtype."""
    return "\n\n".join(render_sections(run, level, ["time", "speedups"]).values())


def render_summary_tables(run, level):
    """The time, speedup, read-rate and (when recorded) allocation tables."""
    return "\n\n".join(render_sections(run, level).values())


# ============================================================================
# the GPU section
# The GPU section of a run of the ``gpu`` preset: what the copy costs, and when
# the GPU pays.
#
# ``numba_cuda``'s step (``common.GPU``) copies ``X`` to the device at every
# call; ``cuda_resident`` is the same step on data already there, ``cuda_h2d`` the
# copy alone and ``cuda_load`` a kernel that only reads ``X`` (the device's
# roofline). From their medians, per size:
#
# - the copy's share of the step with transfer, ``t(cuda_h2d) / t(numba_cuda)``;
# - the resident step's rate of reading ``X`` as a share of ``cuda_load``'s;
# - the step with transfer and the resident step against ``numba_parallel``
#   (``common.CORES``) on the same machine's cores, with intervals
#   (``bench/report/stats.py``);
# - the break-even of ``train``: it copies ``X`` once and then runs every epoch on
#   the device, so after ``E = t(cuda_h2d) / (t(numba_parallel) - t(cuda_resident))``
#   epochs the copy is repaid (never, where the cores are as fast);
# - where the step with transfer starts to beat ``numba_parallel``: the smallest n at
#   each d from which it is called faster at every larger n (called verdicts only).
#
# A run without the device rows has no such section; nothing else changes.


def epochs_to_repay(run, dtype, n, d):
    """Epochs of ``train`` after which the one-time copy of ``X`` is repaid: an
    int, ``NEVER``, or None where a row is missing."""
    times = [run.median(i, dtype, n, d) for i in (CUDA_H2D, CORES, CUDA_RESIDENT)]
    if None in times:
        return None
    copy, cores, resident = times
    return math.ceil(copy / (cores - resident)) if cores > resident else NEVER


def _time_share(run, part, whole, dtype, n, d):
    a, b = run.median(part, dtype, n, d), run.median(whole, dtype, n, d)
    return None if a is None or b is None else a / b


def transfer_crossover(run, dtype):
    """``{d: text}``: from which n the step with transfer beats ``numba_parallel``."""
    out = {}
    for d in sorted({d for _, d in run.sizes(dtype)}):
        verdicts = [
            (n, speedup(run, CUDA, CORES, dtype, n, dd))
            for n, dd in run.sizes(dtype)
            if dd == d
        ]
        measured = [(n, r) for n, r in verdicts if r is not None]
        called = [(n, r.sign) for n, r in measured if r.sign != 0]
        if not called:
            out[d] = "no verdict called" if measured else "not measured"
            continue
        start = None
        for n, sign in sorted(called, reverse=True):
            if sign < 0:
                break
            start = n
        if start is None:
            out[d] = f"{CORES} faster at the largest n"
        elif start == min(n for n, _ in called):
            out[d] = f"{CUDA} faster at every n measured (from {start:,})"
        else:
            out[d] = f"{CUDA} faster from n = {start:,}"
    return out


def render_gpu(run, level):
    """The GPU section: the table per dtype, then the crossovers."""
    headers = [
        "n",
        "d",
        "copy of X (µs)",
        "copy / step with transfer",
        "resident step / cuda_load",
        f"{CUDA} vs {CORES}",
        f"{CUDA_RESIDENT} vs {CORES}",
        "epochs to repay the copy",
    ]
    parts = [
        heading(level, "The step on a GPU"),
        f"{CUDA} copies X to the device at every step; {CUDA_RESIDENT} is the same"
        f" step on data already there, {CUDA_H2D} the copy alone, {CUDA_LOAD} a"
        f" kernel that only reads X. Speedups are time of {CORES} (this machine's"
        " cores) / time on the GPU. Epochs to repay: after that many epochs of"
        f" train, which copies X once, the copy is won back against {CORES}."
        + (f" {interval_note()}" if has_intervals(run) else ""),
    ]
    for dtype in run.dtypes:
        rows = []
        for n, d in run.sizes(dtype):
            copy = run.median(CUDA_H2D, dtype, n, d)
            epochs = epochs_to_repay(run, dtype, n, d)
            ratios = [
                speedup(run, f, CORES, dtype, n, d) for f in (CUDA, CUDA_RESIDENT)
            ]
            rows.append(
                [
                    f"{n:,}",
                    f"{d:,}",
                    fmt_cell(None if copy is None else copy * 1e6, "time"),
                    fmt_cell(_time_share(run, CUDA_H2D, CUDA, dtype, n, d), "share"),
                    fmt_cell(
                        rate_share(run, CUDA_RESIDENT, CUDA_LOAD, dtype, n, d), "share"
                    ),
                    *(DASH if r is None else fmt_ratio(r) for r in ratios),
                    epochs if epochs == NEVER else fmt_cell(epochs, "int"),
                ]
            )
        parts += [heading(level + 1, dtype), md_table(headers, rows, "r" * 8)]
        crossing = transfer_crossover(run, dtype)
        parts.append(
            f"Step with transfer against {CORES} ({dtype}): "
            + "; ".join(f"d = {d:,}: {text}" for d, text in crossing.items())
            + "."
        )
    return "\n\n".join(parts)
