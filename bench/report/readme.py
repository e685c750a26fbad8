"""The README's marked blocks, replaced between their markers, every one from the
registry ``common.MARKERS``; and the headline table of comparisons.

readme
------
The README's generated blocks: what goes between each pair of markers of
``BLOCKS``, and the replacement itself.

A README holds the blocks it wants: the front page has the findings and the
headline table, and a README may also hold the targets, the summary tables, the
cost model or the win map. Each block whose markers are in the file is filled;
one with a single marker of its pair, or a file with no block at all, is an error.
Only the text between a begin and an end marker changes; everything else in the
file is kept byte for byte. The new text is computed in full before anything is
written, so a broken marker fails the report before any file is touched.
"""

import math
import os
from pathlib import Path

from bench.report.common import (
    DASH,
    HEADLINE,
    HEADLINE_SIZES,
    INTERPRETED,
    LOOP,
    MARKERS,
    OPTIONAL_MARKERS,
    OURS,
    PEERS,
    SUMMARY_MD,
    UNKNOWN,
    VECTORIZED,
    ReportError,
    fmt_count,
    fmt_sig,
    heading,
    md_table,
)
from bench.report.document import (
    DTYPE,
    FRONT_PAGE,
    render_cost_model,
    render_environment,
    render_findings,
    render_plot_links,
    render_targets,
)
from bench.report.stats import (
    fmt_ratio,
    has_intervals,
    interval_note,
    render_win_map,
    speedup,
)
from bench.report.tables import render_summary_tables

# Every block the report can write into a README: {name: (begin, end)}, in the
# order they are replaced
BLOCKS = {**MARKERS, **OPTIONAL_MARKERS}


def replace_between(text, begin, end, content, path):
    """``text`` with what lies between the markers ``begin`` and ``end`` replaced.

    Raises
    ------
    ReportError
        A marker is missing, repeated, or the end comes before the begin.
    """
    for marker in (begin, end):
        count = text.count(marker)
        if count != 1:
            problem = "not found" if count == 0 else f"found {count} times"
            raise ReportError(
                f"{path}: marker {marker} {problem}; the file needs exactly one"
                f" {begin} ... {end} pair"
            )
    i, j = text.index(begin) + len(begin), text.index(end)
    if j < i:
        raise ReportError(f"{path}: {end} comes before {begin}")
    return f"{text[:i]}\n{content.strip()}\n{text[j:]}"


def with_line(path, begin, end, line):
    """The text of the file at ``path`` with ``line`` between its markers
    ``begin`` and ``end`` (``replace_between``); nothing is written.

    Raises
    ------
    ReportError
        The file cannot be read, or a marker is missing or repeated.
    """
    try:
        old = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{path}: cannot be read ({exc})") from None
    return replace_between(old, begin, end, line, path)


def readme_blocks(run, costs, crossings, readme, out_dir):
    """``{marker name: Markdown}`` for a README, image paths relative to it."""
    folder = Path(
        os.path.relpath(Path(out_dir).resolve(), Path(readme).resolve().parent)
    )
    folder = folder.as_posix()
    link = f"Full tables: [{folder}/{SUMMARY_MD}]({folder}/{SUMMARY_MD})."
    summary = "\n\n".join(
        [
            render_environment(run, 3),
            render_summary_tables(run, 3),
            render_plot_links(run, 3, folder),
            link,
        ]
    )
    return {
        "answer": render_answer(run, None, f"the run in `{folder}/`"),
        "headline": render_headline(
            run,
            2,
            "Every table of this run, the cost models, the crossovers and the"
            f" targets: [{folder}/{SUMMARY_MD}]({folder}/{SUMMARY_MD}).",
        ),
        "targets": render_targets(run, 3),
        "summary": summary,
        "cost-model": render_cost_model(run, costs, crossings, 3),
        "findings": render_findings(run, costs, 3, FRONT_PAGE),
        "win-map": render_win_map(run, 3),
    }


