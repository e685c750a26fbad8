"""The sections of tables in ``summary.md``: time, speedups, read rate, memory.

A section (``Section``) is a heading, a note, and per dtype one table for each of
its parts, each under a caption and split again where it would be wider than
``formatting.MAX_COLUMNS`` (the columns that name the rows start every piece). The
columns and their values are ``bench/report/tables.py``'s: a part is the name in
``Column.tables``, so which implementations a part shows follows the run
(``comparisons.column_groups``, ``comparisons.speedup_groups``), never this module.
"""

from dataclasses import dataclass

from bench.report.common import DASH, SKLEARN, STREAM_ONE, X_SUM
from bench.report.comparisons import column_groups, speedup_groups
from bench.report.formatting import fmt_cell, heading, md_tables
from bench.report.intervals import Ratio, fmt_ratio, has_intervals, interval_note
from bench.report.tables import (
    MEGABYTES,
    NOT_SEEN,
    REFS,
    SHARES,
    SIZE,
    has_allocations,
    part_name,
    summary_columns,
    summary_rows,
    unseen_allocations,
)

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