def updated_readme(readme, blocks):
    """The README's text with every marked block replaced (nothing is written).

    Raises
    ------
    ReportError
        The file cannot be read, has none of the markers of ``BLOCKS``, or has one
        marker of a pair without the other.
    """
    readme = Path(readme)
    try:
        text = readme.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{readme}: no such file") from None
    except OSError as exc:
        raise ReportError(f"{readme}: cannot be read ({exc.strerror or exc})") from None
    present = [
        (name, begin, end)
        for name, (begin, end) in BLOCKS.items()
        if begin in text or end in text
    ]
    if not present:
        raise ReportError(
            f"{readme}: none of the report's markers found; the file needs at least"
            f" one pair, such as {' ... '.join(BLOCKS['answer'])}"
        )
    for name, begin, end in present:
        text = replace_between(text, begin, end, blocks[name], readme)
    return text


# ============================================================================
# the headline table
# The README's headline table: the comparisons the suite exists for, compact.
#
# One row per comparison of ``common.HEADLINE`` and dtype of the run: the
# speedup, with its 95 % interval, at each size of ``common.HEADLINE_SIZES``
# that the run has; how many cells of the grid it wins, ties and loses; and its
# slowest cell. A comparison against several implementations (the peers) is set, in
# each cell, against the fastest of them there, named in the cell. The table has at
# most 8 columns, so that it reads on a front page; every other table of the run is
# in ``summary.md``.


def fastest_base(run, bases, dtype, n, d):
    """The one of ``bases`` with the smallest median at ``n x d``, or None."""
    timed = [(t.median, b) for b in bases if (t := run.get(b, dtype, n, d)) is not None]
    return min(timed)[1] if timed else None


def against(run, row, dtype, n, d):
    """``(ratio, base)``: ``row.fast``'s speedup over the fastest of ``row.bases``
    at ``n x d``, or ``(None, None)`` where one of them was not measured."""
    base = fastest_base(run, row.bases, dtype, n, d)
    ratio = None if base is None else speedup(run, row.fast, base, dtype, n, d)
    return (None, None) if ratio is None else (ratio, base)


def _cell(run, row, dtype, n, d):
    ratio, base = against(run, row, dtype, n, d)
    if ratio is None:
        return DASH
    text = fmt_ratio(ratio, "x")
    return text if len(row.bases) == 1 else f"{text} ({base})"


def _row(run, row, dtype, sizes):
    """The table row of one comparison in one dtype, or None if never measured."""
    found = {
        (n, d): r
        for n, d in run.sizes(dtype)
        if (r := against(run, row, dtype, n, d))[0] is not None
    }
    if not found:
        return None
    signs = [ratio.sign for ratio, _ in found.values()]
    tally = f"{signs.count(1)} / {signs.count(0)} / {signs.count(-1)}"
    (n, d), (ratio, base) = min(found.items(), key=lambda kv: kv[1][0])
    slowest = fmt_ratio(ratio, "x") + f" at {n:,} x {d:,}"
    if len(row.bases) > 1:
        slowest += f" ({base})"
    return [
        f"{row.fast} vs {row.against}",
        dtype,
        *(_cell(run, row, dtype, n, d) for n, d in sizes),
        tally,
        slowest,
    ]


def headline_rows(run):
    """``(sizes, rows)``: the size columns the run has and the table's rows."""
    measured = {size for dtype in run.dtypes for size in run.sizes(dtype)}
    sizes = [size for size in HEADLINE_SIZES if size in measured]
    rows = [
        found
        for row in HEADLINE
        for dtype in run.dtypes
        if (found := _row(run, row, dtype, sizes)) is not None
    ]
    return sizes, rows


def render_headline(run, level, summary_link=""):
    """The headline table under a heading, with how to read it.

    Parameters
    ----------
    run : bench.report.model.Run
    level : int
        The heading's level.
    summary_link : str
        Markdown appended after the table (the link to the full tables).

    Returns
    -------
    str
    """
    sizes, rows = headline_rows(run)
    parts = [heading(level, "The headline comparisons")]
    if not rows:
        parts.append("This run has none of the headline comparisons.")
    else:
        note = (
            '"A vs B" at n x d: time of B / time of A, the medians of this run (preset'
            f" `{run.preset}`, {run.date}): above 1, A is faster. A row against"
            " several implementations takes the fastest of them in each cell, named"
            ' in brackets. "cells": how many cells of the grid A wins, ties and'
            ' loses; "slowest": its smallest ratio. '
            + (
                interval_note()
                if has_intervals(run)
                else "This run kept no per-pass samples: no intervals, and no ties."
            )
        )
        headers = [
            "comparison",
            "dtype",
            *(f"{n:,} x {d:,}" for n, d in sizes),
            "cells faster / tie / slower",
            "slowest",
        ]
        parts += [note, md_table(headers, rows, "ll" + "r" * (len(headers) - 2))]
    if summary_link:
        parts.append(summary_link)
    return "\n\n".join(parts)


# ============================================================================
# the answer of run --size
# The answer a reader came for, before any method: what a Python loop costs and
# when NumPy wins, by how much; where the compiled loops beat NumPy; which peer
# comes closest, and where one wins; and why. Every number is this run's (float64,
# one thread, unless said), each sentence left out where the run lacks its rows.
# The README opens with it (``make readme``) and ``python -m bench run`` ends
# with it.

WHY = (
    "Why: the Python loop pays the interpreter for every element of X; NumPy pays a"
    " fixed cost for each call and writes temporaries as large as the data, then"
    " runs compiled loops over whole arrays; a compiled loop pays neither and reads"
    " X once per step."
)
# Cells named where a peer wins, at most
PEER_WINS_SHOWN = 3


def _cell_size(n, d):
    return f"{n:,} x {d:,}"


def _loop_against_numpy(run):
    """What an element costs the Python loop, what a call costs NumPy, the size
    below which the loop can win, and NumPy's factor at the loop's largest size."""
    sizes = [
        s
        for s in run.sizes(DTYPE)
        if run.get(INTERPRETED, DTYPE, *s) and run.get(VECTORIZED, DTYPE, *s)
    ]
    if not sizes:
        return None
    small = min(sizes, key=lambda s: (s[0] * s[1], s[0]))
    # where NumPy wins by the most: the loop's cost is then its elements'
    big = max(sizes, key=lambda s: speedup(run, VECTORIZED, INTERPRETED, DTYPE, *s))
    per_element = run.median(INTERPRETED, DTYPE, *big) / (big[0] * big[1])
    per_call = run.median(VECTORIZED, DTYPE, *small)
    wins = [
        s
        for s in sizes
        if (r := speedup(run, INTERPRETED, VECTORIZED, DTYPE, *s)) and r.sign == 1
    ]
    at_scale = speedup(run, VECTORIZED, INTERPRETED, DTYPE, *big)
    text = (
        f"A Python loop costs {fmt_sig(per_element * 1e9)} ns per element of X"
        f" (at {_cell_size(*big)}); NumPy takes {fmt_sig(per_call * 1e6)} µs for"
        f" a step at {_cell_size(*small)}, where its work on the data is next to"
        " nothing: what a call costs it. So the loop can win only below about"
        f" {fmt_count(per_call / per_element)} elements (n·d): it wins"
    )
    if wins:
        top = max(wins, key=lambda s: (s[0] * s[1], s[0]))
        text += f" {len(wins)} of {len(sizes)} cells, up to {_cell_size(*top)}"
    else:
        text += f" none of {len(sizes)} cell{'s' if len(sizes) > 1 else ''}"
    return f"{text}; NumPy is {fmt_ratio(at_scale, 'x')} faster at {_cell_size(*big)}."


def _compiled_against_numpy(run):
    """The compiled loops against NumPy: ``numba``'s tally and where it loses,
    ``numba_simd``'s tally and its factor at the smallest and largest sizes."""
    found = [
        (r, n, d)
        for n, d in run.sizes(DTYPE)
        if (r := speedup(run, OURS, VECTORIZED, DTYPE, n, d)) is not None
    ]
    if not found:
        return None
    small = min(found, key=lambda c: (c[1] * c[2], c[1]))
    big = max(found, key=lambda c: (c[1] * c[2], c[1]))
    faster = sum(r.sign == 1 for r, _, _ in found)
    text = (
        f"The vectorized compiled loop `{OURS}` beats NumPy in {faster} of"
        f" {len(found)} cells: {fmt_ratio(small[0], 'x')} at"
        f" {_cell_size(*small[1:])}, {fmt_ratio(big[0], 'x')} at"
        f" {_cell_size(*big[1:])}."
    )
    plain = [
        (r, n, d)
        for n, d in run.sizes(DTYPE)
        if (r := speedup(run, LOOP, VECTORIZED, DTYPE, n, d)) is not None
    ]
    if plain:
        wins = sum(r.sign == 1 for r, _, _ in plain)
        losses = [c for c in plain if c[0].sign == -1]
        text += (
            f" The compiled loop as written (`{LOOP}`) beats it in {wins} of"
            f" {len(plain)}"
        )
        if losses:
            worst = min(losses, key=lambda c: c[0])
            text += (
                f" and loses {len(losses)}, by the most at {_cell_size(*worst[1:])}"
                f" ({fmt_ratio(worst[0], 'x')})"
            )
        elif wins < len(plain):
            text += f", a tie in the other {len(plain) - wins}"
        text += "."
    return text


def _closest_peer(run):
    """The peer ``numba_simd`` is nearest (geometric mean of its speedups, every
    dtype), and the cells where a peer is faster than it."""
    means, wins = {}, []
    for peer in PEERS:
        ratios = [
            (r, dtype, n, d)
            for dtype in run.dtypes
            for n, d in run.sizes(dtype)
            if (r := speedup(run, OURS, peer, dtype, n, d)) is not None
        ]
        if ratios:
            logs = [math.log(r) for r, *_ in ratios]
            means[peer] = (math.exp(sum(logs) / len(logs)), len(ratios))
            wins += [
                (r, peer, dtype, n, d) for r, dtype, n, d in ratios if r.sign == -1
            ]
    if not means:
        return None
    closest = min(means, key=lambda p: means[p][0])
    mean, cells = means[closest]
    if mean >= 1:
        text = (
            f"Of the peers, `{closest}` comes closest: `{OURS}` is {fmt_sig(mean)}x"
            f" faster in geometric mean over their {cells} cells (both dtypes)"
        )
    else:
        text = (
            f"Of the peers, `{closest}` is faster than `{OURS}`: {fmt_sig(1 / mean)}x"
            f" in geometric mean over their {cells} cells (both dtypes)"
        )
    if not wins:
        return text + "; no peer is faster in any cell."
    shown = [
        f"`{peer}` at {_cell_size(n, d)} {dtype} (`{OURS}` {fmt_ratio(r, 'x')})"
        for r, peer, dtype, n, d in sorted(wins)[:PEER_WINS_SHOWN]
    ]
    more = len(wins) - len(shown)
    return (
        f"{text}; a peer is faster in {len(wins)} cell{'s' if len(wins) > 1 else ''}:"
        f" {', '.join(shown)}" + (f" and {more} more" if more > 0 else "") + "."
    )


def answer(run):
    """The answer's sentences, from ``run``: the loop against NumPy, the compiled
    loops against NumPy, the closest peer, and why (the last only where the run
    has any of the others)."""
    found = [
        f
        for f in (
            _loop_against_numpy(run),
            _compiled_against_numpy(run),
            _closest_peer(run),
        )
        if f
    ]
    return [*found, WHY] if found else []


def answer_intro(run, name=None):
    """Which run the answer's numbers are (``name``, default its file): preset,
    date, the code's commit, CPU. The commit says which code was timed: a
    committed run describes the code of its commit, not of every later one."""
    env = dict(run.environment)
    cpu, commit = env.get("CPU", UNKNOWN), env.get("Commit", UNKNOWN).split(" ")[0]
    code = "" if commit == UNKNOWN else f", the code of commit {commit}"
    where = "" if cpu == UNKNOWN else f" on {cpu}"
    return (
        f"What {name or f'`{run.source}`'} found (preset `{run.preset}`,"
        f" {run.date}{where}{code}; one thread, {DTYPE} unless said):"
    )


def render_answer(run, level=None, name=None):
    """The answer as Markdown: a line naming the run, then one bullet a sentence
    (under a heading of ``level`` where given)."""
    items = answer(run)
    if not items:
        return ""
    parts = [heading(level, "The answer")] if level else []
    parts += [answer_intro(run, name), "\n".join(f"- {i}" for i in items)]
    return "\n\n".join(parts)
